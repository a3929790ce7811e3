/**
 * The GarbageCollector: background cascading deletion. When an object is
 * deleted, each dependent (found through the Registry's owner index) whose
 * owner references now all point at deleted owners is deleted too, which
 * cascades down (Deployment → ReplicaSets → pods). A dependent created or
 * re-owned after its owner vanished is caught when it is written.
 *
 * Foreground deletion is approximated as background (the Registry deletes the
 * owner at once); Orphan is done by the Registry before the owner goes.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import { RESOURCES, type ResourceInfo, resourceForKey, resourceKeyOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import { deepEqual } from '../../store/equality.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe, WatchEvent } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { Controller } from '../runtime/controller.js';
import type { ManagedController } from '../runtime/manager.js';
import { classifyOwners, decide, type OwnerLookup } from './plan.js';

/** What `new GarbageCollector(config)` needs; `store` must be `registry.store`. */
export interface GarbageCollectorConfig {
  readonly registry: Registry;
  /** The Registry's store (read side). */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Queue key of an object: store key, namespace and name. */
function itemKey(resource: string, obj: KubeObject): string {
  return `${resource}\u0000${obj.metadata.namespace ?? ''}\u0000${obj.metadata.name ?? ''}`;
}

/** The garbage collector (background cascading deletion). Start it with `start(signal)`. */
export class GarbageCollector implements ManagedController {
  readonly name = 'garbage-collector';
  readonly #registry: Registry;
  readonly #store: ObjectStore;
  readonly #logger: Logger;
  readonly #controller: Controller<string>;
  readonly #lookup: OwnerLookup;
  /** uid → number of owner references to it, so deleting an object nobody owns costs no index scans. */
  readonly #referenced = new Map<string, number>();
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: GarbageCollectorConfig) {
    if (config.store !== config.registry.store)
      throw new Error('GarbageCollector: store must be the registry store');
    this.#registry = config.registry;
    this.#store = config.store;
    this.#logger = config.logger;
    this.#lookup = (info, namespace, name) => this.#store.get(resourceKeyOf(info), namespace, name);
    this.#controller = new Controller<string>({
      name: 'controller/garbage-collector',
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

  /** Watches every resource; checks the dependents already stored. */
  start(signal: AbortSignal): void {
    this.#unsubscribe = this.#store.subscribe('*', (e) => this.#onEvent(e));
    for (const resource of this.#store.resources()) {
      for (const obj of this.#store.list(resource)) {
        this.#countReferences(obj, 1);
        this.#checkOwners(resource, obj);
      }
    }
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#controller.stop();
  }

  #onEvent(e: WatchEvent): void {
    if (e.type === 'DELETED') {
      this.#countReferences(e.object, -1);
      this.#enqueueDependents(e.object);
      return;
    }
    if (e.type === 'MODIFIED') {
      if (deepEqual(e.previous.metadata.ownerReferences, e.object.metadata.ownerReferences)) return;
      this.#countReferences(e.previous, -1);
    }
    this.#countReferences(e.object, 1);
    this.#checkOwners(e.resource, e.object);
  }

  #countReferences(obj: KubeObject, sign: 1 | -1): void {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const n = (this.#referenced.get(ref.uid) ?? 0) + sign;
      if (n > 0) this.#referenced.set(ref.uid, n);
      else this.#referenced.delete(ref.uid);
    }
  }

  /** Queues the object when one of its owners is not there with its uid (cheap lookups only). */
  #checkOwners(resource: string, obj: KubeObject): void {
    const refs = obj.metadata.ownerReferences;
    if (!refs || refs.length === 0 || obj.metadata.deletionTimestamp) return;
    const owners = classifyOwners(obj, this.#lookup);
    if (owners.dangling.length > 0 || owners.waiting.length > 0)
      this.#controller.enqueue(itemKey(resource, obj));
  }

  #enqueueDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    if (!uid || !this.#referenced.has(uid)) return;
    for (const info of RESOURCES) {
      const resource = resourceKeyOf(info);
      if (this.#store.count(resource) === 0) continue;
      for (const dep of this.#registry.dependents(info, uid))
        this.#controller.enqueue(itemKey(resource, dep));
    }
  }

  /**
   * Processes one dependent (`resource\0namespace\0name`): deletes it when no
   * owner remains, or strips dead owner references when one does. Must not
   * run concurrently for the same key.
   */
  reconcile(key: string): void {
    const [resource = '', namespace = '', name = ''] = key.split('\u0000');
    const info = resourceForKey(resource);
    const obj = this.#store.get(resource, namespace || undefined, name);
    if (!info || !obj) return;
    if (obj.metadata.deletionTimestamp) return;
    const decision = decide(obj, classifyOwners(obj, this.#lookup));
    switch (decision.kind) {
      case 'keep':
        return;
      case 'removeReferences': {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !decision.uids.includes(r.uid));
        this.#tolerate(() =>
          this.#registry.update({ ...obj, metadata: { ...obj.metadata, ownerReferences: refs } }),
        );
        return;
      }
      case 'delete':
        this.#logger.debug({ resource, namespace, name }, 'Deleting dependent whose owners are gone');
        this.#tolerate(() => this.#delete(info, obj, decision.propagationPolicy));
        return;
    }
  }

  #delete(
    info: ResourceInfo,
    obj: KubeObject,
    propagationPolicy: 'Background' | 'Orphan' | 'Foreground',
  ): void {
    this.#registry.delete(info, obj.metadata.namespace, obj.metadata.name ?? '', {
      propagationPolicy,
      preconditions: { uid: obj.metadata.uid },
    });
  }

  /** The object vanished or changed identity meanwhile: nothing left to do. */
  #tolerate(write: () => unknown): void {
    try {
      write();
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
