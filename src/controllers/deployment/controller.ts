/**
 * The DeploymentController: the runner around `planDeploymentSync`. It watches
 * Deployments, ReplicaSets and (for Recreate) pod deletions, claims the
 * ReplicaSets a Deployment selects, and performs the plan's writes through the
 * Registry in order, recording `ScalingReplicaSet` events as
 * `deployment-controller`.
 *
 * Reconciles are synchronous: nothing else writes between reading the store
 * and writing the plan, so writes carry no resourceVersion precondition.
 */

import { isAlreadyExists, isNotFound } from '../../api/errors.js';
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
  ORPHAN_INDEX,
  orphanIndex,
  planClaims,
} from '../runtime/controller-ref.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ManagedController } from '../runtime/manager.js';
import type { PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import { type MutableStatus, newCondition, Reason, setCondition } from './conditions.js';
import { DEPLOYMENTS, REPLICASETS, watchDeploymentInputs } from './handlers.js';
import { planDeploymentSync } from './plan.js';
import type { DeploymentAction } from './plan-state.js';
import { equalIgnoreHash } from './template.js';
import { type DeploymentObject, hasProgressDeadline, isRecreate, type ReplicaSetObject } from './util.js';

/** What `new DeploymentController(config)` needs; `store` must be `registry.store`. */
export interface DeploymentControllerConfig {
  readonly registry: Registry;
  /** The Registry's store (read side). */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
}

const SOURCE = { component: 'deployment-controller' } as const;

/**
 * The deployment controller (`deployment-controller` in events). Start it with
 * `start(signal)` (or through a ControllerManager); `reconcile(key)` runs one
 * sync for tests.
 */
export class DeploymentController implements ManagedController {
  readonly name = 'deployment';
  readonly #registry: Registry;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #events: EventRecorder;
  readonly #controller: Controller<string>;
  readonly #rsInfo: ResourceInfo;
  readonly #podInfo: ResourceInfo;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: DeploymentControllerConfig) {
    if (config.store !== config.registry.store)
      throw new Error('DeploymentController: store must be the registry store');
    this.#registry = config.registry;
    this.#store = config.store;
    this.#clock = config.clock;
    this.#logger = config.logger;
    this.#events = config.events;
    this.#rsInfo = resourceForKind('ReplicaSet') as ResourceInfo;
    this.#podInfo = resourceForKind('Pod') as ResourceInfo;
    this.#store.addIndex(REPLICASETS, ORPHAN_INDEX, orphanIndex);
    this.#controller = new Controller<string>({
      name: 'controller/deployment',
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

  /** Subscribes to Deployments, ReplicaSets and pods, replays what is stored, and starts syncing. */
  start(signal: AbortSignal): void {
    this.#unsubscribe = watchDeploymentInputs(this.#store, (key) => this.#controller.enqueue(key));
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    await this.#controller.stop();
  }

  /**
   * Syncs one Deployment (`namespace/name`): claims its ReplicaSets, plans,
   * and performs the plan. Throws on a failed write so the key is retried.
   * Must not run concurrently for the same key.
   */
  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = this.#store.get<DeploymentObject>(DEPLOYMENTS, namespace, name);
    if (!d) return;
    const replicaSets = this.#claimReplicaSets(d);
    const podsByReplicaSet = isRecreate(d) ? this.#podsByReplicaSet(replicaSets) : undefined;
    const plan = planDeploymentSync({
      deployment: d,
      replicaSets,
      now: this.#clock.now(),
      ...(podsByReplicaSet ? { podsByReplicaSet } : {}),
    });
    for (const action of plan.actions) this.#apply(key, action);
  }

  /** `getReplicaSetsForDeployment`: owned ReplicaSets plus adopted orphans, minus released ones. */
  #claimReplicaSets(d: DeploymentObject): ReplicaSetObject[] {
    const uid = d.metadata.uid ?? '';
    const owned = this.#registry.dependents<ReplicaSetObject>(this.#rsInfo, uid);
    const orphans = this.#store.byIndex<ReplicaSetObject>(
      REPLICASETS,
      ORPHAN_INDEX,
      d.metadata.namespace ?? '',
    );
    const selector = compiledSelector(d.spec?.selector);
    const plan = planClaims(d, selector, [...owned, ...orphans]);
    return applyClaims(this.#registry, d, plan);
  }

  #podsByReplicaSet(replicaSets: readonly ReplicaSetObject[]): Map<string, PodObject[]> {
    const out = new Map<string, PodObject[]>();
    for (const rs of replicaSets) {
      const uid = rs.metadata.uid ?? '';
      const pods = this.#registry
        .dependents<PodObject>(this.#podInfo, uid)
        .filter((p) => controllerRefOf(p)?.uid === uid);
      out.set(uid, pods);
    }
    return out;
  }

  #apply(key: string, action: DeploymentAction): void {
    const { namespace, name } = splitKey(key);
    switch (action.kind) {
      case 'createReplicaSet':
        this.#createReplicaSet(key, action.replicaSet);
        return;
      case 'updateReplicaSet':
        this.#registry.update(withoutResourceVersion(action.replicaSet));
        return;
      case 'deleteReplicaSet':
        this.#deleteReplicaSet(action.replicaSet);
        return;
      case 'updateDeploymentAnnotations': {
        const current = this.#current(namespace, name);
        this.#registry.update({
          ...current,
          metadata: { ...current.metadata, annotations: { ...action.annotations } },
        });
        return;
      }
      case 'updateDeploymentStatus': {
        const current = this.#current(namespace, name);
        this.#registry.update({ ...current, status: action.status }, { subresource: 'status' });
        return;
      }
      case 'event':
        this.#events.record(
          this.#current(namespace, name),
          action.type,
          action.reason,
          action.message,
          SOURCE,
        );
        return;
      case 'requeueAfter':
        this.#controller.queue.addAfter(key, action.ms);
        return;
      case 'requeueSoon':
        this.#controller.queue.addRateLimited(key);
        return;
    }
  }

  #current(namespace: string | undefined, name: string): DeploymentObject {
    const d = this.#store.get<DeploymentObject>(DEPLOYMENTS, namespace, name);
    if (!d) throw new Error(`Deployment ${namespace}/${name} vanished during sync`);
    return d;
  }

  #deleteReplicaSet(rs: ReplicaSetObject): void {
    try {
      this.#registry.delete(this.#rsInfo, rs.metadata.namespace, rs.metadata.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Creates the new ReplicaSet. A name collision with a ReplicaSet that is not
   * this template's bumps `status.collisionCount` (the next sync hashes
   * differently); any other failure sets Progressing=False
   * ReplicaSetCreateError and records it. Both are retried.
   */
  #createReplicaSet(key: string, rs: ReplicaSetObject): void {
    const { namespace, name } = splitKey(key);
    try {
      this.#registry.create(rs);
      return;
    } catch (err) {
      const d = this.#current(namespace, name);
      if (isAlreadyExists(err)) {
        const existing = this.#store.get<ReplicaSetObject>(
          REPLICASETS,
          rs.metadata.namespace,
          rs.metadata.name ?? '',
        );
        if (
          existing &&
          controllerRefOf(existing)?.uid === d.metadata.uid &&
          equalIgnoreHash(existing.spec?.template, d.spec?.template)
        )
          return;
        const collisionCount = (d.status?.collisionCount ?? 0) + 1;
        this.#registry.update({ ...d, status: { ...d.status, collisionCount } }, { subresource: 'status' });
        this.#logger.debug(
          { deployment: key, collisionCount },
          'Found a hash collision for deployment - bumping collisionCount to resolve it',
        );
        throw err;
      }
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
      if (hasProgressDeadline(d)) {
        const status: MutableStatus = { ...d.status };
        setCondition(
          status,
          newCondition('Progressing', 'False', Reason.FailedRSCreate, msg, this.#clock.now()),
        );
        this.#registry.update({ ...d, status }, { subresource: 'status' });
      }
      this.#events.record(d, 'Warning', Reason.FailedRSCreate, msg, SOURCE);
      throw err;
    }
  }
}

function withoutResourceVersion<T extends { metadata: object }>(obj: T): T {
  const { resourceVersion: _rv, ...metadata } = obj.metadata as { resourceVersion?: string };
  return { ...obj, metadata };
}
