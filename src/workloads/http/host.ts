/**
 * HTTP parsing for simulated apps without a listening socket of their own.
 *
 * One `node:http` Server per dialect (created on first use, never listening)
 * parses every connection an app is handed: the app calls `accept(conn, endpoint)`,
 * the socket is mapped to its virtual tuple and endpoint in a WeakMap, and the
 * connection is fed in with `server.emit('connection', socket)`. Sharing one
 * Server across every pod is what keeps an idle pod at a few hundred bytes: the
 * Server holds no per-app state, and a socket's binding dies with the socket.
 *
 * Responses are written with `writeExactHead`, because Node adds headers the
 * emulated servers never send (`Connection: keep-alive`, `Keep-Alive:`), and the
 * status line and header order must be the real server's, byte for byte.
 */
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { endUnlessFinished } from '../../util/stream-end.js';
import { extrasOf } from '../app-extras.js';
import type { FaultInjector } from '../fault-injector.js';
import type {
  AppContext,
  HttpConnectionObserver,
  HttpFlowObserver,
  PodConnection,
  VirtualTuple,
} from '../types.js';

/** Why a request could not be parsed, as the emulated server classifies it. */
export type BadRequestKind = 'malformed' | 'header-too-large' | 'bad-transfer-encoding';

/** An app's HTTP server personality. One instance may serve many connections. */
export interface HttpEndpoint {
  /** Handles one parsed request; must end `res` (possibly later, asynchronously). */
  handleRequest(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void;
  /** The raw bytes the real server answers to an unparsable request; the connection then closes. */
  badRequest(kind: BadRequestKind, tuple: VirtualTuple): string;
  /** Answers the server's own HTTP 500 (fault injection). */
  internalError(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void;
  /** Takes over an `Upgrade:` request (only on hosts created with `upgrades: true`). */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, tuple: VirtualTuple): void;
}

/** How a dialect's shared server treats idle connections and upgrades. */
export interface HttpHostOptions {
  /** Idle keep-alive timeout on real sockets; 0 keeps idle connections open (Go's default). */
  readonly keepAliveTimeoutMs: number;
  /** Whether `Upgrade:` requests go to `handleUpgrade` instead of `handleRequest`. */
  readonly upgrades: boolean;
  /** The largest request head (request line and headers) before `header-too-large`. @default Node's 16 KiB */
  readonly maxHeaderBytes?: number;
}

/** Go's `http.Server`: `DefaultMaxHeaderBytes` (1 MiB) plus the 4 KiB of bufio slop it allows. */
export const GO_MAX_HEADER_BYTES = (1 << 20) + 4096;

interface Binding {
  readonly tuple: VirtualTuple;
  readonly endpoint: HttpEndpoint;
  readonly faults: FaultInjector | undefined;
  /** The app's context, for its pod and clock (L7 flow records). */
  readonly ctx: AppContext | undefined;
  /** `ctx.httpFlows`, read once per connection. */
  readonly flows: HttpFlowObserver | undefined;
  /**
   * Where this connection's later requests are reported, made on its second
   * answered request while flows record (the first goes to `flows` itself, so
   * a connection per request makes no observer of its own).
   */
  observer: HttpConnectionObserver | HttpFlowObserver | undefined;
  /** Whether a request of this connection has been reported. */
  reportedOnce: boolean;
}

const bindings = new WeakMap<object, Binding>();
/** A dialect's shared server, whose responses can report their exchange. */
type HostServer = Server<typeof IncomingMessage, typeof ObservedResponse>;

const hosts = new Map<string, HostServer>();

function classify(err: NodeJS.ErrnoException): BadRequestKind | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_DESTROYED':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return 'header-too-large';
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return 'bad-transfer-encoding';
    default:
      return 'malformed';
  }
}

function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const binding = bindings.get(socket);
  const kind = classify(err);
  if (!binding || kind === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(Buffer.from(binding.endpoint.badRequest(kind, binding.tuple), 'latin1'));
}

