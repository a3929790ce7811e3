/**
 * The client side of one request, as the request handler and the proxy see
 * it, whichever front parsed it: the lean front (lean-front.ts, the hot path
 * for plain keep-alive requests) or Node's `http.Server` (http-front.ts, every
 * other request). The Node adapters below wrap `IncomingMessage` and
 * `ServerResponse`; the lean front implements both interfaces on one object.
 *
 * Both implementations follow Node's framing rules, so a response reads the
 * same byte for byte whichever front wrote it: no body for HEAD requests and
 * 1xx/204/304 answers, chunked encoding for an HTTP/1.1 body without a length,
 * and the connection closed after a head that says `Connection: close`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** A parsed client request. */
export interface ClientRequest {
  readonly method: string;
  /** The request-target as sent. */
  readonly url: string;
  /** `1.1` or `1.0`. */
  readonly httpVersion: string;
  /** Lower-cased names; repeated headers joined as Node joins them. */
  readonly headers: IncomingHttpHeaders;
  /** `[name, value, name, value…]`: names as sent, values without surrounding whitespace. */
  readonly rawHeaders: readonly string[];
  /**
   * Streams the request body: `onData` per chunk, then `onEnd` once. Called
   * at most once per request; bytes that arrived earlier are delivered first.
   */
  readBody(onData: (chunk: Buffer) => void, onEnd: () => void): void;
  /** Stops reading the body until `resumeBody` (back-pressure from the upstream). */
  pauseBody(): void;
  resumeBody(): void;
}

/** How a response body is framed; it must agree with the head's text. */
export interface Framing {
  readonly contentLength: number | undefined;
  /** Close the connection after this response (the head says `Connection: close`). */
  readonly close: boolean;
}

/** Where the response to a `ClientRequest` goes. */
export interface ClientResponse {
  /** Whether the client connection may carry another request after this one. */
  readonly shouldKeepAlive: boolean;
  readonly headersSent: boolean;
  /** The whole response has been written. */
  readonly writableFinished: boolean;
  /**
   * Sends `100 Continue` once if the client waits for it (`Expect:
   * 100-continue`). nginx sends it when it starts reading the body (to proxy
   * the request), never before an answer of its own (a 413 for a
   * `Content-Length` over `proxy-body-size`, redirects, errors).
   */
  continueBody(): void;
  /** Sends `head` (status line and header lines, without the blank line) exactly as given. */
  sendHead(status: number, head: string, framing: Framing): void;
  /** Writes body bytes; false when the caller should wait for `onceDrain`. */
  write(chunk: Buffer): boolean;
  /**
   * Ends the response, with a last piece of body when given; `now`: the
   * caller's clock reading for this event, when it has one.
   */
  end(body?: string, now?: number): void;
  /** Abandons the response and closes the client connection. */
  destroy(): void;
  onceDrain(listener: () => void): void;
  /** Called once when the client connection closes before the response was written. */
  onceClose(listener: () => void): void;
}

interface HeadState {
  _header: string | null;
}

/**
 * Writes a response head exactly as given (status line and header lines
 * without the final blank line). Node has no public way to send a head without
 * adding its own headers, so the head it prepared is replaced before the first
 * body write flushes it (the same technique as workloads' `writeExactHead`).
 */
export function writeExactHead(res: ServerResponse, status: number, head: string, framing: Framing): void {
  const headers: Record<string, string | number> = {};
  if (framing.contentLength !== undefined) headers['Content-Length'] = framing.contentLength;
  if (framing.close) headers.Connection = 'close';
  res.sendDate = false;
  res.writeHead(status, headers);
  (res as unknown as HeadState)._header = `${head}\r\n\r\n`;
}

/** A request parsed by Node's `http.Server`. */
export class NodeClientRequest implements ClientRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly #req: IncomingMessage;

  constructor(req: IncomingMessage) {
    this.#req = req;
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.httpVersion = req.httpVersion;
    this.headers = req.headers;
    this.rawHeaders = req.rawHeaders;
  }

  readBody(onData: (chunk: Buffer) => void, onEnd: () => void): void {
    this.#req.on('data', onData);
    this.#req.once('end', onEnd);
  }

  pauseBody(): void {
    this.#req.pause();
  }

  resumeBody(): void {
    this.#req.resume();
  }
}

/** A response written through Node's `ServerResponse`. */
export class NodeClientResponse implements ClientResponse {
  readonly #res: ServerResponse;
  /** The client sent `Expect: 100-continue` and no `100 Continue` went out yet (Node's `checkContinue`). */
  #expectsContinue: boolean;

  constructor(res: ServerResponse, expectsContinue = false) {
    this.#res = res;
    this.#expectsContinue = expectsContinue;
  }

  continueBody(): void {
    if (!this.#expectsContinue) return;
    this.#expectsContinue = false;
    this.#res.writeContinue();
  }

  get shouldKeepAlive(): boolean {
    return this.#res.shouldKeepAlive;
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  get writableFinished(): boolean {
    return this.#res.writableFinished;
  }

  sendHead(status: number, head: string, framing: Framing): void {
    writeExactHead(this.#res, status, head, framing);
  }

  write(chunk: Buffer): boolean {
    return this.#res.write(chunk);
  }

  end(body?: string): void {
    if (body === undefined) this.#res.end();
    else this.#res.end(body);
  }

  destroy(): void {
    this.#res.destroy();
  }

  onceDrain(listener: () => void): void {
    this.#res.once('drain', listener);
  }

  onceClose(listener: () => void): void {
    this.#res.once('close', listener);
  }
}
