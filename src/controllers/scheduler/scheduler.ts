/**
 * The Scheduler (kube-scheduler's `default-scheduler` profile): a queue of
 * unassigned pods, one `schedulePod` decision per pod against a cache kept
 * current from store events, then a binding (`Scheduled` event) or a
 * `FailedScheduling` event with PodScheduled=False/Unschedulable. Pods that do
 * not fit wait until a node or pod change may let them fit, then retry after
 * their back-off (1 s doubling to 10 s); any pod waiting 5 minutes is retried.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import { splitKey } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import type { Random } from '../../util/random.js';
import { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ManagedController } from '../runtime/manager.js';
import type { PodObject } from '../runtime/pods.js';
import { bindPod, setPodCondition } from './binding.js';
import { SchedulerCache } from './cache.js';
import { watchSchedulerInputs } from './handlers.js';
import { storeLister } from './lister.js';
import { newPodInfo } from './pod-info.js';
import { type ClusterLister, schedulePod } from './schedule.js';
import type { PodInfo } from './types.js';

/** What `new Scheduler(config)` needs; `store` must be `registry.store`. */
export interface SchedulerConfig {
  readonly registry: Registry;
  /** The Registry's store (read side). */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  /** Breaks ties between equally good nodes. */
  readonly random: Random;
  /** Pods whose `spec.schedulerName` is this. @default 'default-scheduler' */
  readonly schedulerName?: string;
  /** Percentage of nodes to find feasible before scoring; 0 is upstream's adaptive default. @default 0 */
  readonly percentageOfNodesToScore?: number;
  /** @default 1 */
  readonly podInitialBackoffSeconds?: number;
  /** @default 10 */
  readonly podMaxBackoffSeconds?: number;
}

const UNSCHEDULABLE_FLUSH_MS = 30_000;
const MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;

/** The `default-scheduler`. Start it with `start(signal)`; `scheduleOne(key)` runs one decision. */
export class Scheduler implements ManagedController {
  readonly name = 'scheduler';
  /** The node/pod cache; read-only for callers. */
  readonly cache = new SchedulerCache();
  readonly #config: SchedulerConfig;
  readonly #schedulerName: string;
  readonly #controller: Controller<string>;
  readonly #lister: ClusterLister;
  /** Pods waiting outside the active queue: since when unschedulable, or backing off. */
  readonly #parked = new Map<
    string,
    { readonly state: 'unschedulable' | 'backoff'; readonly since: number }
  >();
  /** Failed attempts and the time of the last one, for back-off. */
  readonly #attempts = new Map<string, { count: number; last: number }>();
  /** PodInfo of pods being bound, reused when the binding's event arrives (the scheduler's "assume"). */
  readonly #assumed = new Map<string, PodInfo>();
  #nextStartIndex = 0;
  #unsubscribe: Unsubscribe[] = [];
  #flushTimer: TimerHandle | undefined;

