/**
 * Zones and the rate of NoExecute tainting (pkg/controller/nodelifecycle
 * `ComputeZoneState`, `RateLimitedTimedQueue`): nodes are grouped by
 * topology zone; each zone taints at most `evictionLimiterQPS` nodes a second,
 * less (or none) when a large part of it is down, and no zone taints at all
 * when every node of the cluster is down, since then the control plane, not
 * the nodes, is probably the problem.
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** `GetZoneKey`: region and zone labels, `''` for nodes without them. */
export function zoneKey(node: Pick<Node, 'metadata'>): string {
  const labels = node.metadata?.labels ?? {};
  const region =
    labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone =
    labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** `ComputeZoneState` from the zone's Ready conditions. */
export function computeZoneState(
  ready: readonly (NodeCondition | undefined)[],
  unhealthyZoneThreshold: number,
): { readonly notReady: number; readonly state: ZoneState } {
  let readyNodes = 0;
  let notReady = 0;
  for (const c of ready) {
    if (c?.status === 'True') readyNodes++;
    else notReady++;
  }
  if (readyNodes === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + readyNodes) >= unhealthyZoneThreshold) {
    return { notReady, state: 'PartialDisruption' };
  }
  return { notReady, state: 'Normal' };
}

/**
 * A zone's queue of nodes waiting for a NoExecute taint, drained at `qps`
 * (token bucket, burst 1). A node is queued once until `remove` (it became
 * reachable again).
 */
export class TainterQueue {
  #qps: number;
  #tokens = 1;
  #last: number;
  readonly #queue: string[] = [];
  readonly #seen = new Set<string>();

  constructor(qps: number, now: number) {
    this.#qps = qps;
    this.#last = now;
  }

  /** Changes the rate (`SwapLimiter`); 0 stops tainting. */
  setRate(qps: number, now: number): void {
    this.#refill(now);
    this.#qps = qps;
    if (qps === 0) this.#tokens = 0;
  }

  /** Queues a node; false when it is queued or was tainted already. */
  add(name: string): boolean {
    if (this.#seen.has(name)) return false;
    this.#seen.add(name);
    this.#queue.push(name);
    return true;
  }

  /** Forgets a node (it is reachable again), so it can be queued again later. */
  remove(name: string): void {
    this.#seen.delete(name);
    const i = this.#queue.indexOf(name);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  get length(): number {
    return this.#queue.length;
  }

  #refill(now: number): void {
    this.#tokens = Math.min(1, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
  }

  /**
   * Takes queued nodes while the rate allows, passing each to `fn`; a node for
   * which `fn` returns false stays queued. Returns the milliseconds until the
   * next node may be taken, or undefined when the queue is empty or stopped.
   */
  drain(now: number, fn: (name: string) => boolean): number | undefined {
    this.#refill(now);
    while (this.#queue.length > 0 && this.#qps > 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      const name = this.#queue.shift() as string;
      if (!fn(name)) this.#queue.push(name);
    }
    if (this.#queue.length === 0 || this.#qps === 0) return undefined;
    return Math.ceil(((1 - this.#tokens) / this.#qps) * 1000);
  }
}
