/**
 * GET of an object, a list, or a watch (`?watch=1|true`). Lists ignore `limit`
 * and `continue` (everything fits in one page) and carry the store's current
 * resourceVersion, from which `kubectl get -w` starts its watch.
 */
import { notFound, parseFieldSelector, resourceKeyOf } from '../../api/index.js';
import type { RequestContext } from '../http/respond.js';
import { sendJson } from '../http/respond.js';
import type { ResourceTarget } from '../routing/paths.js';
import { startWatch } from '../watch/stream.js';
import type { HandlerDeps } from './deps.js';
import { listOptionsOf, outputOf, renderList, renderObject } from './render.js';

/** Whether the query asks for a watch. */
export function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

/** GET on a collection or an object (a watch when asked for). */
export function handleGet(ctx: RequestContext, deps: HandlerDeps, target: ResourceTarget): void {
  const { info, namespace, name } = target;
  const output = outputOf(ctx);
  if (isWatch(ctx.query)) {
    const options = listOptionsOf(ctx.query, namespace);
    // A watch on an object path (deprecated upstream) watches that name.
    const fieldSelector = name
      ? parseFieldSelector(
          [`metadata.name=${name}`, ctx.query.get('fieldSelector') ?? ''].filter((s) => s !== '').join(','),
        )
      : options.fieldSelector;
    startWatch(ctx, deps, { info, output, list: { ...options, fieldSelector } });
    return;
  }
  const now = deps.clock.now();
  if (name !== undefined) {
    const obj = deps.store.get(resourceKeyOf(info), info.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(info, name);
    sendJson(ctx, 200, renderObject(info, obj, output, now));
    return;
  }
  const items = deps.store.list(resourceKeyOf(info), listOptionsOf(ctx.query, namespace));
  sendJson(ctx, 200, renderList(info, items, String(deps.store.resourceVersion), output, now));
}
