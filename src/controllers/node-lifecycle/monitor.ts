/**
 * The node lifecycle controller's periodic pass (`monitorNodeHealth`,
 * `processTaintBaseEviction`, `handleDisruption`, `doNoExecuteTaintingPass`,
 * `MarkPodsNotReady`). Runs synchronously on the injected clock; all writes
 * go through the Registry.
 */

import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe, WatchEvent } from '../../store/watch.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { podsOnNode, type StoredPod } from '../kubelet/index.js';
import type { EventRecorder } from '../runtime/events.js';
import { checkNodeHealth, type NodeHealth } from './health.js';
import { markPodNotReady } from './pods.js';
import { swapTaints, TAINT_NOT_READY, TAINT_UNREACHABLE } from './taints.js';
import { computeZoneState, TainterQueue, type ZoneState, zoneKey } from './zones.js';

export type StoredNode = Node & KubeObject;

const NODE = resourceForKind('Node')!;
const LEASE = resourceForKind('Lease')!;
const NO_EXECUTE: readonly Pick<Taint, 'key' | 'effect'>[] = [
  { key: TAINT_UNREACHABLE, effect: 'NoExecute' },
  { key: TAINT_NOT_READY, effect: 'NoExecute' },
];

/** A node with `taints` as its spec.taints (the field dropped when empty). */
export function withTaints(node: StoredNode, taints: Taint[]): StoredNode {
  const { taints: _old, ...spec } = node.spec ?? {};
  return { ...node, spec: taints.length > 0 ? { ...spec, taints } : spec };
}

export interface NodeHealthMonitorConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly gracePeriodMs: number;
  readonly startupGracePeriodMs: number;
  readonly evictionLimiterQPS: number;
  readonly secondaryEvictionLimiterQPS: number;
  readonly largeClusterSizeThreshold: number;
  readonly unhealthyZoneThreshold: number;
}

