/**
 * The lean front: the controller's hot path for plain HTTP/1.1 keep-alive
 * requests. It reads the client connection itself, parses request heads with
 * lean-parser.ts and serves them one at a time through the same handler as
 * Node's `http.Server` (handler.ts), writing each response straight to the
 * socket (lean-exchange.ts). It skips what costs most per request in Node's
 * server for no effect here: the `IncomingMessage`/`ServerResponse` streams,
 * their events and ticks, and the header copies.
 *
 * Anything the lean parser does not accept — malformed or oversized heads,
 * HTTP/1.0, chunked bodies, `Expect`, upgrades, repeated headers — hands the
 * connection, with every unread byte, to Node's `http.Server` between two
 * requests (http-front.ts), which answers as the controller always has and
 * keeps the connection to the end. Requests on one connection are served in
 * order, one at a time, as nginx reads them (Node's server would route
 * pipelined requests concurrently).
 *
 * Connection state the sweeper reads (phase, since, bytes at phase, request
 * count) lives in the shared binding, so `client_header_timeout`,
 * `keepalive_timeout` and `keepalive_requests` apply identically on both paths.
 */
import type { Duplex } from 'node:stream';
import type { VirtualTuple } from '../../workloads/types.js';
import type { ClientRequest, ClientResponse } from './client-exchange.js';
import { type ExchangeOwner, LeanExchange } from './lean-exchange.js';
import { type LeanHead, parseLeanHead } from './lean-parser.js';

/** How a connection reached the front: `plain-on-https` is plain HTTP sent to the HTTPS port. */
export type FrontScheme = 'http' | 'https' | 'plain-on-https';

/** A client connection's state, shared by both fronts and the timeout sweeper (http-front.ts). */
export interface FrontBinding {
  readonly tuple: VirtualTuple;
  readonly scheme: FrontScheme;
  readonly port: number;
  /** `header`: waiting for a request head; `active`: a request runs; `idle`: kept alive. */
  phase: 'header' | 'active' | 'idle';
  since: number;
  bytesAtPhase: number;
  /** Requests read on the connection (`keepalive_requests`). */
  requests: number;
}

/** Read by the lean front while a request runs: more pipelined bytes than this pause the socket. */
const MAX_PENDING = 64 * 1024;

/** What the lean front needs from the HTTP front that owns the connection. */
export interface LeanHost {
  readonly keepAliveRequests: number;
  now(): number;
  /** Routes one request (handler.ts). */
  serve(req: ClientRequest, res: ClientResponse, binding: FrontBinding): void;
  /** Gives the connection to Node's parser; `pending` are bytes read and not yet parsed. */
  handOver(socket: Duplex, pending: Buffer | undefined): void;
  /** Answers nginx's 400 to an incomplete request at end of stream, logs it, and closes. */
  rejectTruncated(socket: Duplex): void;
}

function bytesRead(socket: Duplex): number {
  return (socket as Duplex & { bytesRead?: number }).bytesRead ?? 0;
}

function closeSoon(socket: Duplex): void {
  const s = socket as Duplex & { destroySoon?: () => void };
  if (typeof s.destroySoon === 'function') s.destroySoon();
  else s.end();
}

/** One client connection served by the lean front until it closes or falls back. */
export class LeanConnection implements ExchangeOwner {
  readonly #socket: Duplex;
  readonly #binding: FrontBinding;
  readonly #host: LeanHost;
  /** Bytes read and not yet consumed (the start of the next request). */
  #pending: Buffer | undefined;
  #current: LeanExchange | undefined;
  /** Body bytes of the current (or last) request still to come off the wire. */
  #bodyLeft = 0;
  /** Inside the parse loop (a response may finish synchronously within it). */
  #parsing = false;
  #clientEnded = false;
  #done = false;
  /** Reading paused because pipelined requests piled up behind the current one. */
  #held = false;
  readonly #onData = (chunk: Buffer) => this.#read(chunk);
  readonly #onEnd = () => this.#ended();
  readonly #onClose = () => this.#closed();
  readonly #onError = () => this.#socket.destroy();

  constructor(socket: Duplex, binding: FrontBinding, host: LeanHost) {
    this.#socket = socket;
    this.#binding = binding;
    this.#host = host;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', this.#onError);
  }

