/**
 * Watch-based waiting, as kubectl's `wait --for=delete` and informers do it:
 * read the object, then watch its collection with
 * `fieldSelector=metadata.name=<name>` from that resourceVersion until the
 * condition holds. A watch the server closes is reopened from the last
 * resourceVersion seen.
 */
import { isNotFound } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { UserError } from '../util/errors.js';
import type { ApiClient } from './client.js';
import { collectionPath, objectPath } from './paths.js';

export interface WatchObjectOptions {
  readonly signal: AbortSignal;
  /** Milliseconds; undefined waits forever. */
  readonly timeoutMs?: number | undefined;
}

/** kubectl's message when a wait runs out of time. */
export const TIMED_OUT = 'timed out waiting for the condition';

/**
 * Calls `visit` with the current object (undefined once deleted) and after
 * every change, until it returns true. Throws UserError on timeout.
 */
export async function watchObject(
  client: ApiClient,
  target: { readonly info: ResourceInfo; readonly namespace: string | undefined; readonly name: string },
  visit: (obj: KubeObject | undefined, event: 'ADDED' | 'MODIFIED' | 'DELETED') => boolean | Promise<boolean>,
  options: WatchObjectOptions,
): Promise<void> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
  try {
    let rv: string;
    try {
      const obj = await client.json<KubeObject>(
        'GET',
        objectPath(target.info, target.namespace, target.name),
      );
      if (await visit(obj, 'ADDED')) return;
      rv = obj.metadata.resourceVersion ?? '0';
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (await visit(undefined, 'DELETED')) return;
      rv = '0';
    }
    const query = { fieldSelector: `metadata.name=${target.name}`, allowWatchBookmarks: 'true' };
    while (!controller.signal.aborted) {
      const events = client.watch(
        collectionPath(target.info, target.namespace),
        { ...query, resourceVersion: rv },
        { signal: controller.signal },
      );
      for await (const event of events) {
        const obj = event.object as KubeObject;
        rv = obj.metadata?.resourceVersion ?? rv;
        if (event.type === 'BOOKMARK') continue;
        if (await visit(event.type === 'DELETED' ? undefined : obj, event.type)) return;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    if (timer) clearTimeout(timer);
    options.signal.removeEventListener('abort', abort);
    controller.abort();
  }
  if (timedOut) throw new UserError(TIMED_OUT);
}

/** Waits until the object is gone, or replaced by one with another uid. */
export async function waitForDeletion(
  client: ApiClient,
  target: { readonly info: ResourceInfo; readonly namespace: string | undefined; readonly name: string },
  uid: string | undefined,
  options: WatchObjectOptions,
): Promise<void> {
  await watchObject(
    client,
    target,
    (obj) => obj === undefined || (uid !== undefined && obj.metadata.uid !== uid),
    options,
  );
}
