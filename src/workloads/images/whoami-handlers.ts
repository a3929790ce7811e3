/**
 * whoami's `/data`, `/health` and `/echo` handlers (app.go, content.go),
 * including their quirks: `/data` is `|` + `-ABCDEFGHIJKLMNOPQRSTUVWXYZ`
 * repeated + `|`, sized `size` (empty for size ≤ 1), and `attachment=true`
 * serves one byte less (the content reader's Seek reports size-1); `/health`
 * decodes a JSON integer from a POST; `/echo` is gorilla/websocket's echo with
 * its handshake errors.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { httpDate } from '../go/format.js';
import { firstValue, type GoRequest, goParseQuery } from '../http/go-request.js';
import { type GoResponseWriter, goError } from '../http/go-response.js';
import { goStatusText } from '../http/status-text.js';
import type { VirtualTuple } from '../types.js';
import type { WhoamiApp } from './whoami.js';

const CHARSET = '-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UNITS: Record<string, number> = { kb: 1 << 10, mb: 1 << 20, gb: 1 << 30, tb: 2 ** 40 };
const SNIFF_LEN = 512;
const COPY_BUFFER = 32 * 1024;

/** Bytes [from, to) of whoami's content of logical length `length` (`|…|`). */
export function whoamiContent(length: number, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafe(to - from);
  for (let i = from; i < to; i++) {
    out[i - from] = i === 0 || i === length - 1 ? 0x7c : CHARSET.charCodeAt(i % CHARSET.length);
  }
  return out;
}

function parseSize(query: Map<string, string[]>): number {
  const raw = firstValue(query, 'size');
  let size = /^[+-]?\d+$/.test(raw) ? Number(raw) : 1;
  if (!Number.isSafeInteger(size)) size = 1;
  if (size < 0) size = 0;
  return size * (UNITS[firstValue(query, 'unit').toLowerCase()] ?? 1);
}

async function stream(w: GoResponseWriter, length: number, start: number, end: number): Promise<void> {
  for (let at = start; at < end; ) {
    const next = Math.min(end, at + COPY_BUFFER);
    w.write(whoamiContent(length, at, next));
    at = next;
    if (!w.writable) await w.drained();
  }
}

/** `GET /data?size=n&unit=KB|MB|GB|TB&attachment=true`. */
export async function whoamiData(w: GoResponseWriter, r: GoRequest, now: number): Promise<void> {
  const query = goParseQuery(r.rawQuery);
  const size = parseSize(query);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(firstValue(query, 'attachment'))) {
    w.set('Content-Disposition', 'Attachment');
    if (size === 0) {
      goError(w, "seeker can't seek", 500);
      return;
    }
    const sendSize = size - 1;
    w.set('Accept-Ranges', 'bytes');
    w.set('Content-Length', String(sendSize));
    w.set('Content-Type', 'text/plain; charset=utf-8');
    w.set('Last-Modified', httpDate(now));
    w.writeHeader(200);
    if (r.method !== 'HEAD') await stream(w, sendSize, 0, sendSize);
    return;
  }
  if (size <= 1) return;
  const first = Math.min(size, SNIFF_LEN);
  w.write(whoamiContent(size, 0, first));
  if (size <= SNIFF_LEN) return;
  w.flush();
  await stream(w, size, first, size);
}

/** `/health`: GET/HEAD/… answer the stored status; POST sets it from a JSON integer body. */
export function whoamiHealth(app: WhoamiApp, w: GoResponseWriter, r: GoRequest, body: Buffer): void {
  if (r.method !== 'POST') {
    if (app.healthStatus < 100 || app.healthStatus > 999)
      throw new Error(`invalid WriteHeader code ${app.healthStatus}`);
    w.writeHeader(app.healthStatus);
    return;
  }
  const text = body.toString('utf8');
  const match = /^[ \t\r\n]*(-?(?:0|[1-9]\d*))(?![.eE\d])/.exec(text);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isSafeInteger(value)) {
    goError(w, (app.constructor as typeof WhoamiApp).jsonIntError(text), 400);
    return;
  }
  app.print(`Update health check status code [${value}]`);
  app.healthStatus = value;
}

function hasToken(value: string | undefined, token: string): boolean {
  return (value ?? '').split(',').some((t) => t.trim().toLowerCase() === token);
}

/** gorilla/websocket's handshake check; undefined when the request is a valid upgrade. */
function handshakeError(
  h: Record<string, string | string[] | undefined>,
  method: string,
): { status: number; log: string } | undefined {
  const prefix = 'websocket: the client is not using the websocket protocol: ';
  if (!hasToken(String(h.connection ?? ''), 'upgrade')) {
    return { status: 400, log: `${prefix}'upgrade' token not found in 'Connection' header` };
  }
  if (!hasToken(String(h.upgrade ?? ''), 'websocket')) {
    return { status: 400, log: `${prefix}'websocket' token not found in 'Upgrade' header` };
  }
  if (method !== 'GET') return { status: 405, log: `${prefix}request method is not GET` };
  if (!hasToken(String(h['sec-websocket-version'] ?? ''), '13')) {
    return {
      status: 400,
      log: "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header",
    };
  }
  const key = String(h['sec-websocket-key'] ?? '');
  if (Buffer.from(key, 'base64').length !== 16 || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    return {
      status: 400,
      log: "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length",
    };
  }
  return undefined;
}

/** `/echo` reached without an upgrade: gorilla answers its handshake error. */
export function whoamiEchoWithoutUpgrade(app: WhoamiApp, w: GoResponseWriter, r: GoRequest): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of r.header) headers[k.toLowerCase()] = v.join(', ');
  const err = handshakeError(headers, r.method) ?? {
    status: 400,
    log: 'websocket: request is not an upgrade',
  };
  w.set('Sec-Websocket-Version', '13');
  goError(w, goStatusText(err.status), err.status);
  app.print(`${app.stamp()} ${err.log}`);
}

/** Loaded on the first WebSocket, so `ws` costs nothing at start. */
let wss: Promise<WebSocketServer> | undefined;

/** An `Upgrade:` request to whoami: WebSocket echo on `/echo`, any other path served as a plain request. */
export function acceptWhoamiUpgrade(
  app: WhoamiApp,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  tuple: VirtualTuple,
): void {
  const path = (req.url ?? '/').split('?')[0];
  const ws = path === '/echo' && hasToken(String(req.headers.upgrade ?? ''), 'websocket');
  if (!ws || handshakeError(req.headers, req.method ?? 'GET')) {
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => socket.end());
    app.handleRequest(req, res, tuple);
    return;
  }
  wss ??= import('ws').then(
    ({ WebSocketServer }) =>
      new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false }),
  );
  wss.then(
    (server) =>
      server.handleUpgrade(req, socket, head, (client) => {
        client.on('message', (data: Buffer, isBinary: boolean) => {
          app.print(`Received b:${[...data].map((b) => `${b},`).join('')}`);
          client.send(data, { binary: isBinary });
        });
        client.on('error', () => client.terminate());
      }),
    () => socket.destroy(),
  );
}

/** `Sec-WebSocket-Accept` for a key (RFC 6455), exported for tests. */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}
