/**
 * One request on the lean front: the parsed head as a `ClientRequest`, its
 * body as the connection delivers it, and the response written straight to
 * the client socket as a `ClientResponse`, with Node's framing rules (see
 * client-exchange.ts): no body for HEAD and 1xx/204/304, chunked encoding
 * without a length, the connection closed after `Connection: close`.
 *
 * The head is held until the first body bytes (or the end) so a small
 * response leaves in one socket write (one syscall on a real socket), where
 * Node's `ServerResponse` corks and writes the head and body as two buffers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { allocBytes, writeLatin1 } from './byte-slab.js';
import type { ClientRequest, ClientResponse, Framing } from './client-exchange.js';
import type { LeanHead } from './lean-parser.js';

/** What an exchange tells its connection. */
export interface ExchangeOwner {
  /**
   * The response has been written; `close` when the connection must close after
   * it; `now`: the writer's clock reading, when it has one.
   */
  responded(exchange: LeanExchange, close: boolean, now: number | undefined): void;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const BLANK_LINE = Buffer.from('\r\n\r\n', 'latin1');

function chunkHead(length: number): Buffer {
  return Buffer.from(`${length.toString(16)}\r\n`, 'latin1');
}

export class LeanExchange implements ClientRequest, ClientResponse {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '1.1';
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly shouldKeepAlive: boolean;
  headersSent = false;
  writableFinished = false;
  readonly #socket: Duplex;
  readonly #owner: ExchangeOwner;
  /** The head not yet written (without its blank line). */
  #head: string | undefined;
  #hasBody = true;
  #chunked = false;
  #close = false;
  #onData: ((chunk: Buffer) => void) | undefined;
  #onEnd: (() => void) | undefined;
  /** Body bytes that arrived before `readBody`. */
  #early: Buffer[] | undefined;
  #bodyEnded = false;
  #onClose: (() => void) | undefined;

  constructor(head: LeanHead, keepAlive: boolean, socket: Duplex, owner: ExchangeOwner) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.shouldKeepAlive = keepAlive;
    this.#socket = socket;
    this.#owner = owner;
  }

  // --- ClientRequest: the body, fed by the connection.

  readBody(onData: (chunk: Buffer) => void, onEnd: () => void): void {
    this.#onData = onData;
    this.#onEnd = onEnd;
    const early = this.#early;
    this.#early = undefined;
    if (early) for (const chunk of early) onData(chunk);
    if (this.#bodyEnded) onEnd();
  }

  pauseBody(): void {
    this.#socket.pause();
  }

  resumeBody(): void {
    this.#socket.resume();
  }

  /** Body bytes from the connection. */
  pushBody(chunk: Buffer): void {
    if (this.#onData) this.#onData(chunk);
    else if (this.#early) this.#early.push(chunk);
    else this.#early = [chunk];
  }

  /** The last body byte has arrived. */
  endBody(): void {
    this.#bodyEnded = true;
    this.#onEnd?.();
  }

  // --- ClientResponse.

  /** Nothing to do: requests with `Expect` go to Node's parser (lean-parser.ts). */
  continueBody(): void {}

  sendHead(status: number, head: string, framing: Framing): void {
    this.headersSent = true;
    this.#head = head;
    this.#hasBody = this.method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
    this.#chunked = this.#hasBody && framing.contentLength === undefined;
    this.#close = framing.close;
  }

  write(chunk: Buffer): boolean {
    if (!this.#hasBody || chunk.length === 0 || this.writableFinished) return true;
    return this.#send(this.#chunked ? Buffer.concat([chunkHead(chunk.length), chunk, CRLF]) : chunk);
  }

  end(body?: string, now?: number): void {
    if (this.writableFinished) return;
    this.writableFinished = true;
    let tail = '';
    if (this.#hasBody) {
      if (body) tail = this.#chunked ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n` : body;
      if (this.#chunked) tail += '0\r\n\r\n';
    }
    const head = this.#head === undefined ? undefined : `${this.#head}\r\n\r\n`;
    this.#head = undefined;
    const text = head === undefined ? tail : head + tail;
    if (text !== '') {
      if (Buffer.byteLength(tail) === tail.length) this.#socket.write(text, 'latin1');
      else this.#socket.write(Buffer.concat([Buffer.from(head ?? '', 'latin1'), Buffer.from(tail)]));
    }
    this.#owner.responded(this, this.#close, now);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  onceDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }

  onceClose(listener: () => void): void {
    this.#onClose = listener;
  }

  /** The client connection closed (the connection calls this while the exchange is current). */
  clientClosed(): void {
    const listener = this.#onClose;
    this.#onClose = undefined;
    if (!this.writableFinished) listener?.();
  }

  /** Writes `data`, after the held head when it is still pending. */
  #send(data: Buffer): boolean {
    const head = this.#head;
    if (head === undefined) return this.#socket.write(data);
    this.#head = undefined;
    // The head, its blank line and the data in one buffer, without joining strings first.
    const out = allocBytes(head.length + 4 + data.length);
    writeLatin1(out, head);
    out.set(BLANK_LINE, head.length);
    out.set(data, head.length + 4);
    return this.#socket.write(out);
  }
}
