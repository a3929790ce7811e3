/**
 * The server side of a SPDY/3.1 session, the subset `kubectl port-forward`
 * speaks (client-go's `httpstream/spdy` over moby/spdystream): streams opened
 * by the client with SYN_STREAM, answered with SYN_REPLY, DATA in both
 * directions with FIN for a half-close, RST_STREAM, PING and GOAWAY.
 * SETTINGS, HEADERS and WINDOW_UPDATE are read and ignored: spdystream does
 * no flow control, and neither side sends headers after the reply.
 *
 * Header blocks are zlib streams with the SPDY/3 dictionary, one stream per
 * direction for the whole session. The client's are inflated in order by one
 * `Inflate` (its window carries over from block to block); ours are written as
 * stored (uncompressed) deflate blocks of one zlib stream, which any inflater
 * reads and which needs no compressor state.
 */
import type { Duplex } from 'node:stream';
import { constants, createInflate, type Inflate } from 'node:zlib';

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
const CONTROL = 0x8000;
/** Larger frames are refused: a port-forward session's frames are at most spdystream's 32 KiB reads. */
const MAX_FRAME = 1 << 24;

/** RST_STREAM status codes. */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  cancel: 5,
  internalError: 6,
} as const;

/** The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1). */
export const SPDY_DICTIONARY: Buffer = (() => {
  // Each word goes in with its length as a 4-byte prefix; then the tail as it is.
  const words = (
    'options|head|post|put|delete|trace|accept|accept-charset|accept-encoding|' +
    'accept-language|accept-ranges|age|allow|authorization|cache-control|connection|' +
    'content-base|content-encoding|content-language|content-length|content-location|' +
    'content-md5|content-range|content-type|date|etag|expect|expires|from|host|if-match|' +
    'if-modified-since|if-none-match|if-range|if-unmodified-since|last-modified|location|' +
    'max-forwards|pragma|proxy-authenticate|proxy-authorization|range|referer|retry-after|' +
    'server|te|trailer|transfer-encoding|upgrade|user-agent|vary|via|warning|' +
    'www-authenticate|method|get|status|200 OK|version|HTTP/1.1|url|public|set-cookie|' +
    'keep-alive|origin'
  ).split('|');
  const tail =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
    '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
    'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts: Buffer[] = [];
  for (const w of words) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, 'latin1'));
  }
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
})();

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A header block: name/value pairs, names lower case, several values joined by NUL. */
export type SpdyHeaders = ReadonlyMap<string, string>;

/** `pairs` as a SPDY/3 name/value block (before compression). */
export function encodeHeaderBlock(pairs: readonly (readonly [string, string])[]): Buffer {
  const parts: Buffer[] = [u32(pairs.length)];
  for (const [name, value] of pairs) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** A SPDY/3 name/value block (after decompression); throws on a malformed one. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  const take = (what: string): Buffer => {
    if (at + 4 > block.length) throw new Error(`header block ends inside the length of ${what}`);
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new Error(`header block ends inside ${what}`);
    const out = block.subarray(at, at + len);
    at += len;
    return out;
  };
  if (block.length < 4) throw new Error('header block has no pair count');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take('a header name').toString('utf8');
    const value = take(`the value of ${JSON.stringify(name)}`).toString('utf8');
    out.set(name, value);
  }
  return out;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * Our side's header compression: a zlib stream with the SPDY dictionary whose
 * blocks are stored (uncompressed), each header block followed by an empty
 * stored block as zlib's sync flush writes it. Go's inflater (the client's)
 * needs that marker: after a stored block with data it reads on to the next
 * block header before returning the bytes, and at the end of the frame that
 * read fails for good.
 */
class StoredZlibWriter {
  #started = false;

  block(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.#started) {
      this.#started = true;
      // CMF 0x78 (deflate, 32 KiB window), FLG with FDICT; then the dictionary's Adler-32.
      parts.push(Buffer.from([0x78, 0xbb]), u32(adler32(SPDY_DICTIONARY)));
    }
    for (let at = 0; at < data.length; at += 0xffff) parts.push(storedBlock(data.subarray(at, at + 0xffff)));
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** A non-final stored deflate block: BFINAL 0, BTYPE 00, LEN, NLEN, the bytes. */
function storedBlock(chunk: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(chunk.length, 1);
  head.writeUInt16LE(~chunk.length & 0xffff, 3);
  return Buffer.concat([head, chunk]);
}

/** The client's header blocks, inflated in order through one zlib context. */
class HeaderInflater {
  readonly #inflate: Inflate;
  readonly #out: Buffer[] = [];
  #failed: Error | undefined;

  constructor() {
    this.#inflate = createInflate({ dictionary: SPDY_DICTIONARY });
    this.#inflate.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#inflate.on('error', (err: Error) => {
      this.#failed = err;
    });
  }

  /** The decompressed bytes of one header block. */
  inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failed) {
        reject(this.#failed);
        return;
      }
      this.#inflate.write(block);
      this.#inflate.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.#failed) {
          reject(this.#failed);
          return;
        }
        resolve(Buffer.concat(this.#out.splice(0)));
      });
    });
  }

  close(): void {
    this.#inflate.destroy();
  }
}

