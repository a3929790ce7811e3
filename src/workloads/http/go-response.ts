/**
 * Go's `http.ResponseWriter` as the real server writes it on the wire
 * (net/http `chunkWriter.writeHeader`): handler headers sorted by key, then
 * `Date`, `Content-Length`, sniffed `Content-Type`, `Connection`,
 * `Transfer-Encoding`; bodies up to 2048 bytes get a Content-Length, longer ones
 * go out chunked in 2048-byte flushes (HTTP/1.0: close-delimited).
 */
import type { ServerResponse } from 'node:http';
import { httpDate } from '../go/format.js';
import type { GoHeader, GoRequest } from './go-request.js';
import { writeExactHead } from './host.js';
import { detectContentType } from './sniff.js';
import { bodyAllowedForStatus, goStatusLine } from './status-text.js';

/** Go's `bufferBeforeChunkingSize`. */
const BUFFER_SIZE = 2048;

/**
 * One response of a simulated Go handler. Call `set`/`add`, `writeHeader`,
 * `write`, then `finish()` exactly once when the handler returns.
 */
export class GoResponseWriter {
  readonly header: GoHeader = new Map();
  #status = 0;
  #buffer: Buffer[] = [];
  #buffered = 0;
  #headSent = false;
  #finished = false;
  #written = 0;
  #lastWrite = 0;
  readonly #req: GoRequest;
  readonly #res: ServerResponse;
  readonly #now: () => number;

  constructor(req: GoRequest, res: ServerResponse, now: () => number) {
    this.#req = req;
    this.#res = res;
    this.#now = now;
  }

  /** `w.Header().Set`. */
  set(key: string, value: string): void {
    this.header.set(key, [value]);
  }

  /** `w.Header().Add`. */
  add(key: string, value: string): void {
    this.header.set(key, [...(this.header.get(key) ?? []), value]);
  }