  constructor(config: SchedulerConfig) {
    if (config.store !== config.registry.store)
      throw new Error('Scheduler: store must be the registry store');
    const pct = config.percentageOfNodesToScore ?? 0;
    if (pct < 0 || pct > 100) throw new Error('Scheduler: percentageOfNodesToScore must be within 0..100');
    this.#config = config;
    this.#schedulerName = config.schedulerName ?? 'default-scheduler';
    this.#lister = storeLister(config.store);
    this.#controller = new Controller<string>({
      name: 'scheduler',
      clock: config.clock,
      logger: config.logger,
      reconcile: (key) => this.scheduleOne(key),
    });
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  /** Reconciles run so far. */
  get reconcileCount(): number {
    return this.#controller.reconcileCount;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  /** Fills the cache from the store, queues unassigned pods and starts scheduling. */
  start(signal: AbortSignal): void {
    this.#unsubscribe = watchSchedulerInputs(this.#config.store, this.cache, {
      enqueue: (key) => {
        if (!this.#parked.has(key)) this.#controller.enqueue(key);
      },
      forget: (key) => {
        this.#parked.delete(key);
        this.#attempts.delete(key);
      },
      moveAllToActiveOrBackoff: () => this.#moveAll(() => true),
      podUpdated: (key) => {
        if (this.#parked.get(key)?.state === 'unschedulable') this.#moveAll((k) => k === key);
        else if (!this.#parked.has(key)) this.#controller.enqueue(key);
      },
      responsibleFor: (pod) => (pod.spec?.schedulerName ?? 'default-scheduler') === this.#schedulerName,
      podInfo: (pod) => {
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        const assumed = this.#assumed.get(key);
        this.#assumed.delete(key);
        if (!assumed || assumed.uid !== pod.metadata.uid) return newPodInfo(pod);
        assumed.pod = pod;
        return assumed;
      },
    });
    this.#controller.start(signal);
    this.#scheduleFlush();
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    if (this.#flushTimer) this.#config.clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    await this.#controller.stop();
  }

  /** Schedules one pod (`namespace/name`); a no-op unless it is unassigned and ours. */
  scheduleOne(key: string): void {
    this.#parked.delete(key);
    const { namespace, name } = splitKey(key);
    const pod = this.#config.store.get<PodObject>('pods', namespace, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if ((pod.spec?.schedulerName ?? 'default-scheduler') !== this.#schedulerName) return;
    const info = newPodInfo(pod);
    const result = schedulePod({
      pod: info,
      cache: this.cache,
      lister: this.#lister,
      random: this.#config.random,
      percentageOfNodesToScore: this.#config.percentageOfNodesToScore ?? 0,
      startIndex: this.#nextStartIndex,
    });
    switch (result.kind) {
      case 'scheduled':
        this.#nextStartIndex = result.nextStartIndex;
        this.#bind(key, info, result.nodeName);
        return;
      case 'unschedulable':
        this.#nextStartIndex = result.nextStartIndex;
        this.#fail(key, pod, 'Unschedulable', result.message);
        return;
      case 'noNodes':
        this.#fail(key, pod, 'SchedulerError', result.message);
        return;
    }
  }

  #bind(key: string, info: PodInfo, nodeName: string): void {
    const now = this.#config.clock.now();
    const pod = info.pod;
    this.#assumed.set(key, info);
    try {
      // One store transaction: the binding and its Scheduled event are written
      // together and their watch events go out only afterwards. The kubelet
      // reacts to the binding synchronously (its Pulling/Pulled events), so
      // recording Scheduled after a plain write would put it after the
      // kubelet's events, where a real cluster never shows it; recording it
      // before the write would claim a binding that may still be refused.
      // The recorder never throws, so the event cannot undo the binding.
      this.#config.store.transaction(() => {
        const bound = bindPod(this.#config.store, pod, nodeName, now);
        this.#config.events.record(
          bound,
          'Normal',
          'Scheduled',
          `Successfully assigned ${key} to ${nodeName}`,
          SOURCE,
        );
      });
      this.#attempts.delete(key);
    } catch (err) {
      this.#assumed.delete(key);
      if (isNotFound(err) || isConflict(err)) return;
      this.#config.logger.warn({ pod: key, err: errorMessage(err) }, 'Binding failed');
      this.#fail(key, pod, 'SchedulerError', `binding rejected: ${errorMessage(err)}`);
    }
  }

  /**
   * Records the failure (event, PodScheduled=False) and parks the pod: an
   * unschedulable pod waits for a cluster change, an error backs off.
   */
  #fail(key: string, pod: PodObject, reason: 'Unschedulable' | 'SchedulerError', message: string): void {
    const now = this.#config.clock.now();
    const attempt = this.#attempts.get(key) ?? { count: 0, last: now };
    attempt.count++;
    attempt.last = now;
    this.#attempts.set(key, attempt);
    if (reason === 'Unschedulable') {
      this.#parked.set(key, { state: 'unschedulable', since: now });
    } else {
      this.#parked.set(key, { state: 'backoff', since: now });
      this.#controller.queue.addAfter(key, this.#backoffMs(attempt.count));
    }
    this.#config.events.record(pod, 'Warning', 'FailedScheduling', message, SOURCE);
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.reason === reason && existing.message === message) return;
    const conditions = setPodCondition(
      pod.status?.conditions,
      { type: 'PodScheduled', status: 'False', reason, message },
      now,
    );
    try {
      this.#config.registry.update(
        { ...pod, status: { ...pod.status, phase: pod.status?.phase ?? 'Pending', conditions } },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  #backoffMs(attempts: number): number {
    const initial = (this.#config.podInitialBackoffSeconds ?? 1) * 1000;
    const max = (this.#config.podMaxBackoffSeconds ?? 10) * 1000;
    return Math.min(max, initial * 2 ** Math.max(0, attempts - 1));
  }

  /** Moves matching unschedulable pods to the queue once their back-off has passed. */
  #moveAll(match: (key: string) => boolean): void {
    if (this.#parked.size === 0) return;
    const now = this.#config.clock.now();
    for (const [key, p] of this.#parked) {
      if (p.state !== 'unschedulable' || !match(key)) continue;
      const a = this.#attempts.get(key);
      const remaining = a ? a.last + this.#backoffMs(a.count) - now : 0;
      this.#parked.set(key, { state: 'backoff', since: now });
      this.#controller.queue.addAfter(key, remaining);
    }
  }

  /** `flushUnschedulablePodsLeftover`: retries pods unschedulable for 5 minutes. */
  #scheduleFlush(): void {
    this.#flushTimer = this.#config.clock.setTimeout(() => {
      const now = this.#config.clock.now();
      this.#moveAll((key) => {
        const p = this.#parked.get(key);
        return p !== undefined && now - p.since > MAX_IN_UNSCHEDULABLE_MS;
      });
      this.#scheduleFlush();
    }, UNSCHEDULABLE_FLUSH_MS);
    this.#flushTimer.unref();
  }
}

const SOURCE = { component: 'default-scheduler' } as const;