/** One stream of a session, opened by the client. */
export interface SpdyStream {
  readonly id: number;
  readonly headers: SpdyHeaders;
  /** Data from the client; `end` when it half-closed (FIN), `reset` when it reset the stream. */
  onData(handler: (data: Buffer) => void): void;
  onEnd(handler: () => void): void;
  onReset(handler: () => void): void;
  /** Sends data to the client; returns false when the session's socket is buffering. */
  write(data: Buffer): boolean;
  /** Half-closes our side (DATA with FIN). */
  end(): void;
  reset(status: number): void;
  /** Both sides have finished (or the stream was reset). */
  readonly closed: boolean;
}

class Stream implements SpdyStream {
  readonly id: number;
  readonly headers: SpdyHeaders;
  readonly #session: SpdySession;
  #data: ((data: Buffer) => void) | undefined;
  #end: (() => void) | undefined;
  #reset: (() => void) | undefined;
  #pending: Buffer[] = [];
  remoteEnded = false;
  localEnded = false;
  wasReset = false;

  constructor(session: SpdySession, id: number, headers: SpdyHeaders, remoteEnded: boolean) {
    this.#session = session;
    this.id = id;
    this.headers = headers;
    this.remoteEnded = remoteEnded;
  }

  get closed(): boolean {
    return this.wasReset || (this.remoteEnded && this.localEnded);
  }

  onData(handler: (data: Buffer) => void): void {
    this.#data = handler;
    for (const d of this.#pending.splice(0)) handler(d);
  }

  onEnd(handler: () => void): void {
    this.#end = handler;
    if (this.remoteEnded && !this.wasReset) handler();
  }

  onReset(handler: () => void): void {
    this.#reset = handler;
    if (this.wasReset) handler();
  }

  write(data: Buffer): boolean {
    if (this.localEnded || this.wasReset) return true;
    return this.#session.sendData(this.id, data, false);
  }

  end(): void {
    if (this.localEnded || this.wasReset) return;
    this.localEnded = true;
    this.#session.sendData(this.id, Buffer.alloc(0), true);
    this.#session.forgetIfClosed(this);
  }

  reset(status: number): void {
    if (this.wasReset) return;
    this.#session.sendReset(this.id, status);
    this.remoteReset();
  }

  received(data: Buffer): void {
    if (this.remoteEnded || this.wasReset) return;
    if (this.#data) this.#data(data);
    else this.#pending.push(data);
  }

  remoteFin(): void {
    if (this.remoteEnded || this.wasReset) return;
    this.remoteEnded = true;
    this.#end?.();
    this.#session.forgetIfClosed(this);
  }

  remoteReset(): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.#reset?.();
    this.#session.forgetIfClosed(this);
  }
}

/**
 * A SPDY/3.1 server session over an upgraded socket. `onStream` is called for
 * each stream the client opens, after its SYN_REPLY has been queued. The
 * session ends when the socket closes or the client sends GOAWAY; `onClose`
 * runs once then, after every open stream has been reset locally.
 */
export class SpdySession {
  readonly #socket: Duplex;
  readonly #onStream: (stream: SpdyStream) => void;
  readonly #inflater = new HeaderInflater();
  readonly #deflater = new StoredZlibWriter();
  readonly #streams = new Map<number, Stream>();
  #buffer: Buffer = Buffer.alloc(0);
  /** Frames are handled one at a time: header blocks inflate asynchronously, in order. */
  #work: Promise<void> = Promise.resolve();
  #lastClientStream = 0;
  #closed = false;
  #onClose: (() => void) | undefined;

