/**
 * The ReplicaSetController: the runner around `planReplicaSet`. It claims the
 * pods a ReplicaSet selects (adopting orphans, releasing pods that stopped
 * matching), creates missing pods in slow-start batches (1, 2, 4, …; a failed
 * batch stops the rest), deletes surplus pods in upstream's order, and writes
 * the status. Events: SuccessfulCreate, FailedCreate, SuccessfulDelete,
 * FailedDelete, as `replicaset-controller`.
 */

import { isNotFound, StatusError } from '../../api/errors.js';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import { splitKey } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { Controller } from '../runtime/controller.js';
import {
  applyClaims,
  controllerRefOf,
  newControllerRef,
  ORPHAN_INDEX,
  orphanIndex,
  planClaims,
} from '../runtime/controller-ref.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ManagedController } from '../runtime/manager.js';
import { isPodActive, type PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import { REPLICASETS, watchReplicaSetInputs } from './handlers.js';
import {
  calculateReplicaSetStatus,
  planReplicaSet,
  type ReplicaSetObject,
  statusNeedsUpdate,
} from './plan.js';

/** What `new ReplicaSetController(config)` needs; `store` must be `registry.store`. */
export interface ReplicaSetControllerConfig {
  readonly registry: Registry;
  /** The Registry's store (read side). */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
}

const SOURCE = { component: 'replicaset-controller' } as const;

/** The replicaset controller (`replicaset-controller` in events). Start it with `start(signal)`; `reconcile(key)` runs one sync. */
export class ReplicaSetController implements ManagedController {
  readonly name = 'replicaset';
  readonly #registry: Registry;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #events: EventRecorder;
  readonly #controller: Controller<string>;
  readonly #podInfo: ResourceInfo;
  readonly #rsInfo: ResourceInfo;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: ReplicaSetControllerConfig) {
    if (config.store !== config.registry.store)
      throw new Error('ReplicaSetController: store must be the registry store');
    this.#registry = config.registry;
    this.#store = config.store;
    this.#clock = config.clock;
    this.#events = config.events;
    this.#podInfo = resourceForKind('Pod') as ResourceInfo;
    this.#rsInfo = resourceForKind('ReplicaSet') as ResourceInfo;
    this.#store.addIndex('pods', ORPHAN_INDEX, orphanIndex);
    this.#controller = new Controller<string>({
      name: 'controller/replicaset',
      clock: config.clock,
      logger: config.logger,
      reconcile: (key) => this.reconcile(key),
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

  /** Subscribes to ReplicaSets and pods, replays what is stored, and starts syncing. */
  start(signal: AbortSignal): void {
    this.#unsubscribe = watchReplicaSetInputs(this.#store, {
      now: (key) => this.#controller.enqueue(key),
      after: (key, ms) => this.#controller.queue.addAfter(key, ms),
    });
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    await this.#controller.stop();
  }

  /**
   * Syncs one ReplicaSet (`namespace/name`). Throws when creating or deleting
   * pods failed, after writing the ReplicaFailure condition, so the key is
   * retried with back-off. Must not run concurrently for the same key.
   */
  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.#store.get<ReplicaSetObject>(REPLICASETS, namespace, name);
    if (!rs) return;
    const pods = this.#claimPods(rs);
    const now = this.#clock.now();
    let manageError: Error | undefined;
    if (!rs.metadata.deletionTimestamp) manageError = this.#manageReplicas(rs, pods, now);
    const current = this.#store.get<ReplicaSetObject>(REPLICASETS, namespace, name) ?? rs;
    const status = calculateReplicaSetStatus(current, pods, manageError, now);
    let written = current;
    if (statusNeedsUpdate(current, status)) {
      const observed = { ...status, observedGeneration: current.metadata.generation ?? 1 };
      written = this.#registry.update({ ...current, status: observed }, { subresource: 'status' });
    }
    const minReady = written.spec?.minReadySeconds ?? 0;
    const replicas = written.spec?.replicas ?? 1;
    if (
      !manageError &&
      minReady > 0 &&
      (written.status?.readyReplicas ?? 0) === replicas &&
      (written.status?.availableReplicas ?? 0) !== replicas
    ) {
      this.#controller.queue.addAfter(key, minReady * 1000);
    }
    if (manageError) throw manageError;
  }

  /** Active pods it owns or adopts (the orphans of its namespace are the only other candidates). */
  #claimPods(rs: ReplicaSetObject): PodObject[] {
    const owned = this.#registry.dependents<PodObject>(this.#podInfo, rs.metadata.uid ?? '');
    const orphans = this.#store.byIndex<PodObject>('pods', ORPHAN_INDEX, rs.metadata.namespace ?? '');
    const candidates = [...owned, ...orphans].filter(isPodActive);
    return applyClaims(this.#registry, rs, planClaims(rs, compiledSelector(rs.spec?.selector), candidates));
  }

  #manageReplicas(rs: ReplicaSetObject, pods: readonly PodObject[], now: number): Error | undefined {
    const desired = rs.spec?.replicas ?? 1;
    // Co-location ranks only matter when some but not all pods are deleted.
    const related = pods.length > desired && desired > 0 ? this.#relatedPods(rs, pods) : [];
    const plan = planReplicaSet(rs, pods, related, now);
    if (plan.create > 0) return this.#createPods(rs, plan.create);
    if (plan.delete.length > 0) return this.#deletePods(rs, plan.delete);
    return undefined;
  }

  /** `slowStartBatch`: batches of 1, 2, 4, …; after a batch with failures, no more batches. */
  #createPods(rs: ReplicaSetObject, count: number): Error | undefined {
    let remaining = count;
    for (let batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
      let firstError: Error | undefined;
      for (let i = 0; i < batch; i++) {
        const err = this.#createPod(rs);
        firstError ??= err;
      }
      if (firstError) return firstError;
      remaining -= batch;
    }
    return undefined;
  }

  #createPod(rs: ReplicaSetObject): Error | undefined {
    try {
      const pod = this.#registry.create(podFromTemplate(rs));
      this.#events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      return undefined;
    } catch (err) {
      this.#events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`, SOURCE);
      // A terminating namespace refuses every creation; that is not a failure to retry.
      if (isNamespaceTerminating(err)) return undefined;
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  #deletePods(rs: ReplicaSetObject, pods: readonly PodObject[]): Error | undefined {
    let firstError: Error | undefined;
    for (const pod of pods) {
      const name = pod.metadata.name ?? '';
      try {
        this.#registry.delete(this.#podInfo, pod.metadata.namespace, name);
        this.#events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`, SOURCE);
      } catch (err) {
        if (isNotFound(err)) continue;
        this.#events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`, SOURCE);
        firstError ??= new Error(`unable to delete pods: ${errorMessage(err)}`);
      }
    }
    return firstError;
  }

  /**
   * `getIndirectlyRelatedPods`: the active pods of every ReplicaSet with the
   * same controller (this one's alone when it has none), for co-location ranks.
   */
  #relatedPods(rs: ReplicaSetObject, own: readonly PodObject[]): PodObject[] {
    const ref = controllerRefOf(rs);
    if (!ref) return [...own];
    const out: PodObject[] = [];
    const seen = new Set<string>();
    for (const sibling of this.#registry.dependents<ReplicaSetObject>(this.#rsInfo, ref.uid)) {
      if (controllerRefOf(sibling)?.uid !== ref.uid) continue;
      const selector = compiledSelector(sibling.spec?.selector);
      const pods =
        sibling === rs || sibling.metadata.uid === rs.metadata.uid
          ? own
          : this.#registry.dependents<PodObject>(this.#podInfo, sibling.metadata.uid ?? '');
      for (const p of pods) {
        const uid = p.metadata.uid ?? '';
        if (seen.has(uid) || !selector.matches(p.metadata.labels)) continue;
        seen.add(uid);
        out.push(p);
      }
    }
    return out;
  }
}

/**
 * `GetPodFromTemplate`: a pod named `<rs>-<random>` with the template's labels,
 * annotations, finalizers and spec, and a controller reference to the ReplicaSet.
 */
export function podFromTemplate(rs: ReplicaSetObject): PodObject {
  const t = rs.spec?.template;
  const labels = t?.metadata?.labels ?? {};
  if (Object.keys(labels).length === 0) throw new Error('unable to create pods, no labels');
  const metadata: PodObject['metadata'] = {
    generateName: `${rs.metadata.name}-`,
    namespace: rs.metadata.namespace ?? 'default',
    labels: { ...labels },
    ...(t?.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    ...(t?.metadata?.finalizers ? { finalizers: [...t.metadata.finalizers] } : {}),
    ownerReferences: [newControllerRef(rs)],
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: t?.spec ?? { containers: [] } };
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'Forbidden' && err.details?.kind === 'namespaces';
}
