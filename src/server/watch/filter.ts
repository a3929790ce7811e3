/**
 * Which watch event a client with a namespace/label/field filter sees for a
 * store event (apiserver cacher `watchCacheEvent` filtering): an object that
 * starts matching arrives as ADDED, one that stops matching as DELETED (with
 * its previous content and the new resourceVersion), one that keeps matching
 * as MODIFIED. Pure.
 */

import type { KubeObject } from '../../api/index.js';
import type { WatchEvent } from '../../store/watch.js';
import { assertNever } from '../../util/index.js';

/** A watch event as sent on the wire (before encoding). */
export interface OutgoingEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}

/** The event the client sees, or undefined when the change is invisible to it. */
export function filterWatchEvent(
  event: WatchEvent,
  matches: (obj: KubeObject) => boolean,
): OutgoingEvent | undefined {
  switch (event.type) {
    case 'ADDED':
      return matches(event.object) ? { type: 'ADDED', object: event.object } : undefined;
    case 'DELETED':
      return matches(event.object) ? { type: 'DELETED', object: event.object } : undefined;
    case 'MODIFIED': {
      const now = matches(event.object);
      const before = matches(event.previous);
      if (now && before) return { type: 'MODIFIED', object: event.object };
      if (now) return { type: 'ADDED', object: event.object };
      if (before) {
        const rv = event.object.metadata.resourceVersion ?? '';
        const last = { ...event.previous, metadata: { ...event.previous.metadata, resourceVersion: rv } };
        return { type: 'DELETED', object: last };
      }
      return undefined;
    }
    default:
      return assertNever(event);
  }
}