  constructor(socket: Duplex, onStream: (stream: SpdyStream) => void) {
    this.#socket = socket;
    this.#onStream = onStream;
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
    socket.on('end', () => this.close());
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
  }

  onClose(handler: () => void): void {
    this.#onClose = handler;
  }

  /** How many streams are open. */
  get openStreams(): number {
    return this.#streams.size;
  }

  sendData(id: number, data: Buffer, fin: boolean): boolean {
    if (this.#closed) return true;
    let ok = true;
    let at = 0;
    // At least one frame (an empty one carries a bare FIN); FIN on the last.
    do {
      const chunk = data.subarray(at, at + MAX_FRAME - 1);
      at += chunk.length;
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt32BE((((fin && at >= data.length ? FLAG_FIN : 0) << 24) | chunk.length) >>> 0, 4);
      ok = this.#socket.write(chunk.length ? Buffer.concat([head, chunk]) : head);
    } while (at < data.length);
    return ok;
  }

  sendReset(id: number, status: number): void {
    this.#control(RST_STREAM, 0, Buffer.concat([u32(id & 0x7fffffff), u32(status)]));
  }

  forgetIfClosed(stream: Stream): void {
    if (stream.closed) this.#streams.delete(stream.id);
  }

  /** Ends the session: GOAWAY to the client (unless it is gone), every stream reset locally. */
  close(): void {
    if (this.#closed) return;
    if (this.#socket.writable) this.#control(GOAWAY, 0, Buffer.concat([u32(this.#lastClientStream), u32(0)]));
    this.#closed = true;
    for (const s of [...this.#streams.values()]) s.remoteReset();
    this.#streams.clear();
    this.#inflater.close();
    this.#socket.end();
    this.#onClose?.();
  }

  #control(type: number, flags: number, payload: Buffer): void {
    if (this.#closed || !this.#socket.writable) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(CONTROL | VERSION, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
    this.#socket.write(Buffer.concat([head, payload]));
  }

  #received(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    while (this.#buffer.length >= 8) {
      const length = this.#buffer.readUInt32BE(4) & 0xffffff;
      if (this.#buffer.length < 8 + length) break;
      const frame = this.#buffer.subarray(0, 8 + length);
      this.#buffer = this.#buffer.subarray(8 + length);
      this.#work = this.#work.then(() => this.#frame(frame)).catch(() => this.close());
    }
  }

  async #frame(frame: Buffer): Promise<void> {
    if (this.#closed) return;
    const flags = frame[4] ?? 0;
    const payload = frame.subarray(8);
    if ((frame.readUInt16BE(0) & CONTROL) === 0) {
      const stream = this.#streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return; // data for a stream already gone: dropped, as spdystream does
      if (payload.length) stream.received(Buffer.from(payload));
      if (flags & FLAG_FIN) stream.remoteFin();
      return;
    }
    if ((frame.readUInt16BE(0) & 0x7fff) !== VERSION) throw new Error('unsupported SPDY version');
    switch (frame.readUInt16BE(2)) {
      case SYN_STREAM:
        await this.#synStream(flags, payload);
        return;
      case RST_STREAM:
        this.#streams.get(payload.readUInt32BE(0) & 0x7fffffff)?.remoteReset();
        return;
      case PING:
        // Client pings are odd; echo them.
        if (payload.readUInt32BE(0) & 1) this.#control(PING, 0, Buffer.from(payload));
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, HEADERS, WINDOW_UPDATE and anything newer: nothing to do.
        return;
    }
  }

  async #synStream(flags: number, payload: Buffer): Promise<void> {
    if (payload.length < 10) throw new Error('short SYN_STREAM');
    const id = payload.readUInt32BE(0) & 0x7fffffff;
    // Header blocks share one zlib context, so every block is inflated, even a refused stream's.
    const headers = decodeHeaderBlock(await this.#inflater.inflate(payload.subarray(10)));
    if (id === 0 || id % 2 === 0 || id <= this.#lastClientStream) {
      this.sendReset(id, RstStatus.protocolError);
      return;
    }
    this.#lastClientStream = id;
    const stream = new Stream(this, id, headers, (flags & FLAG_FIN) !== 0);
    this.#streams.set(id, stream);
    this.#control(SYN_REPLY, 0, Buffer.concat([u32(id), this.#deflater.block(encodeHeaderBlock([]))]));
    this.#onStream(stream);
  }
}
