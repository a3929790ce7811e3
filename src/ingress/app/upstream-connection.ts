/**
 * One HTTP/1.1 connection from the controller pod to an endpoint: it sends a
 * request head and body, parses the response, and reports whether it can be
 * kept for the next request (nginx's upstream keepalive). Exactly one exchange
 * runs at a time; bytes the endpoint sends while no exchange runs make the
 * connection unusable.
 */
import type { Duplex } from 'node:stream';
import { latin1Bytes } from './byte-slab.js';
import { type ResponseHead, ResponseParser } from './response-parser.js';

/** Why an exchange failed. */
export type UpstreamFailure =
  /** The connection broke before any response byte: safe to retry on a reused connection. */
  | { readonly kind: 'reset'; readonly message: string; readonly beforeResponse: boolean }
  /** The endpoint sent something that is not HTTP. */
  | { readonly kind: 'protocol'; readonly message: string };

export interface ExchangeHandlers {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /**
   * The response ended. `leftover`: bytes after it (the upgraded stream after a
   * 101); `now`: the clock reading of the event that ended it (a read, or the end
   * of the stream).
   */
  onEnd(leftover: Buffer, now: number): void;
  onError(failure: UpstreamFailure): void;
}

let nextId = 1;

export class UpstreamConnection {
  readonly id = nextId++;
  /** `address:port`. */
  readonly endpoint: string;
  readonly socket: Duplex;
  /** Whether it speaks TLS (`backend-protocol: HTTPS`): cached apart from plain connections. */
  readonly tls: boolean;
  /** Exchanges started on this connection. */
  requests = 0;
  /** Clock time the connection went idle (for the keepalive timeout). */
  idleSince = 0;
  /** Clock time of the last byte read (for `proxy-read-timeout`). */
  lastRead = 0;
  #handlers: ExchangeHandlers | undefined;
  /** The clock reading of the socket event being handled. */
  #eventAt = 0;
  #responded = false;
  #dead = false;
  #reusable = false;
  readonly #parser: ResponseParser;
  readonly #now: () => number;

  constructor(endpoint: string, socket: Duplex, now: () => number, tls = false) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.tls = tls;
    this.#now = now;
    this.#parser = new ResponseParser({
      onHead: (head) => {
        this.#responded = true;
        this.#reusable = !head.close && head.status !== 101;
        this.#handlers?.onHead(head);
      },
      onBody: (chunk) => this.#handlers?.onBody(chunk),
      onEnd: (leftover) => this.#finish(leftover),
      onError: (message) => this.#fail({ kind: 'protocol', message }),
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.#onClose(err.code ?? err.message));
    socket.on('close', () => this.#onClose('closed'));
  }

  /** Whether the connection is alive and not in an exchange. */
  get idle(): boolean {
    return !this.#dead && this.#handlers === undefined;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Whether the response has begun (nothing may be retried after that). */
  get responded(): boolean {
    return this.#responded;
  }

  /**
   * Starts an exchange at `now` (the caller's clock reading): writes `head`. The
   * caller then writes the body with `write`/`endBody`.
   */
  start(head: string, noBody: boolean, handlers: ExchangeHandlers, now = this.#now()): void {
    this.#handlers = handlers;
    this.#responded = false;
    this.#reusable = false;
    this.requests++;
    this.lastRead = now;
    this.#parser.expect(noBody);
    this.socket.write(latin1Bytes(head));
  }

  /** Writes request body bytes; returns false when the caller should wait for `drain`. */
  write(chunk: Buffer | string): boolean {
    return this.socket.write(chunk);
  }

  /** Whether the exchange ended cleanly and the connection may carry another. */
  get reusable(): boolean {
    return this.#reusable && !this.#dead && this.#handlers === undefined;
  }

  /** Hands the raw socket over (WebSocket after 101): this object stops reading it. */
  detach(): Duplex {
    this.#dead = true;
    this.#handlers = undefined;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    return this.socket;
  }

  /** Closes the connection; a running exchange is abandoned without callbacks. */
  destroy(): void {
    this.#handlers = undefined;
    this.#dead = true;
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const now = this.#now();
    this.lastRead = now;
    this.#eventAt = now;
    if (!this.#handlers || this.#parser.done) {
      this.destroy();
      return;
    }
    this.#parser.feed(chunk);
  }

  #onEnd(): void {
    if (this.#handlers && !this.#parser.done) {
      this.#eventAt = this.#now();
      this.#parser.end();
    }
    this.#onClose('closed');
  }

  #onClose(why: string): void {
    const h = this.#handlers;
    this.#dead = true;
    this.#reusable = false;
    if (h) {
      this.#handlers = undefined;
      h.onError({
        kind: 'reset',
        message:
          why === 'closed' ? 'upstream prematurely closed connection' : `upstream connection failed (${why})`,
        beforeResponse: !this.#responded,
      });
    }
    if (!this.socket.destroyed) this.socket.destroy();
  }

  #finish(leftover: Buffer): void {
    const h = this.#handlers;
    this.#handlers = undefined;
    if (leftover.length > 0 && this.#reusable) this.#reusable = false;
    // Idle from the response's last byte (a response ending at EOF leaves a dead connection).
    this.idleSince = this.lastRead;
    h?.onEnd(leftover, this.#eventAt);
  }

  #fail(failure: UpstreamFailure): void {
    const h = this.#handlers;
    this.#handlers = undefined;
    this.destroy();
    h?.onError(failure);
  }
}