export class NodeHealthMonitor {
  readonly #c: NodeHealthMonitorConfig;
  readonly #health = new Map<string, NodeHealth>();
  readonly #known = new Set<string>();
  readonly #zoneStates = new Map<string, ZoneState>();
  readonly #tainters = new Map<string, TainterQueue>();
  #taintTimer: TimerHandle | undefined;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: NodeHealthMonitorConfig) {
    this.#c = config;
  }

  /** Watches pod bindings: a pod bound to a node that is not Ready is marked not ready (`processPod`). */
  start(): void {
    this.#unsubscribe = this.#c.store.subscribe('pods', (e) => this.#onPod(e as WatchEvent<StoredPod>));
  }

  stop(): void {
    this.#unsubscribe?.();
    if (this.#taintTimer) this.#c.clock.clearTimeout(this.#taintTimer);
    this.#taintTimer = undefined;
  }

  #event(node: StoredNode, reason: string, message: string): void {
    const ref = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: node.metadata.name, uid: node.metadata.uid },
    };
    this.#c.events.record(ref as KubeObject, 'Normal', reason, message, { component: 'node-controller' });
  }

  /** One pass over every node. */
  monitorNodeHealth(): void {
    const now = this.#c.clock.now();
    const nodes = this.#c.store.list<StoredNode>('nodes');
    this.#classify(nodes);
    const zones = new Map<string, (NodeCondition | undefined)[]>();
    for (const listed of nodes) {
      const node = this.#latest(listed);
      const name = node.metadata.name ?? '';
      const lease = this.#c.registry.tryGet<Lease & KubeObject>(LEASE, 'kube-node-lease', name);
      const r = checkNodeHealth({
        node,
        lease,
        saved: this.#health.get(name),
        now,
        gracePeriodMs: this.#c.gracePeriodMs,
        startupGracePeriodMs: this.#c.startupGracePeriodMs,
      });
      this.#health.set(name, r.health);
      let current = node;
      if (r.status)
        current = this.#c.registry.update({ ...node, status: r.status }, { subresource: 'status' });
      const zone = zoneKey(node);
      zones.set(zone, [...(zones.get(zone) ?? []), r.currentReady]);
      if (!r.currentReady) continue;
      this.#processTaintBasedEviction(current, r.observedReady);
      if (r.currentReady.status !== 'True' && r.observedReady.status === 'True') {
        this.#event(current, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        this.#markPodsNotReady(name);
      }
    }
    this.#handleDisruption(zones, nodes, now);
    this.#runTainting();
  }

  #classify(nodes: readonly StoredNode[]): void {
    const names = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      if (this.#known.has(name)) continue;
      this.#known.add(name);
      this.#event(node, 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      this.#tainter(zoneKey(node));
      this.#markReachable(node);
    }
    for (const name of this.#known) {
      if (names.has(name)) continue;
      this.#known.delete(name);
      this.#health.delete(name);
      const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name } } as StoredNode;
      this.#event(ref, 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
    }
  }

  #tainter(zone: string): TainterQueue {
    let q = this.#tainters.get(zone);
    if (!q) {
      q = new TainterQueue(this.#c.evictionLimiterQPS, this.#c.clock.now());
      this.#tainters.set(zone, q);
    }
    return q;
  }

  #processTaintBasedEviction(node: StoredNode, observed: NodeCondition): void {
    const name = node.metadata.name ?? '';
    const has = (key: string) =>
      (node.spec?.taints ?? []).some((t) => t.key === key && t.effect === 'NoExecute');
    switch (observed.status) {
      case 'False':
        if (has(TAINT_UNREACHABLE)) this.#swap(name, TAINT_NOT_READY, TAINT_UNREACHABLE);
        else this.#tainter(zoneKey(node)).add(name);
        break;
      case 'Unknown':
        if (has(TAINT_NOT_READY)) this.#swap(name, TAINT_UNREACHABLE, TAINT_NOT_READY);
        else this.#tainter(zoneKey(node)).add(name);
        break;
      default:
        this.#markReachable(node);
    }
  }

  /** Edits a node's taints on its latest version (`SwapNodeControllerTaint`). */
  #editTaints(name: string, add: readonly Taint[], remove: readonly Pick<Taint, 'key' | 'effect'>[]): void {
    const node = this.#c.registry.tryGet<StoredNode>(NODE, undefined, name);
    if (!node) return;
    const taints = swapTaints(node.spec?.taints ?? [], add, remove, this.#c.clock.now());
    if (taints) this.#c.registry.update(withTaints(node, taints));
  }

  #swap(name: string, add: string, remove: string): boolean {
    this.#editTaints(name, [{ key: add, effect: 'NoExecute' }], [{ key: remove, effect: 'NoExecute' }]);
    return true;
  }

  /** Removes the NoExecute not-ready/unreachable taints and forgets the node in its zone's queue. */
  #markReachable(node: StoredNode): void {
    const name = node.metadata.name ?? '';
    this.#tainter(zoneKey(node)).remove(name);
    if (
      (node.spec?.taints ?? []).some((t) => NO_EXECUTE.some((n) => n.key === t.key && n.effect === t.effect))
    ) {
      this.#editTaints(name, [], NO_EXECUTE);
    }
  }

  /** `doNoExecuteTaintingPass`: taints queued nodes at each zone's rate; re-arms itself while nodes wait. */
  #runTainting(): void {
    if (this.#taintTimer) this.#c.clock.clearTimeout(this.#taintTimer);
    this.#taintTimer = undefined;
    let next: number | undefined;
    for (const q of this.#tainters.values()) {
      const wait = q.drain(this.#c.clock.now(), (name) => this.#taintNode(name));
      if (wait !== undefined) next = Math.min(next ?? wait, wait);
    }
    if (next === undefined) return;
    this.#taintTimer = this.#c.clock.setTimeout(() => this.#runTainting(), Math.max(100, next));
    this.#taintTimer.unref();
  }

  #taintNode(name: string): boolean {
    const node = this.#c.registry.tryGet<StoredNode>(NODE, undefined, name);
    if (!node) return true;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready) return false;
    try {
      if (ready.status === 'False') return this.#swap(name, TAINT_NOT_READY, TAINT_UNREACHABLE);
      if (ready.status === 'Unknown') return this.#swap(name, TAINT_UNREACHABLE, TAINT_NOT_READY);
    } catch (err) {
      this.#c.logger.warn({ node: name, err: errorMessage(err) }, 'Failed to taint node');
      return false;
    }
    return true;
  }

  #zoneRate(state: ZoneState, size: number): number {
    switch (state) {
      case 'PartialDisruption':
        return size > this.#c.largeClusterSizeThreshold ? this.#c.secondaryEvictionLimiterQPS : 0;
      default:
        return this.#c.evictionLimiterQPS;
    }
  }

  #handleDisruption(
    zones: Map<string, (NodeCondition | undefined)[]>,
    nodes: readonly StoredNode[],
    now: number,
  ): void {
    const states = new Map<string, ZoneState>();
    for (const [zone, conds] of zones) {
      states.set(zone, computeZoneState(conds, this.#c.unhealthyZoneThreshold).state);
      if (!this.#zoneStates.has(zone)) this.#zoneStates.set(zone, 'Initial');
    }
    for (const zone of this.#zoneStates.keys()) if (!zones.has(zone)) this.#zoneStates.delete(zone);
    const allNow = [...states.values()].every((s) => s === 'FullDisruption');
    const allWere = [...this.#zoneStates.values()].every((s) => s === 'FullDisruption');
    if (allNow && allWere) return;
    if (allNow) {
      this.#c.logger.info(
        'Controller detected that all Nodes are not-Ready. Entering master disruption mode',
      );
      for (const node of nodes) this.#markReachable(this.#latest(node));
      for (const zone of this.#zoneStates.keys()) {
        this.#tainter(zone).setRate(0, now);
        this.#zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWere && this.#zoneStates.size > 0) {
      this.#c.logger.info('Controller detected that some Nodes are Ready. Exiting master disruption mode');
      for (const [name, h] of this.#health)
        this.#health.set(name, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
    }
    for (const [zone, state] of states) {
      if (this.#zoneStates.get(zone) === state && !allWere) continue;
      this.#tainter(zone).setRate(this.#zoneRate(state, zones.get(zone)?.length ?? 0), now);
      this.#zoneStates.set(zone, state);
    }
  }

  #latest(node: StoredNode): StoredNode {
    return this.#c.registry.tryGet<StoredNode>(NODE, undefined, node.metadata.name ?? '') ?? node;
  }

  #markPodsNotReady(nodeName: string): void {
    for (const pod of podsOnNode(this.#c.store, nodeName)) this.#markPod(pod);
  }

  #markPod(pod: StoredPod): void {
    try {
      markPodNotReady(pod, { registry: this.#c.registry, clock: this.#c.clock, events: this.#c.events });
    } catch (err) {
      if (!isNotFound(err)) this.#c.logger.warn({ err: errorMessage(err) }, 'Unable to mark pod NotReady');
    }
  }

  #onPod(event: WatchEvent<StoredPod>): void {
    if (event.type === 'DELETED') return;
    const nodeName = event.object.spec?.nodeName;
    if (!nodeName) return;
    if (event.type === 'MODIFIED' && event.previous.spec?.nodeName === nodeName) return;
    const ready = this.#health.get(nodeName)?.ready;
    if (ready && ready.status !== 'True') queueMicrotask(() => this.#markPod(event.object));
  }
}
