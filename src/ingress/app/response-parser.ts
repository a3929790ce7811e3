/**
 * A streaming HTTP/1.1 response parser for upstream connections: the status
 * line and header block, then the body framed by `Transfer-Encoding: chunked`,
 * `Content-Length`, or the connection's end (RFC 9112 §6.3). 1xx interim
 * responses other than 101 are skipped, as nginx does. Body bytes are handed
 * on decoded (chunk framing removed), without copying where possible.
 *
 * Kept small and allocation-light because every proxied response goes through
 * it; Node's own parser is not reachable for a socket it did not create.
 */

/** A parsed response head. Header names keep their case; values are trimmed. */
export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  /**
   * The status line the client gets: `HTTP/1.1 ` and the upstream's status
   * code and text exactly as sent (`418 I'm a teapot`, `200` without a
   * phrase). nginx copies the upstream's status line (`u->headers_in.status_line`
   * → `r->headers_out.status_line`) instead of writing its own.
   */
  readonly statusLine: string;
  readonly httpVersion: '1.0' | '1.1';
  /** `[name, value]` pairs in the order received. */
  readonly headers: readonly (readonly [string, string])[];
  /** Body length from Content-Length, when the body is length-delimited. */
  readonly contentLength: number | undefined;
  readonly chunked: boolean;
  /** The server asked to close (`Connection: close`, or HTTP/1.0 without keep-alive). */
  readonly close: boolean;
  /** Bytes of the head, for logs. */
  readonly headBytes: number;
}

export interface ResponseParserEvents {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /**
   * The message ended. `leftover` holds bytes that followed it: the upgraded
   * protocol after a 101, otherwise a protocol error upstream.
   */
  onEnd(leftover: Buffer): void;
  onError(message: string): void;
}

/** Longest accepted response head (nginx fails with "upstream sent too big header"). */
export const MAX_RESPONSE_HEAD = 64 * 1024;

const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

type State = 'head' | 'fixed' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'eof' | 'done';

function parseHead(text: string): ResponseHead | string {
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(first);
  if (!m) return 'upstream sent no valid HTTP/1.0 header';
  const headers: [string, string][] = [];
  let contentLength: number | undefined;
  let chunked = false;
  let connection = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'upstream sent invalid header';
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    headers.push([name, value]);
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!/^\d+$/.test(value) || (contentLength !== undefined && contentLength !== Number(value)))
        return 'upstream sent invalid "Content-Length" header';
      contentLength = Number(value);
    } else if (lower === 'transfer-encoding') {
      chunked = value.toLowerCase().split(',').pop()?.trim() === 'chunked';
    } else if (lower === 'connection') {
      connection = value.toLowerCase();
    }
  }
  const v11 = m[1] === '1';
  return {
    status: Number(m[2]),
    reason: m[3] ?? '',
    // After `HTTP/1.x `: the code and whatever followed it, trailing spaces included.
    statusLine: `HTTP/1.1 ${first.slice(9)}`,
    httpVersion: v11 ? '1.1' : '1.0',
    headers,
    contentLength: chunked ? undefined : contentLength,
    chunked,
    close: connection.includes('close') || (!v11 && !connection.includes('keep-alive')),
    headBytes: text.length + 4,
  };
}

/** Parses one response at a time from a connection's bytes. */
export class ResponseParser {
  readonly #events: ResponseParserEvents;
  #state: State = 'done';
  #buffer: Buffer | undefined;
  #remaining = 0;
  #noBody = false;
  /**
   * The last head's bytes and what they parsed to. A pod answers the same
   * head over and over (only its `Date` changes, once a second), so a byte
   * comparison usually replaces the parse; heads are immutable, so sharing
   * one is safe.
   */
  #lastBytes: Buffer | undefined;
  #lastHead: ResponseHead | undefined;

  constructor(events: ResponseParserEvents) {
    this.#events = events;
  }

  /** Starts expecting a response; `noBody` for HEAD requests. */
  expect(noBody: boolean): void {
    this.#state = 'head';
    this.#noBody = noBody;
    this.#buffer = undefined;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /** Whether the body runs until the connection closes. */
  get untilEof(): boolean {
    return this.#state === 'eof';
  }

  /** Feeds bytes; returns false after an error. */
  feed(chunk: Buffer): boolean {
    let data = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
    this.#buffer = undefined;
    while (data.length > 0) {
      const rest = this.#step(data);
      if (rest === undefined) return false;
      if (rest === data) {
        this.#buffer = data;
        return true;
      }
      data = rest;
    }
    return true;
  }

  /** The connection ended: completes an EOF-delimited body, or reports truncation. */
  end(): void {
    if (this.#state === 'eof') {
      this.#finish(EMPTY);
    } else if (this.#state !== 'done') {
      this.#state = 'done';
      this.#events.onError('upstream prematurely closed connection while reading upstream');
    }
  }

  #fail(message: string): undefined {
    this.#state = 'done';
    this.#events.onError(message);
    return undefined;
  }

