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
  encodeObject,
  type KubeObject,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
} from '../../api/index.js';
import type { ListOptions } from '../../store/object-store.js';
import type { WatchEvent } from '../../store/watch.js';
import type { TimerHandle } from '../../util/index.js';
import { assertNever } from '../../util/index.js';
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
        return encodeObject(o);
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
      default:
        return assertNever(this.output);
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

/** One open watch response: writes events until the client leaves or the timeout ends it. */
class WatchSession {
  readonly #ctx: RequestContext;
  readonly #deps: HandlerDeps;
  readonly #info: ResourceInfo;
  readonly #encoder: EventEncoder;
  #closed = false;
  #unsubscribe: (() => void) | undefined;
  #timeout: TimerHandle | undefined;
  #bookmarkTimer: TimerHandle | undefined;

  constructor(ctx: RequestContext, deps: HandlerDeps, request: WatchRequest) {
    this.#ctx = ctx;
    this.#deps = deps;
    this.#info = request.info;
    this.#encoder = new EventEncoder(request.info, request.output, () => deps.clock.now());
    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    };
    if (ctx.warnings.length > 0) headers.Warning = ctx.warnings.map(warningHeader);
    ctx.res.writeHead(200, headers);
    ctx.res.flushHeaders();
    ctx.res.on('close', () => this.close());
  }

  write(type: WireType, obj: unknown): void {
    if (this.#closed) return;
    this.#ctx.res.write(this.#encoder.encode(type, obj));
    if (this.#ctx.res.writableLength > MAX_BUFFERED_BYTES) this.close();
  }

  /** A BOOKMARK at the store's current resourceVersion. */
  bookmark(annotations?: Record<string, string>): void {
    const metadata = {
      resourceVersion: String(this.#deps.store.resourceVersion),
      ...(annotations ? { annotations } : {}),
    };
    this.write('BOOKMARK', { kind: this.#info.kind, apiVersion: apiVersionOf(this.#info), metadata });
  }

  subscribed(unsubscribe: () => void): void {
    this.#unsubscribe = unsubscribe;
    if (this.#closed) unsubscribe();
  }

  /** Ends the stream after `seconds`; with `bookmarkMs`, sends a BOOKMARK every interval. */
  schedule(seconds: number | undefined, bookmarkMs: number | undefined): void {
    const clock = this.#deps.clock;
    if (seconds !== undefined) this.#timeout = clock.setTimeout(() => this.close(), seconds * 1000);
    if (bookmarkMs === undefined) return;
    const tick = () => {
      if (this.#closed) return;
      this.bookmark();
      this.#bookmarkTimer = clock.setTimeout(tick, bookmarkMs);
    };
    this.#bookmarkTimer = clock.setTimeout(tick, bookmarkMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    if (this.#timeout) this.#deps.clock.clearTimeout(this.#timeout);
    if (this.#bookmarkTimer) this.#deps.clock.clearTimeout(this.#bookmarkTimer);
    this.#ctx.res.end();
  }
}

/**
 * Starts a watch response. Subscribes before returning; everything after runs
 * on store events and timers until the client disconnects or the timeout ends it.
 */
export function startWatch(ctx: RequestContext, deps: HandlerDeps, request: WatchRequest): void {
  const { query } = ctx;
  const resource = resourceKeyOf(request.info);
  const session = new WatchSession(ctx, deps, request);
  // Runs inside the store's dispatch: it must never throw into a writer.
  const onEvent = (event: WatchEvent) => {
    try {
      const out = filterWatchEvent(event, (obj: KubeObject) => matchesList(obj, request.list));
      if (out) session.write(out.type, out.object);
    } catch (err) {
      deps.logger.error({ err, resource }, 'watch event could not be sent; closing the watch');
      session.close();
    }
  };
  const rv = query.get('resourceVersion') ?? '';
  const initialEvents = query.get('sendInitialEvents') === 'true';
  try {
    if (rv === '' || rv === '0' || initialEvents) {
      for (const obj of deps.store.list(resource, request.list)) session.write('ADDED', obj);
      if (initialEvents) session.bookmark({ 'k8s.io/initial-events-end': 'true' });
      session.subscribed(deps.store.subscribe(resource, onEvent));
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        throw new StatusError('BadRequest', 400, `invalid resource version: ${rv}`);
      }
      session.subscribed(deps.store.watchFrom(resource, from, onEvent));
    }
  } catch (err) {
    session.write('ERROR', toStatusError(err).toStatus());
    session.close();
    return;
  }
  const bookmarks = query.get('allowWatchBookmarks') === 'true' ? deps.bookmarkIntervalMs : undefined;
  session.schedule(timeoutOf(query), bookmarks);
}