/** Resets a connection as a crashed or faulty server would (RST where the socket supports it). */
export function resetConnection(socket: Duplex): void {
  const resettable = socket as Duplex & { resetAndDestroy?: () => void };
  if (typeof resettable.resetAndDestroy === 'function') resettable.resetAndDestroy();
  else socket.destroy();
}

function dispatchWithFaults(
  binding: Binding,
  faults: FaultInjector,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const decision = faults.beforeRequest();
  const run = () => {
    if (req.socket.destroyed) return;
    if (decision.failure === 'reset') {
      resetConnection(req.socket);
      return;
    }
    res.once('finish', () => faults.afterRequest());
    if (decision.failure === 'http-500') binding.endpoint.internalError(req, res, binding.tuple);
    else binding.endpoint.handleRequest(req, res, binding.tuple);
  };
  if (decision.delayMs > 0) faults.delay(run, decision.delayMs);
  else run();
}

function createHost(options: HttpHostOptions): HostServer {
  const server = createServer({
    requireHostHeader: false,
    ...(options.maxHeaderBytes ? { maxHeaderSize: options.maxHeaderBytes } : {}),
    keepAliveTimeout: options.keepAliveTimeoutMs,
    ServerResponse: ObservedResponse,
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  server.on('request', (req: IncomingMessage, res: ObservedResponse) => {
    const binding = bindings.get(req.socket);
    if (!binding) {
      req.socket.destroy();
      return;
    }
    if (binding.flows?.enabled) observeExchange(binding, req, res);
    if (binding.faults) dispatchWithFaults(binding, binding.faults, req, res);
    else binding.endpoint.handleRequest(req, res, binding.tuple);
  });
  server.on('clientError', onClientError);
  if (options.upgrades) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const binding = bindings.get(socket);
      if (!binding?.endpoint.handleUpgrade) {
        socket.destroy();
        return;
      }
      binding.endpoint.handleUpgrade(req, socket, head, binding.tuple);
    });
  }
  return server;
}

/** A socket's byte counter (net.Socket and the dataplane's in-memory sockets both keep one). */
function bytesWritten(socket: Duplex): number {
  const n = (socket as Duplex & { bytesWritten?: unknown }).bytesWritten;
  return typeof n === 'number' ? n : -1;
}

/** The request body's declared length: 0 without a body, -1 when chunked (not counted). */
function requestBodyBytes(req: IncomingMessage): number {
  const cl = req.headers['content-length'];
  if (cl !== undefined) return Number(cl) || 0;
  return req.headers['transfer-encoding'] === undefined ? 0 : -1;
}

/** Node's own `ServerResponse#_finish`, which `ObservedResponse` extends. */
const finishResponse = (ServerResponse.prototype as unknown as { _finish(this: ServerResponse): void })
  ._finish;

/**
 * The shared servers' responses: a watched one (its request's flow is being
 * recorded) reports its exchange from `_finish`, which Node calls once the
 * whole response has been handed to the socket (right before `prefinish`), so
 * a request costs no `finish` listener, closure or watch object of its own.
 * `flows.test.ts` fails if a Node release stops calling it.
 */
class ObservedResponse extends ServerResponse {
  /** The connection of a watched response; undefined when its flow is not recorded. */
  flowBinding: Binding | undefined = undefined;
  /** When the request head had arrived (the app's clock). */
  flowStartedAt = 0;
  /** The socket's byte count before the response (-1: the socket keeps none). */
  flowBytesBefore = 0;

  _finish(): void {
    const binding = this.flowBinding;
    if (binding !== undefined) {
      this.flowBinding = undefined;
      reportExchange(binding, this);
    }
    finishResponse.call(this);
  }
}

/**
 * Reports the request once its response is complete (an L7 flow). Runs only
 * while flows are recorded: one `HttpExchange` per request, at its end. A
 * response that never completes (the client left, a reset fault) reports
 * nothing.
 */
function observeExchange(binding: Binding, req: IncomingMessage, res: ObservedResponse): void {
  res.flowBinding = binding;
  res.flowStartedAt = (binding.ctx as AppContext).clock.now();
  res.flowBytesBefore = bytesWritten(req.socket);
}

