/**
 * The SOCKS5 gateway (RFC 1928): lets any host tool reach pod IPs, ClusterIPs
 * and cluster DNS names (`curl --socks5-hostname 127.0.0.1:1080
 * http://web.default.svc.cluster.local/`). This module speaks the protocol —
 * greeting, CONNECT with IPv4 or domain-name targets, replies — and hands the
 * target to an injected `connect` function that does the cluster part. Bad
 * input gets the protocol's error reply and a close; the gateway keeps serving.
 *
 * It answers as a SOCKS server's own connect() would return: success once the
 * destination accepted, a failure reply by errno (`socksReplyForError`) — for a
 * DROP, ETIMEDOUT after the connect timeout, not at once. Whatever the client
 * sends after its request (in the same packet, or while it waits) is kept and
 * reaches the destination first.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log/index.js';

/** Where the client asked to go. `host` is an IPv4 literal or a name to resolve in the cluster. */
export interface SocksTarget {
  readonly host: string;
  readonly port: number;
  readonly addressType: 'ipv4' | 'domain';
}

/** SOCKS5 reply codes (RFC 1928 §6). */
export const SOCKS_REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowed: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  ttlExpired: 0x06,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

export type SocksReplyCode = (typeof SOCKS_REPLY)[keyof typeof SOCKS_REPLY];

/** The client's stream once its request is accepted. */
export interface SocksStream {
  /** The client's socket, paused: whoever takes it must read (pipe or resume) from now on. */
  readonly socket: Socket;
  /**
   * What the client sent after its request — in the same packet, or while the
   * connection was being made — which must reach the destination first.
   */
  readonly early: Buffer;
}

/** One CONNECT request, answered once with `accept()` or `refuse(code)`. */
export interface SocksRequest {
  readonly target: SocksTarget;
  readonly client: { readonly address: string; readonly port: number };
  /** Aborted when the client goes away before the request is answered. */
  readonly signal: AbortSignal;
  /**
   * Writes the success reply and hands the stream over; undefined when the
   * client has gone (or the request was already answered).
   */
  accept(): SocksStream | undefined;
  /** Writes a failure reply and closes. */
  refuse(code: SocksReplyCode): void;
}

/**
 * Connects a SOCKS client to its target: the cluster part of the gateway. It
 * may answer later (a connect that times out answers after its timeout), and
 * must stop waiting when `signal` aborts.
 */
export type SocksConnect = (request: SocksRequest) => void;

/**
 * The reply a SOCKS5 server sends when its own connect() fails with `code`
 * (an errno name), as dante's `errno2reply` and microsocks map them:
 * ECONNREFUSED → 05 connection refused, ETIMEDOUT → 06 "TTL expired" (RFC 1928
 * has no timeout code; dante's client turns 06 back into ETIMEDOUT, curl
 * reports "(6)"), EHOSTUNREACH and an unresolvable name → 04 host
 * unreachable, ENETUNREACH → 03, anything else → 01 general failure.
 */
export function socksReplyForError(code: string | undefined): SocksReplyCode {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return SOCKS_REPLY.connectionRefused;
    case 'ETIMEDOUT':
      return SOCKS_REPLY.ttlExpired;
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
      return SOCKS_REPLY.hostUnreachable;
    case 'ENETUNREACH':
      return SOCKS_REPLY.networkUnreachable;
    default:
      return SOCKS_REPLY.generalFailure;
  }
}

export interface SocksGatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly connect: SocksConnect;
  /** Handshake must complete within this. @default 10_000 */
  readonly handshakeTimeoutMs?: number;
}

function reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

/** Parses the greeting; returns the bytes it used, 0 when more are needed, -1 when invalid. */
function parseGreeting(buf: Buffer): { used: number; noAuth: boolean } | 'more' | 'invalid' {
  if (buf.length < 2) return 'more';
  if (buf[0] !== 0x05) return 'invalid';
  const n = buf[1] as number;
  if (buf.length < 2 + n) return 'more';
  const methods = buf.subarray(2, 2 + n);
  return { used: 2 + n, noAuth: methods.includes(0x00) };
}

type ParsedRequest =
  | { used: number; command: number; target: SocksTarget }
  | { used: number; error: SocksReplyCode }
  | 'more'
  | 'invalid';

