/**
 * Watch streams: newline-delimited `{"type":…,"object":…}` over chunked HTTP.
 * Headers are flushed at once (client-go blocks until they arrive) and the
 * stream closes only when `timeoutSeconds` expires or the client goes away
 * (`res.on('close')`; `req` closes as soon as the body is read): kubectl
 * `get -w` exits silently when the server ends the stream.
 *
 * Starting points follow the apiserver: resourceVersion "" or "0" sends the
 * current state as synthetic ADDED events, then changes; N replays history
 * after N (a 410 Expired ERROR event when history no longer reaches back);
 * `sendInitialEvents=true` sends the state then an `initial-events-end`
 * BOOKMARK. Table watches carry column definitions in the first event only.
 */
import {
  apiVersionOf,
  type KubeObject,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
} from '../../api/index.js';
import type { ListOptions } from '../../store/object-store.js';
import type { WatchEvent } from '../../store/watch.js';
import type { TimerHandle } from '../../util/index.js';
import type { HandlerDeps } from '../handlers/deps.js';
import { matchesList } from '../handlers/render.js';
import type { Output } from '../http/accept.js';
import { type RequestContext, toStatusError, warningHeader } from '../http/respond.js';
import { printTable } from '../printers/index.js';
import { filterWatchEvent, type OutgoingEvent } from './filter.js';

export interface WatchRequest {
  readonly info: ResourceInfo;
  readonly output: Output;
  readonly list: ListOptions;
}

/** A client that reads slower than this many buffered bytes is cut off; it re-watches. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type WireType = OutgoingEvent['type'] | 'BOOKMARK' | 'ERROR';

/** Encodes events for one stream (Table headers only in the first). */
class EventEncoder {
  #first = true;
  constructor(
    readonly info: ResourceInfo,
    readonly output: Output,
    readonly now: () => number,
  ) {}

  encode(type: WireType, obj: unknown): string {
    return `${JSON.stringify({ type, object: this.#transform(type, obj) })}\n`;
  }

  #transform(type: WireType, obj: unknown): unknown {
    if (type === 'ERROR') return obj;
    const o = obj as KubeObject;
    switch (this.output.type) {
      case 'object':
        return o;
      case 'partial':
        return { kind: 'PartialObjectMetadata', apiVersion: this.output.apiVersion, metadata: o.metadata };
      case 'table': {
        const noHeaders = !this.#first;
        this.#first = false;
        const rv = o.metadata.resourceVersion ?? '';
        const objects = type === 'BOOKMARK' ? [] : [o];
        return printTable(this.info.kind, objects, this.now(), {
          includeObject: this.output.includeObject,
          apiVersion: this.output.apiVersion,
          noHeaders,
          resourceVersion: rv,
        });
      }
    }
  }
}

/** Parses `?timeoutSeconds=`; undefined means no timeout. */
function timeoutOf(query: URLSearchParams): number | undefined {
  const v = query.get('timeoutSeconds');
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Starts a watch response. Subscribes before returning; everything after runs
 * on store events and timers until the client disconnects or the timeout ends it.
 */
export function startWatch(ctx: RequestContext, deps: HandlerDeps, request: WatchRequest): void {
  const { res, query } = ctx;
  const { info, list } = request;
  const resource = resourceKeyOf(info);
  const encoder = new EventEncoder(info, request.output, () => deps.clock.now());
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  };
  if (ctx.warnings.length > 0) headers.Warning = ctx.warnings.map(warningHeader);
  res.writeHead(200, headers);
  res.flushHeaders();

  let closed = false;
  let unsubscribe: (() => void) | undefined;
  const timers: { timeout?: TimerHandle; bookmark?: TimerHandle } = {};
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    if (timers.timeout) deps.clock.clearTimeout(timers.timeout);
    if (timers.bookmark) deps.clock.clearTimeout(timers.bookmark);
    res.end();
  };
  res.on('close', close);
  const write = (type: WireType, obj: unknown) => {
    if (closed) return;
    res.write(encoder.encode(type, obj));
    if (res.writableLength > MAX_BUFFERED_BYTES) close();
  };
  const matches = (obj: KubeObject) => matchesList(obj, list);
  const onEvent = (event: WatchEvent) => {
    const out = filterWatchEvent(event, matches);
    if (out) write(out.type, out.object);
  };
  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', {
      kind: info.kind,
      apiVersion: apiVersionOf(info),
      metadata: {
        resourceVersion: String(deps.store.resourceVersion),
        ...(annotations ? { annotations } : {}),
      },
    });

  const rv = query.get('resourceVersion') ?? '';
  const initialEvents = query.get('sendInitialEvents') === 'true';
  try {
    if (rv === '' || rv === '0' || initialEvents) {
      for (const obj of deps.store.list(resource, list)) write('ADDED', obj);
      if (initialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
      unsubscribe = deps.store.subscribe(resource, onEvent);
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0)
        throw new StatusError('BadRequest', 400, `invalid resource version: ${rv}`);
      unsubscribe = deps.store.watchFrom(resource, from, onEvent);
    }
  } catch (err) {
    const status = toStatusError(err);
    write('ERROR', status.toStatus());
    close();
    return;
  }
  const timeout = timeoutOf(query);
  if (timeout !== undefined) timers.timeout = deps.clock.setTimeout(close, timeout * 1000);
  if (query.get('allowWatchBookmarks') === 'true') {
    const tick = () => {
      if (closed) return;
      bookmark();
      timers.bookmark = deps.clock.setTimeout(tick, deps.bookmarkIntervalMs);
    };
    timers.bookmark = deps.clock.setTimeout(tick, deps.bookmarkIntervalMs);
  }
}