  responded(exchange: LeanExchange, close: boolean, now: number | undefined): void {
    if (exchange !== this.#current) return;
    this.#current = undefined;
    const b = this.#binding;
    b.phase = 'idle';
    b.since = now ?? this.#host.now();
    b.bytesAtPhase = bytesRead(this.#socket);
    if (close) {
      this.#stop();
      closeSoon(this.#socket);
      return;
    }
    if (this.#held) {
      this.#held = false;
      this.#socket.resume();
    }
    if (!this.#parsing) this.#next();
  }

  #read(chunk: Buffer): void {
    let data = chunk;
    if (this.#bodyLeft > 0) {
      const n = Math.min(this.#bodyLeft, data.length);
      this.#body(n === data.length ? data : data.subarray(0, n));
      if (n === data.length) return;
      data = data.subarray(n);
    }
    this.#pending = this.#pending ? Buffer.concat([this.#pending, data]) : data;
    if (!this.#current) this.#next();
    else if (this.#pending && this.#pending.length > MAX_PENDING && !this.#held) {
      this.#held = true;
      this.#socket.pause();
    }
  }

  /** Delivers body bytes to the current request (or drops them once it has been answered). */
  #body(chunk: Buffer): void {
    this.#bodyLeft -= chunk.length;
    const ex = this.#current;
    if (ex) {
      ex.pushBody(chunk);
      if (this.#bodyLeft === 0) ex.endBody();
    } else if (this.#bodyLeft === 0 && !this.#done) this.#next();
  }

  /** Parses and serves buffered requests while no request is in progress. */
  #next(): void {
    this.#parsing = true;
    try {
      while (!this.#done && !this.#current && this.#bodyLeft === 0 && this.#pending) {
        const parsed = parseLeanHead(this.#pending);
        if (parsed === 'incomplete') break;
        if (typeof parsed === 'string') {
          this.#fallBack();
          return;
        }
        const pending = this.#pending;
        this.#pending = parsed.headBytes < pending.length ? pending.subarray(parsed.headBytes) : undefined;
        this.#start(parsed);
      }
    } finally {
      this.#parsing = false;
    }
    if (!this.#current && this.#clientEnded && !this.#done) this.#finishAtEnd();
  }

  #start(head: LeanHead): void {
    const b = this.#binding;
    b.phase = 'active';
    b.requests++;
    const keepAlive = head.keepAlive && b.requests < this.#host.keepAliveRequests;
    const ex = new LeanExchange(head, keepAlive, this.#socket, this);
    this.#current = ex;
    this.#bodyLeft = head.contentLength;
    // Body bytes that came with the head.
    const pending = this.#pending;
    if (this.#bodyLeft > 0 && pending) {
      const n = Math.min(this.#bodyLeft, pending.length);
      this.#pending = n === pending.length ? undefined : pending.subarray(n);
      this.#bodyLeft -= n;
      ex.pushBody(n === pending.length ? pending : pending.subarray(0, n));
      if (this.#bodyLeft === 0) ex.endBody();
    }
    this.#host.serve(ex, ex, b);
  }

  #fallBack(): void {
    const pending = this.#pending;
    this.#stop();
    this.#socket.removeListener('error', this.#onError);
    this.#host.handOver(this.#socket, pending);
  }

  #ended(): void {
    this.#clientEnded = true;
    if (this.#done) return;
    if (this.#bodyLeft > 0 && this.#current) {
      // The body was cut short: Node's parser fails at end of stream (400), the request is abandoned.
      this.#stop();
      this.#host.rejectTruncated(this.#socket);
      return;
    }
    if (!this.#current) this.#finishAtEnd();
  }

  /** The client sent its last byte and nothing is in progress: close, or reject a partial head. */
  #finishAtEnd(): void {
    const partial = this.#pending !== undefined || this.#bodyLeft > 0;
    this.#stop();
    if (partial) this.#host.rejectTruncated(this.#socket);
    else if (this.#socket.writable) this.#socket.end();
  }

  #closed(): void {
    const ex = this.#current;
    this.#stop();
    ex?.clientClosed();
  }

  /** Stops reading requests (closing, or handed over to Node's parser). */
  #stop(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pending = undefined;
    const s = this.#socket;
    s.removeListener('data', this.#onData);
    s.removeListener('end', this.#onEnd);
    if (this.#current === undefined) s.removeListener('close', this.#onClose);
    if (this.#held) s.resume();
  }
}
