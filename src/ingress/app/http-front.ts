/**
 * The controller's HTTP server side: a never-listening `http.Server` that
 * parses the connections the dataplane hands the pod (plain, or already
 * decrypted by tls-front.ts), with nginx's limits and errors:
 *
 * - malformed requests → 400 page and close; headers over 32k in total → 400
 *   "Request Header Or Cookie Too Large" (one line over 8k is checked per
 *   request in handler.ts);
 * - `client_header_timeout 60s` (slowloris: a request head that is not
 *   complete in time closes the connection, with a 408 log line) and
 *   `keepalive_timeout 75s` for idle connections, swept on the injected clock;
 * - `keepalive_requests 1000`; `CONNECT` → 405; a request line with an HTTP
 *   major version above 1 that Node's parser refuses (`HTTP/3.0`) → 505;
 * - `Expect: 100-continue`: `100 Continue` only when the request is proxied
 *   (handler.ts), as nginx sends it when it reads the body; other
 *   expectations are ignored, as nginx does (Node would answer 417).
 *
 * WebSocket upgrades go to websocket.ts, everything else to handler.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { VirtualTuple } from '../../workloads/types.js';
import { escapeLogValue, formatAccessLog } from './access-log.js';
import { NodeClientRequest, NodeClientResponse } from './client-exchange.js';
import { handleRequest } from './handler.js';
import { generatedResponseHead } from './headers.js';
import { type FrontBinding, type FrontScheme, LeanConnection, type LeanHost } from './lean-front.js';
import { errorPage } from './pages.js';
import type { ProxyEnv } from './proxy.js';
import { RequestContext, randomRequestId } from './request-context.js';
import { handleUpgrade } from './websocket.js';

export interface FrontLimits {
  /** nginx `client_header_timeout`. @default 60_000 */
  readonly clientHeaderTimeoutMs: number;
  /** nginx `keepalive_timeout` (ingress-nginx `keep-alive: 75`). @default 75_000 */
  readonly keepAliveTimeoutMs: number;
  /** ingress-nginx `keep-alive-requests`. @default 1000 */
  readonly keepAliveRequests: number;
  /**
   * Serve plain HTTP/1.1 requests on the lean front (lean-front.ts); false
   * sends every connection through Node's `http.Server` (tests run both).
   * @default true
   */
  readonly leanFront: boolean;
}

export const DEFAULT_FRONT_LIMITS: FrontLimits = {
  clientHeaderTimeoutMs: 60_000,
  keepAliveTimeoutMs: 75_000,
  keepAliveRequests: 1000,
  leanFront: true,
};

export type { FrontScheme } from './lean-front.js';

type Binding = FrontBinding;

/** A `clientError` of Node's parser: the bytes it was given and where it stopped. */
type ParserError = NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number };

function bytesRead(socket: Duplex): number {
  return (socket as Duplex & { bytesRead?: number }).bytesRead ?? 0;
}

function closeSoon(socket: Duplex): void {
  const s = socket as Duplex & { destroySoon?: () => void };
  if (typeof s.destroySoon === 'function') s.destroySoon();
  else s.end();
}

/**
 * Whether the request line Node's parser refused names an HTTP major version
 * above 1 (`HTTP/3.0`, `HTTP/10.0`, `HTTP/2` without a minor): nginx's parser
 * answers those 505 as soon as it reads the major digits, and other bad
 * versions 400.
 */
function majorVersionAbove1(err: ParserError): boolean {
  const raw = err.rawPacket;
  if (!Buffer.isBuffer(raw)) return false;
  const at = Math.min(err.bytesParsed ?? raw.length, raw.length);
  const start = at > 0 ? raw.lastIndexOf(0x0a, at - 1) + 1 : 0;
  let end = start;
  while (end < raw.length && raw[end] !== 0x0d && raw[end] !== 0x0a) end++;
  return / HTTP\/(?:[2-9]|1\d)[^ ]*$/.test(raw.toString('latin1', start, end));
}

/**
 * nginx's `$request` for a request line it could not parse: from the request's
 * start (leading CR and LF skipped, as its parser skips them) to the first CR
 * or LF read, as one byte per character.
 */
