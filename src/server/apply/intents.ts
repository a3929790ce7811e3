/**
 * The last object each field manager applied with server-side apply, per live
 * object (keyed by uid). netkube approximates SSA without managedFields: the
 * next apply of the same manager is a three-way merge against this intent, so
 * fields the manager stopped applying are pruned (upstream prunes them through
 * field ownership). Intents live in memory and are dropped when their object is
 * deleted; after a restart the first apply merges without pruning.
 */
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { JsonObject } from '../patch/index.js';

/** Server-side apply intents per object uid and field manager; see the module comment. */
export class ApplyIntents {
  /** uid → fieldManager → applied object. */
  #byUid = new Map<string, Map<string, JsonObject>>();
  #unsubscribe: Unsubscribe | undefined;

  /** Starts forgetting intents of deleted objects. Call once; `close` undoes it. */
  attach(store: ObjectStore): void {
    this.#unsubscribe ??= store.subscribe('*', (event) => {
      if (event.type === 'DELETED' && event.object.metadata.uid)
        this.#byUid.delete(event.object.metadata.uid);
    });
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  get(uid: string | undefined, manager: string): JsonObject | undefined {
    return uid ? this.#byUid.get(uid)?.get(manager) : undefined;
  }

  set(uid: string | undefined, manager: string, applied: JsonObject): void {
    if (!uid) return;
    const managers = this.#byUid.get(uid) ?? new Map<string, JsonObject>();
    managers.set(manager, applied);
    this.#byUid.set(uid, managers);
  }
}
