/**
 * The SOCKS5 gateway (RFC 1928): lets any host tool reach pod IPs, ClusterIPs
 * and cluster DNS names (`curl --socks5-hostname 127.0.0.1:1080
 * http://web.default.svc.cluster.local/`). This module speaks the protocol —
 * greeting, CONNECT with IPv4 or domain-name targets, replies — and hands the
 * target to an injected `connect` function that does the cluster part. Bad
 * input gets the protocol's error reply and a close; the gateway keeps serving.
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

/**
 * Connects a SOCKS client to its target. Call `accept()` once the cluster
 * connection exists (it writes the success reply); from then on the socket
 * carries the client's stream and `leftover` holds bytes the client sent early.
 * Call `refuse(code)` to fail the request.
 */
export type SocksConnect = (request: {
  readonly target: SocksTarget;
  readonly client: { readonly address: string; readonly port: number };
  readonly socket: Socket;
  readonly leftover: Buffer;
  accept(): void;
  refuse(code: SocksReplyCode): void;
}) => void;

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

/** Runs the handshake on one accepted socket. */
export function handleSocksConnection(
  socket: Socket,
  config: Pick<SocksGatewayConfig, 'connect' | 'handshakeTimeoutMs' | 'logger'>,
): void {
  let buf: Buffer = Buffer.alloc(0);
  let stage: 'greeting' | 'request' | 'connecting' = 'greeting';
  const fail = (code: number) => {
    if (!socket.destroyed) socket.end(reply(code));
  };
  const timer = setTimeout(() => socket.destroy(), config.handshakeTimeoutMs ?? 10_000);
  timer.unref();
  socket.on('error', () => socket.destroy());
  const onData = (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (stage === 'greeting') {
      const g = parseGreeting(buf);
      if (g === 'more') return;
      if (g === 'invalid') {
        clearTimeout(timer);
        socket.destroy();
        return;
      }
      if (!g.noAuth) {
        clearTimeout(timer);
        socket.end(Buffer.from([0x05, 0xff]));
        return;
      }
      socket.write(Buffer.from([0x05, 0x00]));
      buf = buf.subarray(g.used);
      stage = 'request';
    }
    if (stage === 'request') {
      const r = parseRequest(buf);
      if (r === 'more') return;
      clearTimeout(timer);
      if (r === 'invalid') {
        fail(SOCKS_REPLY.generalFailure);
        return;
      }
      if ('error' in r) {
        fail(r.error);
        return;
      }
      if (r.command !== 0x01) {
        fail(SOCKS_REPLY.commandNotSupported);
        return;
      }
      stage = 'connecting';
      socket.removeListener('data', onData);
      socket.pause();
      const leftover = buf.subarray(r.used);
      let settled = false;
      config.connect({
        target: r.target,
        client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
        socket,
        leftover,
        accept() {
          if (settled) return;
          settled = true;
          socket.write(reply(SOCKS_REPLY.succeeded));
        },
        refuse(code) {
          if (settled) return;
          settled = true;
          fail(code);
        },
      });
    }
  };
  socket.on('data', onData);
}

/** Starts the gateway on its loopback address. */
export async function startSocksGateway(config: SocksGatewayConfig): Promise<Server> {
  const server = createServer({ noDelay: true }, (socket) => handleSocksConnection(socket, config));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.host, port: config.port, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  config.logger.info({ address: `${config.host}:${config.port}` }, 'SOCKS5 gateway listening');
  return server;
}
