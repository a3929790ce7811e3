import type { Duplex } from 'node:stream';
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { natSocketPair } from '../../dataplane/mem-socket.js';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  RstStatus,
  SPDY_DICTIONARY,
  SpdySession,
  type SpdyStream,
} from './spdy.js';

interface Frame {
  readonly control: boolean;
  readonly type: number;
  readonly streamId: number;
  readonly flags: number;
  readonly payload: Buffer;
}

/** A SPDY client as spdystream frames it: one deflate context with the dictionary for its header blocks. */
class Client {
  readonly socket: Duplex;
  readonly frames: Frame[] = [];
  readonly #deflate = createDeflate({ dictionary: SPDY_DICTIONARY });
  readonly #inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];

  constructor(socket: Duplex) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (
        this.#buffer.length >= 8 &&
        this.#buffer.length >= 8 + (this.#buffer.readUInt32BE(4) & 0xffffff)
      ) {
        const len = this.#buffer.readUInt32BE(4) & 0xffffff;
        const f = this.#buffer.subarray(0, 8 + len);
        this.#buffer = this.#buffer.subarray(8 + len);
        const control = (f[0] ?? 0) >= 0x80;
        this.frames.push({
          control,
          type: control ? f.readUInt16BE(2) : 0,
          streamId: control ? 0 : f.readUInt32BE(0) & 0x7fffffff,
          flags: f[4] ?? 0,
          payload: Buffer.from(f.subarray(8)),
        });
      }
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  async until(predicate: (frames: Frame[]) => boolean): Promise<void> {
    while (!predicate(this.frames)) await new Promise<void>((r) => this.#waiters.push(r));
  }

  async synStream(id: number, headers: Array<[string, string]>, flags = 0): Promise<void> {
    const block = await this.#zlib(this.#deflate, encodeHeaderBlock(headers));
    const payload = Buffer.concat([u32(id), u32(0), Buffer.from([0, 0]), block]);
    this.control(1, flags, payload);
  }

  /** The header block of a SYN_REPLY, through the client's inflate context. */
  replyHeaders(frame: Frame): Promise<Map<string, string>> {
    return this.#zlib(this.#inflate, frame.payload.subarray(4)).then(decodeHeaderBlock);
  }

  control(type: number, flags: number, payload: Buffer): void {
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8003, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
    this.socket.write(Buffer.concat([head, payload]));
  }

  data(id: number, data: string, fin = false): void {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id, 0);
    head.writeUInt32BE((((fin ? 1 : 0) << 24) | Buffer.byteLength(data)) >>> 0, 4);
    this.socket.write(Buffer.concat([head, Buffer.from(data)]));
  }

  #zlib(stream: Deflate | Inflate, input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const onData = (c: Buffer) => out.push(c);
      stream.on('data', onData);
      stream.once('error', reject);
      stream.write(input);
      stream.flush(constants.Z_SYNC_FLUSH, () => {
        stream.off('data', onData);
        resolve(Buffer.concat(out));
      });
    });
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function session(): { client: Client; streams: SpdyStream[]; closed: () => boolean } {
  const ends = { src: { ip: '127.0.0.1', port: 1 }, dst: { ip: '127.0.0.1', port: 2 } };
  const { client, server } = natSocketPair(ends, ends);
  const streams: SpdyStream[] = [];
  let closed = false;
  const s = new SpdySession(server, (stream) => streams.push(stream));
  s.onClose(() => {
    closed = true;
  });
  return { client: new Client(client), streams, closed: () => closed };
}

describe('SPDY/3 header blocks', () => {
  it('uses the draft-3 dictionary: 1423 bytes, Adler-32 0xe3c6a7c2', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from('\0\0\0\x07options', 'latin1'));
    expect(SPDY_DICTIONARY.subarray(-6).toString()).toBe('enq=0.');
  });

  it('encodes and decodes name/value pairs, and names what a truncated block lacks', () => {
    const block = encodeHeaderBlock([
      ['streamtype', 'data'],
      ['port', '80'],
    ]);
    expect(decodeHeaderBlock(block)).toEqual(
      new Map([
        ['streamtype', 'data'],
        ['port', '80'],
      ]),
    );
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow(
      'header block ends inside the value of "port"',
    );
    expect(() => decodeHeaderBlock(Buffer.alloc(2))).toThrow('header block has no pair count');
  });
});

