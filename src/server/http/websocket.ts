/**
 * The server side of a WebSocket (RFC 6455) over an upgraded API server
 * socket, as much as kubectl's stream protocols need: the handshake with a
 * chosen subprotocol, binary messages out (unmasked, unfragmented), client
 * frames in (masked; continuation frames joined; ping answered; close echoed),
 * and a bounded message size. Nothing here knows about Kubernetes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** Close codes used here. */
export const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_TOO_BIG = 1009;

/** How long a close waits for the client's close frame before dropping the connection. */
const CLOSE_WAIT_MS = 2000;

/** Client messages larger than this close the connection (kubectl sends stdin in 32 KiB pieces). */
const MAX_MESSAGE_BYTES = 1 << 20;

/** Whether the request asks for a WebSocket upgrade. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (
    (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    typeof req.headers['sec-websocket-key'] === 'string' &&
    req.headers['sec-websocket-version'] === '13'
  );
}

/** The first of `supported` the client offers in `Sec-WebSocket-Protocol`, in the server's order of preference. */
export function chooseSubprotocol(req: IncomingMessage, supported: readonly string[]): string | undefined {
  const offered = new Set(
    String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  );
  return supported.find((p) => offered.has(p));
}

export interface WebSocketHandlers {
  /** A whole binary or text message from the client. */
  onMessage?(data: Buffer): void;
  /** The connection ended (close frame, error or end of the socket). */
  onClose?(): void;
}

/** An accepted WebSocket: `send` binary messages, `close` with a code. */
export class ServerWebSocket {
  readonly #socket: Duplex;
  readonly #handlers: WebSocketHandlers;
  #pending: Buffer = Buffer.alloc(0);
  /** Payloads of a fragmented message so far. */
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #closed = false;

  private constructor(socket: Duplex, handlers: WebSocketHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => this.#ended());
    socket.on('close', () => this.#ended());
  }

  /**
   * Completes the handshake for `req` (which must be a WebSocket upgrade) with
   * `protocol`; `head` is what the HTTP parser read past the request.
   */
  static accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    protocol: string,
    handlers: WebSocketHandlers,
  ): ServerWebSocket {
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key'] as string}${HANDSHAKE_GUID}`)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
    const ws = new ServerWebSocket(socket, handlers);
    if (head.length > 0) ws.#onData(head);
    return ws;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one binary message. */
  send(payload: Buffer): void {
    if (this.#closed) return;
    this.#socket.write(frame(OP_BINARY, payload));
  }

  /**
   * Starts the closing handshake: sends a close frame, then ends the socket
   * when the client's close frame arrives (RFC 6455 §7.1.1), or after
   * `CLOSE_WAIT_MS` without one. A client still writing when the server
   * ended first would see a reset and report it.
   */
  close(code = CLOSE_NORMAL): void {
    if (this.#closed) return;
    this.#closed = true;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.#socket.write(frame(OP_CLOSE, body));
    const timer = setTimeout(() => this.#socket.destroy(), CLOSE_WAIT_MS);
    timer.unref();
    this.#socket.once('close', () => clearTimeout(timer));
    this.#handlers.onClose?.();
  }

  /** Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the end of the socket. */
  #fail(code: number): void {
    this.close(code);
    this.#socket.end();
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.onClose?.();
  }

  #onData(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const parsed = parseFrame(this.#pending);
      if (parsed === undefined) return;
      if (parsed === 'too-big') {
        this.#fail(CLOSE_TOO_BIG);
        return;
      }
      this.#pending = this.#pending.subarray(parsed.length);
      if (this.#closed) {
        // Closing: only the client's close frame matters now; it completes the handshake.
        if (parsed.opcode === OP_CLOSE) this.#socket.end();
        continue;
      }
      this.#onFrame(parsed.fin, parsed.opcode, parsed.payload, parsed.masked);
    }
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer, masked: boolean): void {
    // RFC 6455 §5.1: a server must close the connection on an unmasked client frame.
    if (!masked) {
      this.#fail(CLOSE_PROTOCOL_ERROR);
      return;
    }
    switch (opcode) {
      case OP_PING:
        this.#socket.write(frame(OP_PONG, payload));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        // The client began closing: answer, and the handshake is complete.
        this.close(CLOSE_NORMAL);
        this.#socket.end();
        return;
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION: {
        if ((opcode === OP_CONTINUATION) === (this.#fragments.length === 0)) {
          this.#fail(CLOSE_PROTOCOL_ERROR);
          return;
        }
        this.#fragmentBytes += payload.length;
        if (this.#fragmentBytes > MAX_MESSAGE_BYTES) {
          this.#fail(CLOSE_TOO_BIG);
          return;
        }
        this.#fragments.push(payload);
        if (!fin) return;
        const message = this.#fragments.length === 1 ? payload : Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.#fragmentBytes = 0;
        this.#handlers.onMessage?.(message);
        return;
      }
      default:
        this.#fail(CLOSE_PROTOCOL_ERROR);
    }
  }
}

interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  readonly payload: Buffer;
  /** Bytes the frame took. */
  readonly length: number;
}

/** One frame at the start of `buf`; undefined when incomplete. */
function parseFrame(buf: Buffer): Frame | 'too-big' | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  const masked = (b1 & 0x80) !== 0;
  let length = b1 & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE_BYTES)) return 'too-big';
    length = Number(big);
    offset = 10;
  }
  if (length > MAX_MESSAGE_BYTES) return 'too-big';
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (masked)
    for (let i = 0; i < payload.length; i++)
      payload[i] = (payload[i] as number) ^ (buf[maskAt + (i & 3)] as number);
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, payload, length: offset + length };
}

/** A server frame: FIN, unmasked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.alloc(2) : n < 0x10000 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (n < 126) header[1] = n;
  else if (n < 0x10000) {
    header[1] = 126;
    header.writeUInt16BE(n, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}
