import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, isWebSocketUpgrade, ServerWebSocket } from './websocket.js';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

const UPGRADE = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  // RFC 6455 §1.3's example key, whose accept value the RFC gives.
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
  'sec-websocket-protocol': 'v5.channel.k8s.io, v4.channel.k8s.io',
};

/** A masked client frame. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const n = payload.length;
  const header =
    n < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | n])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, n >> 8, n & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i & 3] as number)));
  return Buffer.concat([header, mask, body]);
}

/** Server frames: [opcode, payload] pairs. */
function serverFrames(bytes: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  let at = 0;
  while (at < bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    expect((bytes[at + 1] as number) & 0x80, 'server frames are not masked').toBe(0);
    let n = (bytes[at + 1] as number) & 0x7f;
    let offset = at + 2;
    if (n === 126) {
      n = bytes.readUInt16BE(at + 2);
      offset = at + 4;
    } else if (n === 127) {
      n = Number(bytes.readBigUInt64BE(at + 2));
      offset = at + 10;
    }
    out.push([opcode, bytes.subarray(offset, offset + n)]);
    at = offset + n;
  }
  return out;
}

function accepted(onMessage?: (m: Buffer) => void) {
  const socket = new PassThrough();
  const written: Buffer[] = [];
  const sent = new PassThrough();
  // What the server writes goes to `written`; what the test writes is what the client sent.
  const duplex = Object.assign(socket, {
    write: (chunk: string | Buffer) => {
      written.push(Buffer.from(chunk));
      return true;
    },
    end: (chunk?: string | Buffer) => {
      if (chunk) written.push(Buffer.from(chunk));
      sent.end();
      return socket;
    },
  });
  const ws = ServerWebSocket.accept(request(UPGRADE), duplex, Buffer.alloc(0), 'v5.channel.k8s.io', {
    ...(onMessage ? { onMessage } : {}),
  });
  const head = written.shift()?.toString('latin1') ?? '';
  return { ws, socket, head, frames: () => serverFrames(Buffer.concat(written.splice(0))) };
}

describe('WebSocket handshake', () => {
  it('recognises an upgrade and picks the server-preferred subprotocol the client offers', () => {
    expect(isWebSocketUpgrade(request(UPGRADE))).toBe(true);
    expect(isWebSocketUpgrade(request({ ...UPGRADE, upgrade: 'SPDY/3.1' }))).toBe(false);
    expect(chooseSubprotocol(request(UPGRADE), ['v5.channel.k8s.io', 'v4.channel.k8s.io'])).toBe(
      'v5.channel.k8s.io',
    );
    expect(
      chooseSubprotocol(request({ ...UPGRADE, 'sec-websocket-protocol': 'v4.channel.k8s.io' }), [
        'v5.channel.k8s.io',
        'v4.channel.k8s.io',
      ]),
    ).toBe('v4.channel.k8s.io');
    expect(
      chooseSubprotocol(request({ ...UPGRADE, 'sec-websocket-protocol': 'channel.k8s.io' }), [
        'v5.channel.k8s.io',
      ]),
    ).toBeUndefined();
  });

  it('answers 101 with the accept value of RFC 6455 and the chosen subprotocol', () => {
    const { head } = accepted();
    expect(head).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n',
    );
  });
});

describe('WebSocket frames', () => {
  it('sends binary frames with 7-bit, 16-bit and 64-bit lengths', () => {
    const { ws, frames } = accepted();
    for (const n of [125, 126, 65_535, 65_536]) ws.send(Buffer.alloc(n, 7));
    expect(frames().map(([op, p]) => [op, p.length])).toEqual([
      [2, 125],
      [2, 126],
      [2, 65_535],
      [2, 65_536],
    ]);
  });

  it('unmasks client messages, joins fragments, answers ping and echoes close', () => {
    const got: string[] = [];
    const { ws, socket, frames } = accepted((m) => got.push(m.toString()));
    socket.emit('data', clientFrame(2, Buffer.from('\x00hello')));
    socket.emit(
      'data',
      Buffer.concat([clientFrame(2, Buffer.from('ab'), false), clientFrame(0, Buffer.from('cd'))]),
    );
    const split = clientFrame(9, Buffer.from('ping!'));
    socket.emit('data', split.subarray(0, 3));
    socket.emit('data', split.subarray(3));
    expect(got).toEqual(['\x00hello', 'abcd']);
    expect(frames()).toEqual([[0xa, Buffer.from('ping!')]]);
    socket.emit('data', clientFrame(8, Buffer.from([0x03, 0xe8])));
    expect(ws.closed).toBe(true);
    expect(frames()).toEqual([[8, Buffer.from([0x03, 0xe8])]]);
  });

  it('closes with 1002 on an unmasked client frame and 1009 on an oversized one', () => {
    const a = accepted();
    a.socket.emit('data', Buffer.from([0x82, 0x01, 0x41]));
    expect(a.frames()).toEqual([[8, Buffer.from([0x03, 0xea])]]);
    const b = accepted();
    const huge = Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0x20, 0, 0]);
    b.socket.emit('data', huge);
    expect(b.frames()).toEqual([[8, Buffer.from([0x03, 0xf1])]]);
  });
});
