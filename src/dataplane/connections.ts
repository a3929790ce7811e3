/**
 * Executes path plans on real and virtual connections: the hot path of the
 * emulator. A real socket accepted on a node address is planned, committed
 * (affinity, ipvs counters), tracked in conntrack and handed — the very same
 * socket — to the app in the destination pod; a pod's outgoing connection gets
 * an in-memory socket pair whose two ends see the tuples before and after NAT.
 * Refusals reset the client, drops leave it hanging, host destinations get a
 * real socket. Every connection ends as a flow record when flows are on.
 */
import { createSocket } from 'node:dgram';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/index.js';
import { virtualServerKey } from '../proxy/ruleset.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { L4Protocol } from '../workloads/types.js';
import type { ConntrackEntry, ConntrackTable } from './conntrack.js';
import { emitPending, type FlowSink } from './flow.js';
import { PendingFlow } from './flow-builder.js';
import type { ListenKey } from './listeners.js';
import { natSocketPair } from './mem-socket.js';
import { type AddrPort, type Origin, type PathPlan, type PathWorld, planPath, type Tuple } from './path.js';
import { EphemeralPorts } from './ports.js';
import type { NodeProxyState } from './world.js';

export interface ConnectionExecutorConfig {
  readonly world: PathWorld;
  readonly sandboxes: PodSandboxRegistry;
  readonly nodeState: (node: string) => NodeProxyState;
  readonly conntrack: ConntrackTable;
  readonly flows: FlowSink;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** How long a dropped connection is held before the client is cut off. @default 30_000 */
  readonly dropHoldMs?: number;
  /** Connect timeout for virtual connections whose packets are dropped. @default 10_000 */
  readonly connectTimeoutMs?: number;
}

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

function unmapped(ip: string | undefined): string {
  return ip?.startsWith('::ffff:') ? ip.slice(7) : (ip ?? '0.0.0.0');
}

export class ConnectionExecutor {
  readonly #config: ConnectionExecutorConfig;
  readonly #ports = new EphemeralPorts();
  /** One closure for every plan, not one per connection. */
  readonly #allocatePort = (ip: string): number => this.#ports.allocate(ip);

  constructor(config: ConnectionExecutorConfig) {
    this.#config = config;
  }

  /** A fresh ephemeral port on `ip` (pods' outgoing connections). */
  allocatePort(ip: string): number {
    return this.#ports.allocate(ip);
  }

  /** Plans without executing (the tracer and `curl --trace` use this with hops on). */
  plan(
    origin: Origin,
    protocol: L4Protocol,
    tuple: Tuple,
    options: { entryNode?: string | undefined; hops?: boolean; explore?: boolean } = {},
  ): PathPlan {
    const entryNode = options.entryNode;
    return planPath(
      this.#config.world,
      entryNode ? { origin, protocol, tuple, entryNode } : { origin, protocol, tuple },
      {
        random: this.#config.random,
        now: this.#config.clock.now(),
        allocatePort: this.#allocatePort,
        hops: options.hops ?? this.#config.flows.enabled,
        explore: options.explore ?? false,
      },
    );
  }