  #finish(rest: Buffer): Buffer {
    this.#state = 'done';
    this.#events.onEnd(rest);
    return EMPTY;
  }

  /** Consumes from `data`; returns the unconsumed rest (same object: need more bytes). */
  #step(data: Buffer): Buffer | undefined {
    switch (this.#state) {
      case 'head':
        return this.#stepHead(data);
      case 'fixed': {
        const n = Math.min(this.#remaining, data.length);
        this.#events.onBody(n === data.length ? data : data.subarray(0, n));
        this.#remaining -= n;
        const rest = n === data.length ? EMPTY : data.subarray(n);
        return this.#remaining === 0 ? this.#finish(rest) : rest;
      }
      case 'eof':
        this.#events.onBody(data);
        return EMPTY;
      case 'chunk-size':
        return this.#stepChunkSize(data);
      case 'chunk-data': {
        const n = Math.min(this.#remaining, data.length);
        this.#events.onBody(n === data.length ? data : data.subarray(0, n));
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'chunk-crlf';
        return data.subarray(n);
      }
      case 'chunk-crlf':
        if (data.length < 2) return data;
        if (data[0] !== 13 || data[1] !== 10) return this.#fail('upstream sent invalid chunked response');
        this.#state = 'chunk-size';
        return data.subarray(2);
      case 'trailers': {
        const end = data.indexOf('\r\n');
        if (end < 0) return data;
        if (end === 0) return this.#finish(data.subarray(2));
        return data.subarray(end + 2);
      }
      case 'done':
        // The caller feeds only while a response is expected.
        return EMPTY;
      default:
        return this.#fail('parser state');
    }
  }

  #stepHead(data: Buffer): Buffer | undefined {
    let end = this.#repeatedHead(data);
    let head: ResponseHead | string;
    if (end >= 0) head = this.#lastHead as ResponseHead;
    else {
      end = data.indexOf(HEAD_END);
      if (end < 0) return data.length > MAX_RESPONSE_HEAD ? this.#fail('upstream sent too big header') : data;
      head = this.#parse(data, end);
    }
    if (typeof head === 'string') return this.#fail(head);
    const rest = data.subarray(end + 4);
    if (head.status >= 100 && head.status < 200 && head.status !== 101) return rest;
    this.#events.onHead(head);
    if (this.#noBody || head.status === 204 || head.status === 304 || head.status === 101)
      return this.#finish(rest);
    if (head.chunked) this.#state = 'chunk-size';
    else if (head.contentLength !== undefined) {
      if (head.contentLength === 0) return this.#finish(rest);
      this.#state = 'fixed';
      this.#remaining = head.contentLength;
    } else this.#state = 'eof';
    return rest;
  }

  /**
   * The length of the last head when `data` starts with it and its blank line
   * (then that is where the head ends: the last head holds no blank line and
   * none can straddle its end, or it would have ended earlier), else -1.
   * Saves the search for the blank line while a pod repeats its head.
   */
  #repeatedHead(data: Buffer): number {
    const last = this.#lastBytes;
    if (last === undefined) return -1;
    const n = last.length;
    if (
      data.length < n + 4 ||
      data[n] !== 13 ||
      data[n + 1] !== 10 ||
      data[n + 2] !== 13 ||
      data[n + 3] !== 10
    )
      return -1;
    return data.compare(last, 0, n, 0, n) === 0 ? n : -1;
  }

  /** Parses a head that is not the last one (`#repeatedHead` found that) and remembers it. */
  #parse(data: Buffer, end: number): ResponseHead | string {
    const head = parseHead(data.toString('latin1', 0, end));
    if (typeof head !== 'string') {
      this.#lastBytes = Buffer.from(data.subarray(0, end));
      this.#lastHead = head;
    }
    return head;
  }

  #stepChunkSize(data: Buffer): Buffer | undefined {
    const end = data.indexOf('\r\n');
    if (end < 0) return data.length > 1024 ? this.#fail('upstream sent invalid chunked response') : data;
    const line = data.toString('latin1', 0, end);
    const size = Number.parseInt(line.split(';')[0]?.trim() ?? '', 16);
    if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line)) {
      return this.#fail('upstream sent invalid chunked response');
    }
    this.#state = size === 0 ? 'trailers' : 'chunk-data';
    this.#remaining = size;
    return data.subarray(end + 2);
  }
}
