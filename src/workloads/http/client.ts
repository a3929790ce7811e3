/**
 * A minimal HTTP/1.x response reader over any connected stream: what in-pod
 * `curl`/`wget`, agnhost's `/dial` and the kubelet's HTTP prober use. Requests
 * are written by the caller byte for byte (each client sends its own header
 * set); this reads one response, with Content-Length, chunked or
 * close-delimited framing, skipping `100 Continue`.
 */
import type { Duplex } from 'node:stream';
import type { Clock } from '../../util/clock.js';

export interface HttpResponseHead {
  /** `HTTP/1.1` */
  readonly httpVersion: string;
  readonly status: number;
  readonly reason: string;
  /** Header lines in arrival order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Status line and header lines, without the blank line. */
  readonly rawHead: string;
}

export interface HttpResponse extends HttpResponseHead {
  readonly body: Buffer;
  /** Every byte received for this response (head, framing, body). */
  readonly raw: Buffer;
}

/** Why reading failed; `code` mirrors the socket error names clients report. */
export class HttpReadError extends Error {
  /** `ECONNRESET`, `ETIMEDOUT` (no complete head in time), `EMPTY` (closed before any byte), `EPROTO`. */
  readonly code: 'ECONNRESET' | 'ETIMEDOUT' | 'EMPTY' | 'EPROTO';
  /** Bytes received before the failure. */
  readonly received: number;

  constructor(code: HttpReadError['code'], message: string, received: number) {
    super(message);
    this.code = code;
    this.received = received;
  }
}

/** Case-insensitive header lookup (first value). */
export function headerValue(head: HttpResponseHead, name: string): string | undefined {
  const lower = name.toLowerCase();
  return head.headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}

function parseHead(text: string): HttpResponseHead | undefined {
  const lines = text.split(/\r?\n/);
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Array<readonly [string, string]> = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i), line.slice(i + 1).trim()]);
  }
  return { httpVersion: m[1] ?? '', status: Number(m[2]), reason: m[3] ?? '', headers, rawHead: text };
}

/** Position after a complete chunked body starting at `from`, or -1 when incomplete. */
function chunkedEnd(buf: Buffer, from: number, out: Buffer[]): number {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return -1;
    const size = Number.parseInt(buf.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) return -2;
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', eol, 'latin1');
      return end < 0 ? -1 : end + 4;
    }
    const dataStart = eol + 2;
    if (buf.length < dataStart + size + 2) return -1;
    out.push(buf.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

export interface ReadResponseOptions {
  /** The request method (HEAD responses have no body). */
  readonly method: string;
  readonly clock?: Clock;
  /** Fails with ETIMEDOUT when the head has not arrived within this time. */
  readonly headTimeoutMs?: number;
  /** Called once when the head has arrived. */
  readonly onHead?: (head: HttpResponseHead) => void;
}

/** Reads one response from `socket`. Leaves the socket open (the caller ends it). */
export function readHttpResponse(socket: Duplex, options: ReadResponseOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let head: HttpResponseHead | undefined;
    let bodyStart = 0;
    let done = false;
    const timer =
      options.clock && options.headTimeoutMs !== undefined
        ? options.clock.setTimeout(
            () => fail(new HttpReadError('ETIMEDOUT', 'timeout awaiting response headers', buf.length)),
            options.headTimeoutMs,
          )
        : undefined;
    const cleanup = () => {
      done = true;
      if (timer && options.clock) options.clock.clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    const fail = (err: HttpReadError) => {
      if (done) return;
      cleanup();
      reject(err);
    };
    const finish = (end: number, body: Buffer) => {
      if (done || !head) return;
      cleanup();
      const rest = buf.subarray(end);
      if (rest.length > 0) socket.unshift(rest);
      resolve({ ...head, body, raw: buf.subarray(0, end) });
    };
    const tryComplete = (eof: boolean) => {
      if (!head) {
        const sep = buf.indexOf('\r\n\r\n', 0, 'latin1');
        if (sep < 0) {
          if (eof)
            fail(
              new HttpReadError(
                buf.length === 0 ? 'EMPTY' : 'EPROTO',
                'connection closed before response',
                buf.length,
              ),
            );
          return;
        }
        const parsed = parseHead(buf.subarray(0, sep).toString('latin1'));
        if (!parsed) return fail(new HttpReadError('EPROTO', 'malformed response', buf.length));
        if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
          buf = buf.subarray(sep + 4);
          return tryComplete(eof);
        }
        head = parsed;
        bodyStart = sep + 4;
        if (timer && options.clock) options.clock.clearTimeout(timer);
        options.onHead?.(parsed);
      }
      const noBody =
        options.method === 'HEAD' || head.status === 204 || head.status === 304 || head.status === 101;
      if (noBody) return finish(bodyStart, Buffer.alloc(0));
      const te = headerValue(head, 'Transfer-Encoding');
      if (te?.toLowerCase().includes('chunked')) {
        const parts: Buffer[] = [];
        const end = chunkedEnd(buf, bodyStart, parts);
        if (end === -2) return fail(new HttpReadError('EPROTO', 'invalid chunk size', buf.length));
        if (end >= 0) return finish(end, Buffer.concat(parts));
        if (eof)
          fail(
            new HttpReadError('EPROTO', 'transfer closed with outstanding read data remaining', buf.length),
          );
        return;
      }
      const cl = headerValue(head, 'Content-Length');
      if (cl !== undefined) {
        const n = Number(cl);
        if (buf.length >= bodyStart + n) return finish(bodyStart + n, buf.subarray(bodyStart, bodyStart + n));
        if (eof)
          fail(
            new HttpReadError(
              'EPROTO',
              `transfer closed with ${bodyStart + n - buf.length} bytes remaining to read`,
              buf.length,
            ),
          );
        return;
      }
      if (eof) finish(buf.length, buf.subarray(bodyStart));
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      tryComplete(false);
    };
    const onEnd = () => tryComplete(true);
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
        fail(new HttpReadError('ECONNRESET', 'connection reset by peer', buf.length));
      else tryComplete(true);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    if (socket.readableEnded) tryComplete(true);
  });
}
