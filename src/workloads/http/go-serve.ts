/**
 * Runs a simulated Go handler the way `net/http.Server` would: HTTP/1.1 without
 * `Host` is refused before any handler, `ServeMux` cleans paths with a 301, the
 * response is written by `GoResponseWriter`, and a handler panic closes the
 * connection without a response (Go recovers and logs `http: panic serving`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VirtualTuple } from '../types.js';
import { type GoRequest, toGoRequest } from './go-request.js';
import { GoResponseWriter, goMuxRedirectTarget, goRedirect } from './go-response.js';
import { writeExactHead } from './host.js';

/** A Go handler: may return a promise (it then "returns" when that settles). */
export type GoHandler = (w: GoResponseWriter, r: GoRequest, raw: IncomingMessage) => void | Promise<void>;

/** Thrown by a handler whose process exited mid-request (`os.Exit`): no response, no panic log. */
export class ProcessExited extends Error {}

export interface GoServeOptions {
  readonly now: () => number;
  /** Apply `ServeMux` path cleaning (true for muxed servers). */
  readonly mux: boolean;
  /** Called with Go's log text when a handler panics. */
  readonly onPanic?: (text: string) => void;
  /** The server is shutting down: keep-alives are off, every response closes (`Connection: close`). */
  readonly shuttingDown?: boolean;
}

function missingHost(res: ServerResponse): void {
  const text = '400 Bad Request: missing required Host header';
  writeExactHead(
    res,
    400,
    `HTTP/1.1 ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close`,
    {
      close: true,
      chunked: false,
    },
  );
  res.end(text);
}

/** Serves one request with `handler`. Never throws. */
export function serveGo(
  req: IncomingMessage,
  res: ServerResponse,
  tuple: VirtualTuple,
  handler: GoHandler,
  options: GoServeOptions,
): void {
  const parsed = toGoRequest(req, tuple);
  const r = options.shuttingDown ? { ...parsed, close: true, http10KeepAlive: false } : parsed;
  if (r.http11 && r.host === '') {
    missingHost(res);
    return;
  }
  const w = new GoResponseWriter(r, res, options.now);
  const target = options.mux ? goMuxRedirectTarget(r) : undefined;
  if (target !== undefined) {
    goRedirect(w, r, target, 301);
    w.finish();
    return;
  }
  const panic = (err: unknown) => {
    if (err instanceof ProcessExited) {
      res.socket?.destroy();
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    options.onPanic?.(`http: panic serving ${r.remoteAddr}: ${message}`);
    res.socket?.destroy();
  };
  try {
    const result = handler(w, r, req);
    if (result instanceof Promise) {
      result.then(
        () => w.finish(),
        (err: unknown) => panic(err),
      );
    } else {
      w.finish();
    }
  } catch (err) {
    panic(err);
  }
}