function parseRequest(buf: Buffer): ParsedRequest {
  if (buf.length < 4) return 'more';
  if (buf[0] !== 0x05) return 'invalid';
  const command = buf[1] as number;
  const atyp = buf[3];
  if (atyp === 0x01) {
    if (buf.length < 10) return 'more';
    const host = `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`;
    return { used: 10, command, target: { host, port: buf.readUInt16BE(8), addressType: 'ipv4' } };
  }
  if (atyp === 0x03) {
    if (buf.length < 5) return 'more';
    const len = buf[4] as number;
    if (buf.length < 5 + len + 2) return 'more';
    const host = buf.subarray(5, 5 + len).toString('latin1');
    return {
      used: 7 + len,
      command,
      target: { host, port: buf.readUInt16BE(5 + len), addressType: 'domain' },
    };
  }
  if (atyp === 0x04) {
    if (buf.length < 22) return 'more';
    return { used: 22, error: SOCKS_REPLY.addressTypeNotSupported };
  }
  return { used: buf.length, error: SOCKS_REPLY.addressTypeNotSupported };
}

/**
 * Bytes kept from a client while its connect is under way. Beyond this the
 * socket is paused, as a server that does not read yet lets the client's
 * window fill.
 */
const EARLY_LIMIT = 64 * 1024;

/** Answers with a failure reply and closes once the client does (or at once if it already has). */
function fail(socket: Socket, code: number): void {
  if (socket.destroyed) return;
  socket.resume();
  socket.end(reply(code));
}

/**
 * Runs the handshake on one accepted socket. The socket must come from a
 * server with `allowHalfOpen`: a client that half-closes after its request
 * (`nc -N`) still gets its reply, and its EOF reaches the destination. So a
 * FIN while the connect is under way is not the client giving up; a reset
 * (or an error) is, and aborts the request's `signal`.
 */
export function handleSocksConnection(
  socket: Socket,
  config: Pick<SocksGatewayConfig, 'connect' | 'handshakeTimeoutMs' | 'logger'>,
): void {
  let buf: Buffer = Buffer.alloc(0);
  let stage: 'greeting' | 'request' = 'greeting';
  const timer = setTimeout(() => socket.destroy(), config.handshakeTimeoutMs ?? 10_000);
  timer.unref();
  socket.on('error', () => socket.destroy());
  // EOF before a whole request: nothing to answer.
  const onEnd = () => socket.destroy();
  socket.once('end', onEnd);
  const onData = (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (stage === 'greeting') {
      const g = parseGreeting(buf);
      if (g === 'more') return;
      if (g === 'invalid' || !g.noAuth) {
        clearTimeout(timer);
        if (g === 'invalid') socket.destroy();
        else socket.end(Buffer.from([0x05, 0xff]));
        return;
      }
      socket.write(Buffer.from([0x05, 0x00]));
      buf = buf.subarray(g.used);
      stage = 'request';
    }
    const r = parseRequest(buf);
    if (r === 'more') return;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    if (r === 'invalid') fail(socket, SOCKS_REPLY.generalFailure);
    else if ('error' in r) fail(socket, r.error);
    else if (r.command !== 0x01) fail(socket, SOCKS_REPLY.commandNotSupported);
    else startConnect(socket, r.target, buf.subarray(r.used), config.connect);
  };
  socket.on('data', onData);
}

/**
 * Hands a parsed CONNECT to `connect`, keeping what the client sends until it
 * is answered (the bytes after the request in `first`, then every later
 * chunk) and noticing when the client goes away.
 */
function startConnect(socket: Socket, target: SocksTarget, first: Buffer, connect: SocksConnect): void {
  const chunks: Buffer[] = first.length ? [first] : [];
  let size = first.length;
  let answered = false;
  const aborter = new AbortController();
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EARLY_LIMIT) socket.pause();
  };
  const onClose = () => {
    if (answered) return;
    answered = true;
    aborter.abort();
  };
  socket.on('data', onData);
  socket.once('close', onClose);
  const settle = (): boolean => {
    if (answered) return false;
    answered = true;
    socket.removeListener('data', onData);
    socket.removeListener('close', onClose);
    return true;
  };
  connect({
    target,
    client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    signal: aborter.signal,
    accept() {
      if (!settle() || socket.destroyed) return undefined;
      socket.pause();
      socket.write(reply(SOCKS_REPLY.succeeded));
      return { socket, early: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
    },
    refuse(code) {
      if (settle()) fail(socket, code);
    },
  });
}

/** A running gateway. */
export interface SocksGateway {
  /** The bound address (the port resolved when 0 was asked). */
  readonly address: { readonly host: string; readonly port: number };
  /** Stops listening and closes every client connection, relayed or not. */
  close(): Promise<void>;
}

/** Starts the gateway on its loopback address. */
export async function startSocksGateway(config: SocksGatewayConfig): Promise<SocksGateway> {
  const clients = new Set<Socket>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    handleSocksConnection(socket, config);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.host, port: config.port, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const address = bound && typeof bound === 'object' ? { host: bound.address, port: bound.port } : config;
  config.logger.info({ address: `${address.host}:${address.port}` }, 'SOCKS5 gateway listening');
  return {
    address: { host: address.host, port: address.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of clients) socket.destroy();
      }),
  };
}
