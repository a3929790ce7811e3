/**
 * The node lifecycle controller (pkg/controller/nodelifecycle): every
 * nodeMonitorPeriod it checks each node's heartbeats (Lease renewals, Ready
 * heartbeats); a node silent for nodeMonitorGracePeriod turns Ready=Unknown,
 * its pods are marked not ready (so endpoints drop them) and it gets the
 * `node.kubernetes.io/unreachable` NoSchedule and (rate-limited, per zone)
 * NoExecute taints, which the taint eviction controller turns into pod
 * deletions. When the node is back the taints go. `spec.unschedulable` (cordon)
 * maps to the `node.kubernetes.io/unschedulable:NoSchedule` taint.
 */

import { resourceForKind } from '../../api/resources.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe, WatchEvent } from '../../store/watch.js';
import type { NodeLifecycleConfig } from '../../topology/types.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { errorMessage, UserError } from '../../util/errors.js';
import { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ManagedController } from '../runtime/manager.js';
import { NodeHealthMonitor, type StoredNode, withTaints } from './monitor.js';
import { TaintEvictionController } from './taint-eviction.js';
import { desiredNoScheduleTaints, managedNoScheduleTaints, swapTaints, taintSetDiff } from './taints.js';

export interface NodeLifecycleControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  /**
   * The topology's `nodeLifecycle`: nodeMonitorGracePeriodSeconds is used here;
   * podEvictionTimeoutSeconds reaches eviction through the pods' own
   * tolerations (DefaultTolerationSeconds), as on a real cluster.
   */
  readonly lifecycle: NodeLifecycleConfig;
  /** @default 5 */
  readonly nodeMonitorPeriodSeconds?: number;
  /** Grace for a node that never posted a Ready condition. @default 60 */
  readonly nodeStartupGracePeriodSeconds?: number;
  /** Nodes tainted NoExecute per second per healthy zone. @default 0.1 */
  readonly evictionLimiterQPS?: number;
  /** The same, in a partially disrupted zone larger than largeClusterSizeThreshold. @default 0.01 */
  readonly secondaryEvictionLimiterQPS?: number;
  /** @default 50 */
  readonly largeClusterSizeThreshold?: number;
  /** @default 0.55 */
  readonly unhealthyZoneThreshold?: number;
  /** Also run the taint eviction controller (kube-controller-manager runs both). @default true */
  readonly taintEviction?: boolean;
}

const NODE = resourceForKind('Node')!;

export class NodeLifecycleController implements ManagedController {
  readonly name = 'node-lifecycle';
  readonly #c: NodeLifecycleControllerConfig;
  readonly #logger: Logger;
  readonly #monitor: NodeHealthMonitor;
  readonly #eviction: TaintEvictionController | undefined;
  #noSchedule: Controller | undefined;
  #timer: TimerHandle | undefined;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: NodeLifecycleControllerConfig) {
    const lc = config.lifecycle;
    if (!(lc.nodeMonitorGracePeriodSeconds > 0)) {
      throw new UserError(
        `nodeMonitorGracePeriodSeconds must be > 0, got ${lc.nodeMonitorGracePeriodSeconds}`,
      );
    }
    const period = config.nodeMonitorPeriodSeconds ?? 5;
    if (!(period > 0)) throw new UserError(`nodeMonitorPeriodSeconds must be > 0, got ${period}`);
    this.#c = config;
    this.#logger = config.logger.child({ component: 'controller/node-lifecycle' });
    this.#monitor = new NodeHealthMonitor({
      registry: config.registry,
      store: config.store,
      clock: config.clock,
      logger: this.#logger,
      events: config.events,
      gracePeriodMs: lc.nodeMonitorGracePeriodSeconds * 1000,
      startupGracePeriodMs: (config.nodeStartupGracePeriodSeconds ?? 60) * 1000,
      evictionLimiterQPS: config.evictionLimiterQPS ?? 0.1,
      secondaryEvictionLimiterQPS: config.secondaryEvictionLimiterQPS ?? 0.01,
      largeClusterSizeThreshold: config.largeClusterSizeThreshold ?? 50,
      unhealthyZoneThreshold: config.unhealthyZoneThreshold ?? 0.55,
    });
    this.#eviction =
      config.taintEviction === false
        ? undefined
        : new TaintEvictionController({
            registry: config.registry,
            store: config.store,
            clock: config.clock,
            logger: config.logger,
            events: config.events,
          });
  }

  /** Starts monitoring (first pass at once, then every nodeMonitorPeriod). Stops when `signal` aborts. */
  start(signal?: AbortSignal): void {
    if (this.#noSchedule) return;
    this.#noSchedule = new Controller({
      name: 'controller/node-lifecycle',
      clock: this.#c.clock,
      logger: this.#logger,
      reconcile: (name) => this.#syncNoScheduleTaints(name),
    });
    this.#unsubscribe = this.#c.store.subscribe('nodes', (e) => this.#onNode(e));
    for (const node of this.#c.store.list('nodes')) this.#noSchedule.enqueue(node.metadata.name ?? '');
    this.#noSchedule.start();
    this.#eviction?.start();
    this.#monitor.start();
    this.#tick();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    const queue = this.#noSchedule;
    if (!queue) return;
    this.#noSchedule = undefined;
    if (this.#timer) this.#c.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#monitor.stop();
    await Promise.all([queue.stop(), this.#eviction?.stop()]);
  }

  /** True when no taint or eviction work is queued (the periodic monitor does not count). */
  get idle(): boolean {
    return (this.#noSchedule?.idle ?? true) && (this.#eviction?.idle ?? true);
  }

  /** Resolves once queued work has been processed (tests). */
  async whenIdle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.#noSchedule?.whenIdle();
    await this.#eviction?.whenIdle();
  }

  #tick(): void {
    if (!this.#noSchedule) return;
    this.#timer = this.#c.clock.setTimeout(
      () => this.#tick(),
      (this.#c.nodeMonitorPeriodSeconds ?? 5) * 1000,
    );
    this.#timer.unref();
    try {
      this.#monitor.monitorNodeHealth();
    } catch (err) {
      this.#logger.error({ err: errorMessage(err) }, 'Error monitoring node health');
    }
  }

  #onNode(event: WatchEvent): void {
    if (event.type !== 'DELETED') this.#noSchedule?.enqueue(event.object.metadata.name ?? '');
  }

  /** `doNoScheduleTaintingPass`: condition and unschedulable taints follow the node's state. */
  #syncNoScheduleTaints(name: string): void {
    const node = this.#c.registry.tryGet<StoredNode>(NODE, undefined, name);
    if (!node) return;
    const { add, remove } = taintSetDiff(desiredNoScheduleTaints(node), managedNoScheduleTaints(node));
    if (add.length === 0 && remove.length === 0) return;
    const taints = swapTaints(node.spec?.taints ?? [], add, remove, this.#c.clock.now());
    if (taints) this.#c.registry.update(withTaints(node, taints));
  }
}
