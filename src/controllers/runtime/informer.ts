/**
 * Informer glue: the in-process equivalent of a client-go shared informer with
 * `ResourceEventHandlerFuncs`. The ObjectStore is already the cache (the
 * "lister"), so an informer here is only an initial replay of what is stored
 * plus a subscription that splits watch events into add/update/delete calls.
 */
import type { KubeObject } from '../../api/types.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe, WatchEvent } from '../../store/watch.js';
import { assertNever } from '../../util/assert-never.js';

/**
 * Handlers of one resource (client-go `ResourceEventHandlerFuncs`). They run
 * synchronously inside the store's dispatch, so they must be quick: enqueue a
 * key, update a cache. They must not throw.
 */
export interface InformerHandlers<T extends KubeObject = KubeObject> {
  /** Called for every object present when the informer starts (replay) and for every creation. */
  readonly onAdd?: (obj: T) => void;
  /** Called for every write that changed an object; `previous` is the state it replaced. */
  readonly onUpdate?: (previous: T, obj: T) => void;
  /** Called when an object is removed; `obj` is its last state. */
  readonly onDelete?: (obj: T) => void;
}

/** Options of `inform`. */
export interface InformOptions {
  /** Deliver `onAdd` for every object already stored before subscribing. @default true */
  readonly replay?: boolean;
}

/**
 * Subscribes `handlers` to one resource of the store (`pods`, `replicasets.apps`).
 * With `replay` (the default) the objects already stored are delivered as adds
 * first, as an informer's initial list would. Returns the unsubscribe function;
 * the caller must call it when stopping.
 */
export function inform<T extends KubeObject>(
  store: ObjectStore,
  resource: string,
  handlers: InformerHandlers<T>,
  options: InformOptions = {},
): Unsubscribe {
  const unsubscribe = store.subscribe(resource, (event) => dispatch(event as WatchEvent<T>, handlers));
  if ((options.replay ?? true) && handlers.onAdd) {
    for (const obj of store.list<T>(resource)) handlers.onAdd(obj);
  }
  return unsubscribe;
}

function dispatch<T extends KubeObject>(event: WatchEvent<T>, handlers: InformerHandlers<T>): void {
  switch (event.type) {
    case 'ADDED':
      handlers.onAdd?.(event.object);
      return;
    case 'MODIFIED':
      handlers.onUpdate?.(event.previous, event.object);
      return;
    case 'DELETED':
      handlers.onDelete?.(event.object);
      return;
    default:
      assertNever(event, 'watch event');
  }
}
