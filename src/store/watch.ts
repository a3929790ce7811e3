import type { KubeObject } from '../api/types.js';

/**
 * What happened to one object (client-go `watch.Event`, kwok's typed events).
 * Every event carries the store key of its resource (`pods`, `deployments.apps`).
 */
export type WatchEvent<T extends KubeObject = KubeObject> =
  /** Emitted when an object is created. */
  | { readonly type: 'ADDED'; readonly resource: string; readonly object: T }
  /** Emitted when a write changes an object; `previous` is the state it replaced. */
  | { readonly type: 'MODIFIED'; readonly resource: string; readonly object: T; readonly previous: T }
  /** Emitted when an object is removed; `object` is its last state, with a new resourceVersion. */
  | { readonly type: 'DELETED'; readonly resource: string; readonly object: T };

export type WatchHandler<T extends KubeObject = KubeObject> = (event: WatchEvent<T>) => void;

/** Stops a subscription. Safe to call more than once. */
export type Unsubscribe = () => void;

/** The resourceVersion of an event's object, as a number. */
export function eventResourceVersion(event: WatchEvent): number {
  return Number(event.object.metadata.resourceVersion ?? 0);
}