function reportExchange(binding: Binding, res: ObservedResponse): void {
  const req = res.req;
  const socket = req.socket;
  if (socket.destroyed) return;
  const ctx = binding.ctx as AppContext;
  const flows = binding.flows as HttpFlowObserver;
  let observer = binding.observer;
  if (observer === undefined) {
    if (!binding.reportedOnce) {
      binding.reportedOnce = true;
      observer = flows;
    } else {
      observer = flows.connection ? flows.connection(binding.tuple) : flows;
      binding.observer = observer;
    }
  }
  const before = res.flowBytesBefore;
  const after = bytesWritten(socket);
  const head = (res as unknown as MutableHeadState)._header;
  observer.exchange({
    pod: ctx.pod,
    tuple: binding.tuple,
    method: req.method ?? '',
    target: req.url ?? '',
    host: req.headers.host,
    httpVersion: req.httpVersion,
    scheme: 'http',
    status: res.statusCode,
    startedAt: res.flowStartedAt,
    endedAt: ctx.clock.now(),
    requestBytes: requestBodyBytes(req),
    responseBytes: before < 0 || after < 0 ? -1 : Math.max(0, after - before - (head?.length ?? 0)),
  });
}

/**
 * Feeds a connection to the shared server of `hostName`, bound to `endpoint`.
 * The caller (an app) owns the connection's lifetime: it may destroy the socket
 * at any time (SIGKILL, shutdown). With `ctx`, the pod's fault injector (when
 * it has a plan) applies and each answered request is reported to
 * `ctx.httpFlows` while it records.
 */
export function acceptHttp(
  conn: PodConnection,
  endpoint: HttpEndpoint,
  hostName: string,
  options: HttpHostOptions,
  ctx?: AppContext,
): void {
  const faults = ctx ? extrasOf(ctx)?.faults : undefined;
  let server = hosts.get(hostName);
  if (!server) {
    server = createHost(options);
    hosts.set(hostName, server);
  }
  bindings.set(conn.socket, {
    tuple: conn.tuple,
    endpoint,
    faults: faults?.plan ? faults : undefined,
    ctx,
    flows: ctx?.httpFlows,
    observer: undefined,
    reportedOnce: false,
  });
  quietSecondEnd(conn.socket);
  server.emit('connection', conn.socket);
}

/** Gives a handed-in socket an `end` that is quiet once finished (see `endUnlessFinished`). */
function quietSecondEnd(socket: Duplex): void {
  if (socket.end === Duplex.prototype.end || socket.end === Socket.prototype.end)
    socket.end = endUnlessFinished;
}

/** The virtual tuple of the connection a request arrived on. */
export function tupleOf(req: IncomingMessage): VirtualTuple | undefined {
  return bindings.get(req.socket)?.tuple;
}

/** Response framing Node must apply (its own state), independent of the header text. */
export interface Framing {
  /** Body length, or undefined for chunked (HTTP/1.1) / close-delimited (HTTP/1.0). */
  readonly contentLength?: number | undefined;
  /** Close the connection after this response. */
  readonly close?: boolean;
  /** Without a length: false sends a close-delimited body even to HTTP/1.1 clients. */
  readonly chunked?: boolean;
}

interface MutableHeadState {
  _header: string | null;
}

/**
 * Writes a response head exactly as given (`head` is the status line and header
 * lines, without the final blank line). Node keeps its own framing state from
 * `framing` (length, chunking, close), which must agree with the header text.
 *
 * Node offers no public way to send a head without its `Connection`/`Keep-Alive`
 * additions, so the head Node prepared is replaced before it is flushed with the
 * first body write; `http/host.test.ts` guards this against Node upgrades.
 */
export function writeExactHead(res: ServerResponse, status: number, head: string, framing: Framing): void {
  const headers: Record<string, string | number> = {};
  if (framing.contentLength !== undefined) headers['Content-Length'] = framing.contentLength;
  if (framing.close) headers.Connection = 'close';
  res.sendDate = false;
  if (framing.contentLength === undefined && framing.chunked === false) res.removeHeader('Transfer-Encoding');
  res.writeHead(status, headers);
  (res as unknown as MutableHeadState)._header = `${head}\r\n\r\n`;
}