describe('SpdySession', () => {
  it('replies to each SYN_STREAM with header blocks a zlib client inflates in one context', async () => {
    const { client, streams } = session();
    await client.synStream(1, [
      ['streamtype', 'error'],
      ['port', '80'],
      ['requestid', '0'],
    ]);
    await client.synStream(3, [
      ['streamtype', 'data'],
      ['port', '80'],
      ['requestid', '0'],
    ]);
    await client.until((f) => f.filter((x) => x.type === 2).length === 2);
    const replies = client.frames.filter((f) => f.type === 2);
    expect(replies.map((r) => r.payload.readUInt32BE(0))).toEqual([1, 3]);
    for (const r of replies) expect(await client.replyHeaders(r)).toEqual(new Map());
    expect(streams.map((s) => [s.id, Object.fromEntries(s.headers)])).toEqual([
      [1, { streamtype: 'error', port: '80', requestid: '0' }],
      [3, { streamtype: 'data', port: '80', requestid: '0' }],
    ]);
  });

  it('carries data both ways with FIN as a half-close, and forgets a stream closed on both sides', async () => {
    const { client, streams } = session();
    await client.synStream(1, [['port', '80']]);
    await client.until(() => streams.length === 1);
    const stream = streams[0] as SpdyStream;
    const got: string[] = [];
    let ended = false;
    stream.onData((d) => got.push(d.toString()));
    stream.onEnd(() => {
      ended = true;
    });
    client.data(1, 'ping ');
    client.data(1, 'pong', true);
    stream.write(Buffer.from('answer'));
    stream.end();
    await client.until((f) => f.some((x) => !x.control && x.flags === 1));
    await new Promise((r) => setImmediate(r));
    expect(got.join('')).toBe('ping pong');
    expect(ended).toBe(true);
    expect(stream.closed).toBe(true);
    const data = client.frames.filter((f) => !f.control);
    expect(data.map((f) => [f.streamId, f.flags, f.payload.toString()])).toEqual([
      [1, 0, 'answer'],
      [1, 1, ''],
    ]);
  });

  it('echoes client PINGs, resets streams the client resets, and refuses an even stream id', async () => {
    const { client, streams } = session();
    await client.synStream(1, [['port', '80']]);
    await client.until(() => streams.length === 1);
    let reset = false;
    streams[0]?.onReset(() => {
      reset = true;
    });
    client.control(6, 0, u32(7));
    client.control(6, 0, u32(8));
    client.control(3, 0, Buffer.concat([u32(1), u32(RstStatus.cancel)]));
    await client.synStream(4, [['port', '80']]);
    await client.until((f) => f.some((x) => x.type === 3));
    const pings = client.frames.filter((f) => f.type === 6).map((f) => f.payload.readUInt32BE(0));
    expect(pings).toEqual([7]);
    expect(reset).toBe(true);
    const rst = client.frames.find((f) => f.type === 3);
    expect([rst?.payload.readUInt32BE(0), rst?.payload.readUInt32BE(4)]).toEqual([
      4,
      RstStatus.protocolError,
    ]);
    expect(streams).toHaveLength(1);
  });

  it('ends on GOAWAY: open streams are reset locally, and it answers with its own GOAWAY', async () => {
    const { client, streams, closed } = session();
    await client.synStream(1, [['port', '80']]);
    await client.until(() => streams.length === 1);
    let reset = false;
    streams[0]?.onReset(() => {
      reset = true;
    });
    client.control(7, 0, Buffer.concat([u32(0), u32(0)]));
    await client.until((f) => f.some((x) => x.type === 7));
    expect(closed()).toBe(true);
    expect(reset).toBe(true);
    const goaway = client.frames.find((f) => f.type === 7);
    expect(goaway?.payload.readUInt32BE(0)).toBe(1);
  });
});