  /** `w.WriteHeader`: the first call wins. */
  writeHeader(code: number): void {
    if (this.#status === 0) this.#status = code;
  }

  /** Status sent (200 if the handler wrote without `WriteHeader`, 0 if nothing yet). */
  get status(): number {
    return this.#status;
  }

  /** Body bytes accepted so far, and the size of the last `Write` (http-echo logs it). */
  get bytesWritten(): number {
    return this.#written;
  }

  get lastWriteLength(): number {
    return this.#lastWrite;
  }

  /** `w.Write` / `fmt.Fprint(w, …)`. */
  write(data: string | Buffer): void {
    if (this.#finished) return;
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.#status === 0) this.#status = 200;
    this.#lastWrite = chunk.length;
    if (!bodyAllowedForStatus(this.#status)) return;
    this.#written += chunk.length;
    let rest = chunk;
    while (rest.length > BUFFER_SIZE - this.#buffered) {
      if (this.#buffered === 0) {
        this.#flushHead(false);
        this.#res.write(rest);
        return;
      }
      const n = BUFFER_SIZE - this.#buffered;
      this.#buffer.push(rest.subarray(0, n));
      this.#buffered += n;
      rest = rest.subarray(n);
      this.#flush();
    }
    if (rest.length > 0) {
      this.#buffer.push(rest);
      this.#buffered += rest.length;
    }
  }

  /** `Flush`: sends the head now (chunked when no length is set) and any buffered body. */
  flush(): void {
    if (this.#status === 0) this.#status = 200;
    this.#flushHead(false);
    this.#flush();
  }

  /** Whether Node can take more data now (for streamed bodies). */
  get writable(): boolean {
    return !this.#res.writableNeedDrain;
  }

  /** Resolves when the connection drains (backpressure for streamed bodies). */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#res.writableNeedDrain) resolve();
      else this.#res.once('drain', () => resolve());
    });
  }

  /** The handler returned: send what remains. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    if (this.#status === 0) this.#status = 200;
    if (!this.#headSent) {
      const body = this.#joinedBuffer();
      this.#buffer = [];
      this.#buffered = 0;
      this.#finished = true;
      this.#flushHead(true, body);
      this.#res.end(body);
      return;
    }
    this.#finished = true;
    this.#flush();
    this.#res.end();
  }

  #flush(): void {
    if (this.#buffered === 0) return;
    this.#flushHead(false);
    const chunk = this.#joinedBuffer();
    this.#buffer = [];
    this.#buffered = 0;
    this.#res.write(chunk);
  }

  /** The buffered body as one buffer (the one chunk itself when there is one: no copy). */
  #joinedBuffer(): Buffer {
    const b = this.#buffer;
    return b.length === 1 ? (b[0] as Buffer) : Buffer.concat(b);
  }

  #flushHead(handlerDone: boolean, body?: Buffer): void {
    if (this.#headSent) return;
    this.#headSent = true;
    const { head, contentLength, close } = this.#buildHead(handlerDone, body ?? this.#joinedBuffer());
    writeExactHead(this.#res, this.#status, head, { contentLength, close });
  }

  #buildHead(
    handlerDone: boolean,
    p: Buffer,
  ): { head: string; contentLength: number | undefined; close: boolean } {
    const req = this.#req;
    const code = this.#status;
    // The handler's headers are read, never changed: the ones the server drops are
    // skipped when the lines are written (no copy of the map per response).
    const header = this.header;
    let dropConnection = false;
    const isHead = req.method === 'HEAD';
    const bodyAllowed = bodyAllowedForStatus(code);
    const explicitCL = header.get('Content-Length')?.[0];
    let contentLength: number | undefined = explicitCL === undefined ? undefined : Number(explicitCL);
    let setCL: number | undefined;
    if (handlerDone && bodyAllowed && contentLength === undefined && (!isHead || p.length > 0)) {
      setCL = p.length;
      contentLength = p.length;
    }
    let connection = '';
    let close = false;
    if (req.http10KeepAlive && (isHead || contentLength !== undefined || !bodyAllowed)) {
      if (!header.has('Connection')) connection = 'keep-alive';
    } else if (!req.http11 || req.close) close = true;
    if (header.get('Connection')?.[0] === 'close') close = true;
    let contentType = '';
    if (!bodyAllowed) contentLength = undefined;
    else if (!header.has('Content-Type') && !header.get('Content-Encoding')?.[0] && p.length > 0)
      contentType = detectContentType(p);
    // The handler's framing headers the server drops: all of them without a body, Content-Type on 304.
    const dropContentType = !bodyAllowed && code === 304;
    const dropContentLength = !bodyAllowed;
    const dropTransferEncoding = isHead || !bodyAllowed || contentLength !== undefined;
    let transferEncoding = '';
    if (!dropTransferEncoding) {
      if (req.http11) transferEncoding = 'chunked';
      else close = true;
    }
    if (close && !(header.get('Connection') ?? []).some((v) => v.toLowerCase().includes('close'))) {
      dropConnection = true;
      if (req.http11) connection = 'close';
    }
    let head = goStatusLine(code, req.http11);
    const keys = header.size === 1 ? header.keys() : [...header.keys()].sort();
    for (const key of keys) {
      if (
        (dropContentType && key === 'Content-Type') ||
        (dropContentLength && key === 'Content-Length') ||
        (dropTransferEncoding && key === 'Transfer-Encoding') ||
        (dropConnection && key === 'Connection')
      )
        continue;
      for (const v of header.get(key) ?? []) head += `\r\n${key}: ${headerValue(v)}`;
    }
    if (!header.has('Date')) head += `\r\nDate: ${httpDate(this.#now())}`;
    if (setCL !== undefined) head += `\r\nContent-Length: ${setCL}`;
    if (contentType) head += `\r\nContent-Type: ${contentType}`;
    if (connection) head += `\r\nConnection: ${connection}`;
    if (transferEncoding) head += `\r\nTransfer-Encoding: ${transferEncoding}`;
    return { head, contentLength: isHead ? undefined : contentLength, close };
  }
}

/** A header value as Go writes it: line breaks become spaces, surrounding space trimmed. */
function headerValue(v: string): string {
  return (v.includes('\r') || v.includes('\n') ? v.replace(/[\r\n]+/g, ' ') : v).trim();
}

/** `http.Error(w, text, code)`: plain text, nosniff, trailing newline. */
export function goError(w: GoResponseWriter, text: string, code: number): void {
  w.header.delete('Content-Length');
  w.set('Content-Type', 'text/plain; charset=utf-8');
  w.set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(code);
  w.write(`${text}\n`);
}

export { goBadRequest, goMuxRedirectTarget, goRedirect } from './go-redirect.js';
export { detectContentType } from './sniff.js';
