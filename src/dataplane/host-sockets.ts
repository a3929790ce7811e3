/**
 * The connection executor's (`connections.ts`) real TCP sockets outside the
 * virtual network: an accepted client whose packets are dropped is held open
 * until it is cut off; a destination on the host gets a real connection
 * (piped to an accepted socket, or handed to a pod as its client end); and a
 * virtual connect rejects with the errors a real one gives. UDP is in
 * `datagrams.ts`.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Clock } from '../util/clock.js';
import { type ConnectionRecordsConfig, trackConnection } from './connection-records.js';
import type { AddrPort, Origin, PathPlan, Tuple } from './path.js';

/** The error a socket connect gives when refused or timing out. */
export function connectError(
  code: 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH',
  to: AddrPort,
): NodeJS.ErrnoException {
  const errno = { ECONNREFUSED: -111, ETIMEDOUT: -110, EHOSTUNREACH: -113 }[code];
  return Object.assign(new Error(`connect ${code} ${to.ip}:${to.port}`), {
    code,
    errno,
    syscall: 'connect',
    address: to.ip,
    port: to.port,
  });
}

/** Holds a dropped connection's client socket: its data goes nowhere, and it is cut off after `holdMs`. */
export function holdDropped(socket: Socket, clock: Clock, holdMs: number): void {
  socket.on('data', () => {});
  const timer = clock.setTimeout(() => socket.destroy(), holdMs);
  timer.unref();
  socket.once('close', () => clock.clearTimeout(timer));
}

/**
 * Pipes an accepted socket to a real connection to `ip:port` (a host
 * outcome), tracked from when that connection is made; an upstream error
 * resets the client, and either end closing closes the other.
 */
export function pipeToHost(
  config: ConnectionRecordsConfig,
  socket: Socket,
  ip: string,
  port: number,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
): void {
  socket.pause();
  const localAddress = hostSource(plan);
  const upstream = netConnect({ host: ip, port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
  upstream.once('connect', () => {
    trackConnection(config, plan, origin, original, 'TCP', [socket]);
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  });
  upstream.once('error', () => socket.resetAndDestroy());
  socket.once('close', () => upstream.destroy());
  upstream.once('close', () => socket.destroy());
}

/**
 * The address a real connection to the laptop leaves from: the emulated source
 * when it is a node's own loopback address (after masquerade or Calico's
 * natOutgoing), so a server on the laptop sees the node as the trace says;
 * otherwise (a pod or tunnel address, which no socket can bind) the kernel's choice.
 */
export function hostSource(plan: PathPlan): string | undefined {
  const ip = plan.seen.src.ip;
  return ip.startsWith('127.') && ip !== '127.0.0.1' ? ip : undefined;
}

/**
 * A real connection to `ip:port` for a virtual connect to `dst`: rejects with
 * ECONNREFUSED or ETIMEDOUT (after `timeoutMs`) naming `dst`, as the client
 * would see them, or with the socket's own error.
 */
export function connectHost(
  ip: string,
  port: number,
  timeoutMs: number,
  dst: AddrPort,
  localAddress?: string,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: ip, port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
    const timer = setTimeout(() => {
      s.destroy();
      reject(connectError('ETIMEDOUT', dst));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ECONNREFUSED' ? connectError('ECONNREFUSED', dst) : err);
    });
  });
}
