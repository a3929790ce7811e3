/**
 * The NamespaceController: empties a Terminating namespace. Each pass deletes
 * every namespaced object still in it (pods gracefully, so their kubelet stops
 * them), writes the deletion conditions, and — once nothing remains — removes
 * the namespace (`Registry.finalizeNamespace`). While pods terminate it looks
 * again after half the longest grace period, and whenever an object of the
 * namespace disappears.
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import { RESOURCES, type ResourceInfo, resourceKeyOf } from '../../api/resources.js';
import type { Namespace, Typed } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { Controller } from '../runtime/controller.js';
import { inform } from '../runtime/informer.js';
import type { ManagedController } from '../runtime/manager.js';
import type { PodObject } from '../runtime/pods.js';
import {
  type ContentTotals,
  deletionConditions,
  estimateGracefulTermination,
  mergeConditions,
} from './plan.js';

type NamespaceObject = Typed<Namespace>;

/** What `new NamespaceController(config)` needs; `store` must be `registry.store`. */
export interface NamespaceControllerConfig {
  readonly registry: Registry;
  /** The Registry's store (read side). */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The namespace controller. Start it with `start(signal)`; `reconcile(name)` runs one pass. */
export class NamespaceController implements ManagedController {
  readonly name = 'namespace';
  readonly #registry: Registry;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #controller: Controller<string>;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: NamespaceControllerConfig) {
    if (config.store !== config.registry.store)
      throw new Error('NamespaceController: store must be the registry store');
    this.#registry = config.registry;
    this.#store = config.store;
    this.#clock = config.clock;
    this.#controller = new Controller<string>({
      name: 'controller/namespace',
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

  /** Watches namespaces (and deletions inside terminating ones) and starts. */
  start(signal: AbortSignal): void {
    const enqueueIfTerminating = (ns: NamespaceObject) => {
      if (ns.metadata.deletionTimestamp) this.#controller.enqueue(ns.metadata.name ?? '');
    };
    this.#unsubscribe = [
      inform<NamespaceObject>(this.#store, 'namespaces', {
        onAdd: enqueueIfTerminating,
        onUpdate: (_old, ns) => enqueueIfTerminating(ns),
      }),
      this.#store.subscribe('*', (e) => {
        const ns = e.object.metadata.namespace;
        if (e.type !== 'DELETED' || !ns || e.resource === 'events') return;
        if (this.#store.get('namespaces', undefined, ns)?.metadata.deletionTimestamp)
          this.#controller.enqueue(ns);
      }),
    ];
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    await this.#controller.stop();
  }

  /** One deletion pass over a Terminating namespace. Must not run concurrently for the same name. */
  reconcile(name: string): void {
    const ns = this.#store.get<NamespaceObject>('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const errors = this.#deleteContent(name);
    const totals = this.#remaining(name, errors);
    this.#writeConditions(ns, totals);
    if (totals.remaining.size === 0 && errors.length === 0) {
      this.#registry.finalizeNamespace(name);
      return;
    }
    const pods = this.#store.list<PodObject>('pods', { namespace: name });
    const estimate = estimateGracefulTermination(pods);
    this.#controller.queue.addAfter(name, (Math.trunc(estimate / 2) + 1) * 1000);
    if (errors.length > 0)
      throw new Error(`Failed to delete all content of namespace ${name}: ${errors.join(', ')}`);
  }

  #namespacedResources(): ResourceInfo[] {
    return RESOURCES.filter((info) => info.namespaced);
  }

  /** Deletes every object not already being deleted; returns the failures. */
  #deleteContent(namespace: string): string[] {
    const errors: string[] = [];
    for (const info of this.#namespacedResources()) {
      for (const obj of this.#store.list(resourceKeyOf(info), { namespace })) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          this.#registry.delete(info, namespace, obj.metadata.name ?? '', {
            propagationPolicy: 'Background',
          });
        } catch (err) {
          if (!isNotFound(err) && !isConflict(err)) errors.push(errorMessage(err));
        }
      }
    }
    return errors;
  }

  #remaining(namespace: string, errors: string[]): ContentTotals {
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const info of this.#namespacedResources()) {
      const objs = this.#store.list(resourceKeyOf(info), { namespace });
      if (objs.length > 0) remaining.set(`${info.resource}.${info.group}`, objs.length);
      for (const obj of objs) {
        for (const f of obj.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      }
    }
    return { remaining, finalizers, errors };
  }

  /** The namespace's deletion conditions, through the status subresource. */
  #writeConditions(ns: NamespaceObject, totals: ContentTotals): void {
    const conditions = mergeConditions(ns.status?.conditions, deletionConditions(totals), this.#clock.now());
    if (
      conditions.length === (ns.status?.conditions ?? []).length &&
      conditions.every((c, i) => c === ns.status?.conditions?.[i])
    ) {
      return;
    }
    this.#registry.update({ ...ns, status: { ...ns.status, conditions } }, { subresource: 'status' });
  }
}
