/**
 * The connection executor's side of the SOCKS gateway (`ConnectionExecutor.attach`):
 * a real client socket that waits, as a SOCKS server's own connect() would,
 * for a virtual connection to be made on its behalf, then is relayed to the
 * destination. The client learns the outcome only when a real connect() would
 * have returned it: at once for a pod that accepts or a REJECT, after the
 * connect timeout for a DROP, when the laptop answers for a host destination.
 * Whatever the client sent with its request (`early`) goes first.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../util/clock.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import { type ConnectionRecordsConfig, endUndelivered, trackConnection } from './connection-records.js';
import { connectError, connectHost, hostSource } from './host-sockets.js';
import { type MemSocket, natSocketPair } from './mem-socket.js';
import type { Origin, PathPlan, Tuple } from './path.js';

/** A real client waiting for a connection (a SOCKS client after its request). */
export interface WaitingClient {
  /** Aborted when the client goes away while it waits. */
  readonly signal: AbortSignal;
  /**
   * The destination accepted: answers the client and hands over its socket
   * (paused) and the bytes it already sent. Undefined when the client has gone.
   */
  ready(): { readonly socket: Socket; readonly early: Buffer } | undefined;
  /** The connect failed with `error` (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH…). */
  failed(error: NodeJS.ErrnoException): void;
}

export interface RelayConfig extends ConnectionRecordsConfig {
  readonly sandboxes: PodSandboxRegistry;
}

/**
 * Opens a tracked in-memory connection to the app of pod `podIP`, whose pod end
 * sees the translated tuple (`plan.seen`); returns the client end, or undefined
 * (the attempt recorded and cleaned up) when no app takes it: a refused connect.
 */
export function openPodConnection(
  config: RelayConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  podIP: string,
): MemSocket | undefined {
  const { client, server } = natSocketPair(original, plan.seen);
  const entry = trackConnection(config, plan, origin, original, 'TCP', [server, client]);
  const delivered = config.sandboxes.get(podIP)?.deliver({
    socket: server,
    tuple: {
      protocol: 'TCP',
      srcIP: plan.seen.src.ip,
      srcPort: plan.seen.src.port,
      dstIP: plan.seen.dst.ip,
      dstPort: plan.seen.dst.port,
    },
  });
  if (delivered?.delivered) return client;
  endUndelivered(config, entry, plan, origin, original);
  client.destroy();
  server.destroy();
  return undefined;
}

/**
 * Relays `client` to the app of pod `podIP` over an in-memory connection
 * whose pod end sees the translated tuple (`plan.seen`): the app reads it as
 * any accepted connection, however it reads, with the early bytes first.
 */
export function relayToPod(
  config: RelayConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  podIP: string,
  client: WaitingClient,
): void {
  const near = openPodConnection(config, plan, origin, original, podIP);
  if (!near) {
    client.failed(connectError('ECONNREFUSED', original.dst));
    return;
  }
  const stream = client.ready();
  if (!stream) {
    near.destroy();
    return;
  }
  if (stream.early.length) near.write(stream.early);
  relay(stream.socket, near);
}

/**
 * Relays `client` to a real connection to `ip:port` once it is made, or
 * fails it with the connect's error (ETIMEDOUT after `timeoutMs`).
 */
export function relayToHost(
  config: RelayConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  target: { readonly ip: string; readonly port: number; readonly timeoutMs: number },
  client: WaitingClient,
): void {
  connectHost(target.ip, target.port, target.timeoutMs, original.dst, hostSource(plan)).then(
    (upstream) => {
      const stream = client.ready();
      if (!stream) {
        upstream.destroy();
        return;
      }
      trackConnection(config, plan, origin, original, 'TCP', [stream.socket]);
      if (stream.early.length) upstream.write(stream.early);
      relay(stream.socket, upstream);
    },
    (err: NodeJS.ErrnoException) => {
      if (!client.signal.aborted) client.failed(err);
    },
  );
}

/**
 * A dropped connect: the client hears nothing until `timeoutMs` has passed on
 * `clock`, then ETIMEDOUT — or nothing at all if it gives up first.
 */
export function failAfterTimeout(
  clock: Clock,
  timeoutMs: number,
  original: Tuple,
  client: WaitingClient,
): void {
  if (client.signal.aborted) return;
  const timer = clock.setTimeout(() => {
    client.signal.removeEventListener('abort', cancel);
    client.failed(connectError('ETIMEDOUT', original.dst));
  }, timeoutMs);
  timer.unref();
  const cancel = () => clock.clearTimeout(timer);
  client.signal.addEventListener('abort', cancel, { once: true });
}

/**
 * Joins the client's socket and the destination both ways, as a TCP relay:
 * bytes and half-closes pass through, and a reset on either side resets the
 * other (the laptop sees "Connection reset by peer" when the pod resets).
 */
function relay(socket: Socket, other: Socket | MemSocket): void {
  socket.pipe(other);
  other.pipe(socket);
  socket.on('error', () => other.resetAndDestroy());
  other.on('error', () => socket.resetAndDestroy());
  socket.once('close', () => other.destroy());
  other.once('close', () => socket.destroy());
  socket.resume();
}