function rawRequestLine(raw: Buffer | undefined): string | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a)) start++;
  let end = start;
  while (end < raw.length && raw[end] !== 0x0d && raw[end] !== 0x0a) end++;
  return raw.toString('latin1', start, end);
}

export class HttpFront {
  readonly #env: ProxyEnv;
  readonly #clock: Clock;
  readonly #limits: FrontLimits;
  readonly #server: Server;
  readonly #bindings = new Map<Duplex, Binding>();
  readonly #lean: LeanHost;
  #sweeper: TimerHandle | undefined;

  constructor(env: ProxyEnv, clock: Clock, limits: FrontLimits) {
    this.#env = env;
    this.#clock = clock;
    this.#limits = limits;
    const server = createServer({ maxHeaderSize: 32 * 1024 + 8 * 1024, requireHostHeader: false });
    server.keepAliveTimeout = 0;
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    server.maxRequestsPerSocket = limits.keepAliveRequests;
    // Keep every header: nginx's head-size limit is checked on all of them (handler.ts).
    server.maxHeadersCount = 0;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res, false));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.#onRequest(req, res, true),
    );
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
      this.#onRequest(req, res, false),
    );
    server.on('clientError', (err: ParserError, socket: Duplex) => this.#onClientError(err, socket));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onUpgrade(req, socket, head),
    );
    server.on('connect', (req: IncomingMessage, socket: Duplex) => this.#reject(socket, 405, req));
    this.#server = server;
    this.#lean = {
      keepAliveRequests: limits.keepAliveRequests,
      now: () => clock.now(),
      serve: (req, res, b) =>
        handleRequest(env, req, res, b.tuple, b.scheme === 'https' ? 'https' : 'http', b.port),
      handOver: (socket, pending) => {
        socket.pause();
        if (pending) socket.unshift(pending);
        server.emit('connection', socket);
        socket.resume();
      },
      rejectTruncated: (socket) => this.#reject(socket, 400, undefined),
    };
  }

  /** Takes a connection: parses HTTP on it until it closes. */
  accept(socket: Duplex, tuple: VirtualTuple, scheme: FrontScheme, port: number): void {
    const binding: Binding = {
      tuple,
      scheme,
      port,
      phase: 'header',
      since: this.#clock.now(),
      bytesAtPhase: 0,
      requests: 0,
    };
    this.#bindings.set(socket, binding);
    socket.once('close', () => this.#bindings.delete(socket));
    this.#sweepSoon();
    if (this.#limits.leanFront && scheme !== 'plain-on-https')
      new LeanConnection(socket, binding, this.#lean);
    else this.#server.emit('connection', socket);
  }

  /** Open connections (tests, graceful shutdown). */
  get connections(): number {
    return this.#bindings.size;
  }

  /** Closes idle connections now; active ones close after their response. */
  closeIdle(): void {
    for (const [socket, b] of this.#bindings) if (b.phase !== 'active') socket.destroy();
  }

  /** Destroys every connection. */
  destroyAll(): void {
    for (const socket of this.#bindings.keys()) socket.destroy();
    this.#bindings.clear();
    if (this.#sweeper) this.#clock.clearTimeout(this.#sweeper);
    this.#sweeper = undefined;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    const socket = req.socket as Duplex;
    const b = this.#bindings.get(socket);
    if (!b) {
      socket.destroy();
      return;
    }
    b.phase = 'active';
    // nginx answers the last request allowed by keepalive_requests with
    // `Connection: close` and closes; Node would keep it open and answer the
    // next one with its own 503.
    if (++b.requests >= this.#limits.keepAliveRequests) res.shouldKeepAlive = false;
    res.once('finish', () => {
      b.phase = 'idle';
      b.since = this.#clock.now();
      b.bytesAtPhase = bytesRead(socket);
    });
    const request = new NodeClientRequest(req);
    const response = new NodeClientResponse(res, expectsContinue);
    if (b.scheme === 'plain-on-https') {
      new RequestContext(request, response, b.tuple, 'http', this.#env).respond(497, undefined, true);
      return;
    }
    handleRequest(this.#env, request, response, b.tuple, b.scheme, b.port);
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const b = this.#bindings.get(socket);
    if (!b) {
      socket.destroy();
      return;
    }
    b.phase = 'active';
    if (b.scheme === 'plain-on-https') {
      this.#reject(socket, 497, req);
      return;
    }
    handleUpgrade(this.#env, req, socket, head, { tuple: b.tuple, scheme: b.scheme, port: b.port });
  }

  #onClientError(err: ParserError, socket: Duplex): void {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (current?.headersSent) {
      // The request was answered before the parser failed on what followed its head
      // (a Transfer-Encoding nginx refuses, handler.ts): no second answer, close after it.
      if (current.writableFinished) closeSoon(socket);
      else current.once('finish', () => closeSoon(socket));
      return;
    }
    let status = 400;
    if (err.code === 'HPE_HEADER_OVERFLOW') status = 494;
    else if (err.code === 'HPE_INVALID_VERSION' && majorVersionAbove1(err)) status = 505;
    this.#reject(socket, status, undefined, rawRequestLine(err.rawPacket));
  }

  /**
   * Answers nginx's page on a connection without a usable request, logs it,
   * and closes. `line`: the first line as nginx saw it, for `$request`.
   */
  #reject(socket: Duplex, status: number, req: IncomingMessage | undefined, line?: string): void {
    const b = this.#bindings.get(socket);
    const page = errorPage(status) ?? '';
    const shown = status === 494 || status === 497 ? 400 : status;
    const head = generatedResponseHead(shown, page.length, false, this.#clock.now(), []);
    socket.end(`${head}\r\n\r\n${page}`, 'latin1');
    if (b) this.#logRejected(b, shown, page.length, req, line);
  }

  /**
   * The log line of a request nginx refused or timed out before it had a
   * usable head. `$request` is the request line, or for one that never parsed
   * the bytes from its start to the first CR or LF
   * (`ngx_http_variable_request_line`), escaped; `$req_id` is a fresh
   * `$request_id`, since no `X-Request-ID` was read.
   */
  #logRejected(
    b: Binding,
    status: number,
    bytes: number,
    req: IncomingMessage | undefined,
    rawLine?: string,
  ): void {
    const now = this.#clock.now();
    const line = formatAccessLog({
      remoteAddr: b.tuple.srcIP,
      timeMs: now,
      method: req?.method ?? '',
      target: req?.url ?? '',
      httpVersion: req?.httpVersion ?? '',
      status,
      bodyBytesSent: bytes,
      referer: undefined,
      userAgent: req?.headers['user-agent'],
      requestLength: 0,
      requestMs: 0,
      upstreamName: '',
      alternativeName: '',
      attempts: [],
      requestId: randomRequestId(this.#env.random),
    });
    if (req) this.#env.log(line);
    else {
      const request = rawLine === undefined ? '"-"' : `"${escapeLogValue(rawLine)}"`;
      this.#env.log(line.replace('"  HTTP/"', request));
    }
  }

  #sweepSoon(): void {
    if (this.#sweeper) return;
    const period = Math.max(
      100,
      Math.min(this.#limits.clientHeaderTimeoutMs, this.#limits.keepAliveTimeoutMs) / 4,
    );
    this.#sweeper = this.#clock.setTimeout(() => this.#sweep(), period);
    this.#sweeper.unref();
  }

  /** Closes connections past `client_header_timeout` or `keepalive_timeout`. */
  #sweep(): void {
    this.#sweeper = undefined;
    const now = this.#clock.now();
    for (const [socket, b] of this.#bindings) {
      if (b.phase === 'active') continue;
      const read = bytesRead(socket) > b.bytesAtPhase;
      const limit =
        b.phase === 'idle' && !read ? this.#limits.keepAliveTimeoutMs : this.#limits.clientHeaderTimeoutMs;
      if (now - b.since < limit) continue;
      if (read) this.#logRejected(b, 408, 0, undefined);
      socket.destroy();
      this.#bindings.delete(socket);
    }
    if (this.#bindings.size > 0) this.#sweepSoon();
  }
}