  /** Handles a real TCP connection accepted on a node, VIP or externalIP listener; returns its plan. */
  acceptHost(socket: Socket, key: ListenKey, entryNode: string | undefined, hops?: boolean): PathPlan {
    const tuple: Tuple = {
      src: { ip: unmapped(socket.remoteAddress), port: socket.remotePort ?? 0 },
      dst: { ip: key.address, port: key.port },
    };
    const origin: Origin = { kind: 'host' };
    const plan = this.plan(origin, 'TCP', tuple, hops ? { entryNode, hops } : { entryNode });
    this.#commit(plan);
    socket.on('error', destroySelf);
    const out = plan.outcome;
    switch (out.kind) {
      case 'pod': {
        const entry = this.#track(plan, origin, tuple, 'TCP', [socket]);
        const delivered = this.#config.sandboxes.get(out.pod.ip)?.deliver({
          socket,
          tuple: {
            protocol: 'TCP',
            srcIP: plan.seen.src.ip,
            srcPort: plan.seen.src.port,
            dstIP: plan.seen.dst.ip,
            dstPort: plan.seen.dst.port,
          },
        });
        if (!delivered?.delivered) {
          this.#end(entry, plan, origin, tuple, 'TCP', 'DROPPED', 'nothing listens on the destination port');
          socket.resetAndDestroy();
        }
        return plan;
      }
      case 'host':
        this.#pipeToHost(socket, out.ip, out.port, plan, origin, tuple);
        return plan;
      case 'refused':
        this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
        socket.resetAndDestroy();
        return plan;
      case 'dropped':
        this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
        this.#hold(socket);
        return plan;
    }
  }

  /**
   * Opens a virtual TCP connection from a pod or a node to `dst`. Resolves
   * with the client end; rejects like a real connect (ECONNREFUSED, ETIMEDOUT).
   */
  async connect(
    origin: Exclude<Origin, { kind: 'host' }>,
    dst: AddrPort,
    options: { timeoutMs?: number; hops?: boolean } = {},
  ): Promise<{ socket: Duplex; plan: PathPlan }> {
    const tuple: Tuple = { src: { ip: origin.ip, port: this.#ports.allocate(origin.ip) }, dst };
    const plan = this.plan(origin, 'TCP', tuple, { hops: options.hops ?? this.#config.flows.enabled });
    this.#commit(plan);
    const out = plan.outcome;
    switch (out.kind) {
      case 'pod': {
        const { client, server } = natSocketPair(tuple, plan.seen);
        const entry = this.#track(plan, origin, tuple, 'TCP', [client, server]);
        const delivered = this.#config.sandboxes.get(out.pod.ip)?.deliver({
          socket: server,
          tuple: {
            protocol: 'TCP',
            srcIP: plan.seen.src.ip,
            srcPort: plan.seen.src.port,
            dstIP: plan.seen.dst.ip,
            dstPort: plan.seen.dst.port,
          },
        });
        if (!delivered?.delivered) {
          this.#end(entry, plan, origin, tuple, 'TCP', 'DROPPED', 'nothing listens on the destination port');
          client.destroy();
          server.destroy();
          throw connectError('ECONNREFUSED', dst);
        }
        return { socket: client, plan };
      }
      case 'host': {
        const socket = await this.#connectHost(
          out.ip,
          out.port,
          options.timeoutMs ?? this.#config.connectTimeoutMs ?? 10_000,
          dst,
        );
        this.#track(plan, origin, tuple, 'TCP', [socket]);
        return { socket, plan };
      }
      case 'refused':
        this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
        throw connectError('ECONNREFUSED', dst);
      case 'dropped': {
        this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
        const ms = options.timeoutMs ?? this.#config.connectTimeoutMs ?? 10_000;
        await new Promise((r) => this.#config.clock.setTimeout(() => r(undefined), ms));
        throw connectError('ETIMEDOUT', dst);
      }
    }
  }

  /**
   * Carries an already-connected real socket (a SOCKS client after its handshake)
   * to `dst` as if `origin` had opened it: the socket itself goes to the pod.
   * Returns the plan; `onReady` is called once the destination accepted.
   */
  attach(
    origin: Exclude<Origin, { kind: 'host' }>,
    socket: Socket,
    dst: AddrPort,
    hooks: { ready(): void; refused(): void; unreachable(): void },
  ): PathPlan {
    const tuple: Tuple = { src: { ip: origin.ip, port: this.#ports.allocate(origin.ip) }, dst };
    const plan = this.plan(origin, 'TCP', tuple);
    this.#commit(plan);
    const out = plan.outcome;
    if (out.kind === 'pod') {
      hooks.ready();
      const entry = this.#track(plan, origin, tuple, 'TCP', [socket]);
      const delivered = this.#config.sandboxes.get(out.pod.ip)?.deliver({
        socket,
        tuple: {
          protocol: 'TCP',
          srcIP: plan.seen.src.ip,
          srcPort: plan.seen.src.port,
          dstIP: plan.seen.dst.ip,
          dstPort: plan.seen.dst.port,
        },
      });
      if (!delivered?.delivered) {
        this.#end(entry, plan, origin, tuple, 'TCP', 'DROPPED', 'nothing listens on the destination port');
        socket.destroy();
      }
    } else if (out.kind === 'host') {
      const upstream = netConnect({ host: out.ip, port: out.port });
      upstream.once('connect', () => {
        hooks.ready();
        this.#track(plan, origin, tuple, 'TCP', [socket]);
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
      upstream.once('error', () => hooks.refused());
      socket.on('error', () => upstream.destroy());
    } else if (out.kind === 'refused') {
      this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
      hooks.refused();
    } else {
      this.#recordOnly(plan, origin, tuple, 'TCP', out.reason);
      hooks.unreachable();
    }
    return plan;
  }

  /** Sends one UDP datagram from a pod or node and waits for the first reply. */
  async datagram(
    origin: Exclude<Origin, { kind: 'host' }>,
    dst: AddrPort,
    payload: Buffer,
    timeoutMs: number,
  ): Promise<Buffer | undefined> {
    const tuple: Tuple = { src: { ip: origin.ip, port: this.#ports.allocate(origin.ip) }, dst };
    const plan = this.plan(origin, 'UDP', tuple);
    this.#commit(plan);
    const out = plan.outcome;
    this.#recordOnly(
      plan,
      origin,
      tuple,
      'UDP',
      out.kind === 'pod' || out.kind === 'host' ? undefined : out.reason,
    );
    if (out.kind === 'pod') {
      return new Promise((resolve) => {
        const timer = this.#config.clock.setTimeout(() => resolve(undefined), timeoutMs);
        const accepted = this.#config.sandboxes.get(out.pod.ip)?.deliverDatagram(
          payload,
          {
            protocol: 'UDP',
            srcIP: plan.seen.src.ip,
            srcPort: plan.seen.src.port,
            dstIP: plan.seen.dst.ip,
            dstPort: plan.seen.dst.port,
          },
          (data) => {
            this.#config.clock.clearTimeout(timer);
            resolve(data);
          },
        );
        if (!accepted) {
          this.#config.clock.clearTimeout(timer);
          resolve(undefined);
        }
      });
    }
    if (out.kind === 'host') return udpToHost(out.ip, out.port, payload, timeoutMs);
    return undefined;
  }

  /** Handles a real UDP datagram that arrived on a node, VIP or externalIP socket. */
  hostDatagram(
    key: ListenKey,
    message: Buffer,
    remote: AddrPort,
    reply: (data: Buffer) => void,
    entryNode: string | undefined,
  ): void {
    const tuple: Tuple = { src: remote, dst: { ip: key.address, port: key.port } };
    const plan = this.plan({ kind: 'host' }, 'UDP', tuple, entryNode ? { entryNode } : {});
    this.#commit(plan);
    const out = plan.outcome;
    this.#recordOnly(
      plan,
      { kind: 'host' },
      tuple,
      'UDP',
      out.kind === 'pod' ? undefined : out.kind === 'host' ? undefined : out.reason,
    );
    if (out.kind === 'pod') {
      this.#config.sandboxes.get(out.pod.ip)?.deliverDatagram(
        message,
        {
          protocol: 'UDP',
          srcIP: plan.seen.src.ip,
          srcPort: plan.seen.src.port,
          dstIP: plan.seen.dst.ip,
          dstPort: plan.seen.dst.port,
        },
        reply,
      );
    }
  }

  /** Commits what the rules remembered (affinity, ipvs cursors) once the connection is really opened. */
  #commit(plan: PathPlan): void {
    if (!plan.proxyNode || plan.updates.length === 0) return;
    const state = this.#config.nodeState(plan.proxyNode);
    state.affinity.commit(plan.updates, this.#config.clock.now());
    state.ipvs.commit(plan.updates);
  }

  /** Adds a conntrack entry and closes it (with a flow record) when the sockets close. */
  #track(
    plan: PathPlan,
    origin: Origin,
    original: Tuple,
    protocol: L4Protocol,
    sockets: readonly Duplex[],
  ): ConntrackEntry {
    const node = plan.proxyNode ?? nodeOfOrigin(origin, plan);
    const vs =
      plan.serviceAddress && plan.proxyNode
        ? virtualServerKey(protocol, plan.serviceAddress.ip, plan.serviceAddress.port)
        : undefined;
    const realServer = `${plan.seen.dst.ip}:${plan.seen.dst.port}`;
    if (vs && plan.proxyNode) this.#config.nodeState(plan.proxyNode).ipvs.opened(vs, realServer);
    const entry = this.#config.conntrack.add({
      node,
      protocol,
      original: {
        src: original.src.ip,
        sport: original.src.port,
        dst: original.dst.ip,
        dport: original.dst.port,
      },
      reply: {
        src: plan.seen.dst.ip,
        sport: plan.seen.dst.port,
        dst: plan.seen.src.ip,
        dport: plan.seen.src.port,
      },
      service: plan.service,
      masqueraded: plan.masquerade,
      state: 'ESTABLISHED',
      createdAt: this.#config.clock.now(),
      bytesOriginal: 0,
      bytesReply: 0,
    });
    const first = sockets[0] as Duplex & { bytesRead?: number; bytesWritten?: number };
    let closed = false;
    const onClose = () => {
      if (closed) return;
      closed = true;
      if (vs && plan.proxyNode) this.#config.nodeState(plan.proxyNode).ipvs.closed(vs, realServer);
      entry.bytesOriginal = first.bytesRead ?? 0;
      entry.bytesReply = first.bytesWritten ?? 0;
      this.#end(entry, plan, origin, original, protocol, 'FORWARDED', undefined);
    };
    // 'close' is emitted once per socket and `closed` guards the pair: plain `on`, no once-wrapper.
    for (const s of sockets) s.on('close', onClose);
    return entry;
  }

  #end(
    entry: ConntrackEntry,
    plan: PathPlan,
    origin: Origin,
    original: Tuple,
    protocol: L4Protocol,
    verdict: 'FORWARDED' | 'DROPPED',
    reason: string | undefined,
  ): void {
    this.#config.conntrack.remove(entry.id);
    if (!this.#config.flows.enabled) return;
    const now = this.#config.clock.now();
    emitPending(
      this.#config.flows,
      new PendingFlow({
        plan,
        origin,
        original,
        protocol,
        verdict,
        reason,
        startedAt: entry.createdAt,
        endedAt: now,
        bytes: { sent: entry.bytesOriginal, received: entry.bytesReply },
        world: this.#config.world,
      }),
    );
  }

  #recordOnly(
    plan: PathPlan,
    origin: Origin,
    original: Tuple,
    protocol: L4Protocol,
    reason: string | undefined,
  ): void {
    if (!this.#config.flows.enabled) return;
    const now = this.#config.clock.now();
    emitPending(
      this.#config.flows,
      new PendingFlow({
        plan,
        origin,
        original,
        protocol,
        verdict: reason ? 'DROPPED' : 'FORWARDED',
        reason,
        startedAt: now,
        endedAt: now,
        bytes: { sent: 0, received: 0 },
        world: this.#config.world,
      }),
    );
  }

  #hold(socket: Socket): void {
    socket.on('data', () => {});
    const timer = this.#config.clock.setTimeout(() => socket.destroy(), this.#config.dropHoldMs ?? 30_000);
    timer.unref();
    socket.once('close', () => this.#config.clock.clearTimeout(timer));
  }

  #pipeToHost(
    socket: Socket,
    ip: string,
    port: number,
    plan: PathPlan,
    origin: Origin,
    original: Tuple,
  ): void {
    socket.pause();
    const upstream = netConnect({ host: ip, port, noDelay: true });
    upstream.once('connect', () => {
      this.#track(plan, origin, original, 'TCP', [socket]);
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    });
    upstream.once('error', () => socket.resetAndDestroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
  }

  #connectHost(ip: string, port: number, timeoutMs: number, dst: AddrPort): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = netConnect({ host: ip, port, noDelay: true });
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
}

/** An 'error' listener shared by every accepted socket (no closure per connection). */
function destroySelf(this: Socket): void {
  this.destroy();
}

function nodeOfOrigin(origin: Origin, plan: PathPlan): string {
  if (origin.kind !== 'host') return origin.node;
  return plan.hops.find((h) => h.node)?.node ?? '';
}

function udpToHost(
  ip: string,
  port: number,
  payload: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: Buffer | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('message', (m) => done(m));
    s.on('error', () => done(undefined));
    s.send(payload, port, ip);
  });
}
