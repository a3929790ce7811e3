/**
 * Executes path plans on real and virtual connections: the hot path of the
 * emulator. A real socket accepted on a node address is planned, committed
 * (affinity, ipvs counters), tracked in conntrack and handed — the very same
 * socket — to the app in the destination pod; a pod's outgoing connection gets
 * an in-memory socket pair whose two ends see the tuples before and after NAT.
 * Refusals reset the client, drops leave it hanging, host destinations get a
 * real socket. Every connection ends as a flow record when flows are on.
 * Bookkeeping is in `connection-records.ts`, real TCP sockets outside the
 * virtual network in `host-sockets.ts`, UDP flows (conntrack entries that
 * carry every datagram and reply of a 5-tuple) in `datagrams.ts`, the SOCKS
 * gateway's waiting clients (`attach`) in `socks-relay.ts`.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/index.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { L4Protocol } from '../workloads/types.js';
import { commitPlan, endUndelivered, recordFlow, trackConnection } from './connection-records.js';
import type { ConntrackTable } from './conntrack.js';
import { flowKeyOf, openUdpFlow, sendOnFlow, type UdpFlow, virtualTuple } from './datagrams.js';
import type { FlowSink } from './flow.js';
import { connectError, connectHost, holdDropped, hostSource, pipeToHost } from './host-sockets.js';
import type { ListenKey } from './listeners.js';
import { type AddrPort, type Origin, type PathPlan, type PathWorld, planPath, type Tuple } from './path.js';
import { EphemeralPorts } from './ports.js';
import {
  failAfterTimeout,
  openPodConnection,
  relayToHost,
  relayToPod,
  type WaitingClient,
} from './socks-relay.js';
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
    commitPlan(this.#config, plan);
    socket.on('error', destroySelf);
    const out = plan.outcome;
    switch (out.kind) {
      case 'pod': {
        const entry = trackConnection(this.#config, plan, origin, tuple, 'TCP', [socket]);
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
          endUndelivered(this.#config, entry, plan, origin, tuple);
          socket.resetAndDestroy();
        }
        return plan;
      }
      case 'host':
        pipeToHost(this.#config, socket, out.ip, out.port, plan, origin, tuple);
        return plan;
      case 'refused':
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        socket.resetAndDestroy();
        return plan;
      case 'dropped':
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        holdDropped(socket, this.#config.clock, this.#config.dropHoldMs ?? 30_000);
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
    commitPlan(this.#config, plan);
    const out = plan.outcome;
    switch (out.kind) {
      case 'pod': {
        const client = openPodConnection(this.#config, plan, origin, tuple, out.pod.ip);
        if (!client) throw connectError('ECONNREFUSED', dst);
        return { socket: client, plan };
      }
      case 'host': {
        const socket = await connectHost(
          out.ip,
          out.port,
          options.timeoutMs ?? this.#config.connectTimeoutMs ?? 10_000,
          dst,
          hostSource(plan),
        );
        trackConnection(this.#config, plan, origin, tuple, 'TCP', [socket]);
        return { socket, plan };
      }
      case 'refused':
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        throw connectError('ECONNREFUSED', dst);
      case 'dropped': {
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        const ms = options.timeoutMs ?? this.#config.connectTimeoutMs ?? 10_000;
        await new Promise((r) => this.#config.clock.setTimeout(() => r(undefined), ms));
        throw connectError('ETIMEDOUT', dst);
      }
    }
  }

  /**
   * Connects a real client that waits for the answer (a SOCKS client after its
   * request) to `dst` as if `origin` had opened the connection, and answers it
   * when a real connect() would return: at once when a pod accepts or a rule
   * REJECTs, after the connect timeout when the packets are dropped, when the
   * laptop answers for a host destination. Returns the plan.
   */
  attach(origin: Exclude<Origin, { kind: 'host' }>, dst: AddrPort, client: WaitingClient): PathPlan {
    const tuple: Tuple = { src: { ip: origin.ip, port: this.#ports.allocate(origin.ip) }, dst };
    const plan = this.plan(origin, 'TCP', tuple);
    commitPlan(this.#config, plan);
    const out = plan.outcome;
    const timeoutMs = this.#config.connectTimeoutMs ?? 10_000;
    switch (out.kind) {
      case 'pod':
        relayToPod(this.#config, plan, origin, tuple, out.pod.ip, client);
        break;
      case 'host':
        relayToHost(this.#config, plan, origin, tuple, { ip: out.ip, port: out.port, timeoutMs }, client);
        break;
      case 'refused':
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        client.failed(connectError('ECONNREFUSED', dst));
        break;
      case 'dropped':
        recordFlow(this.#config, plan, origin, tuple, 'TCP', out.reason);
        failAfterTimeout(this.#config.clock, timeoutMs, tuple, client);
        break;
    }
    return plan;
  }

  /**
   * Sends one UDP datagram from a pod or node and waits for the first reply
   * (undefined when nothing took it, or after `timeoutMs`). A fresh source
   * port, so a flow of its own: later replies of the flow are not awaited.
   */
  datagram(
    origin: Exclude<Origin, { kind: 'host' }>,
    dst: AddrPort,
    payload: Buffer,
    timeoutMs: number,
  ): Promise<Buffer | undefined> {
    const tuple: Tuple = { src: { ip: origin.ip, port: this.#ports.allocate(origin.ip) }, dst };
    const clock = this.#config.clock;
    return new Promise((resolve) => {
      let done = false;
      const finish = (data: Buffer | undefined) => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        resolve(data);
      };
      const timer = clock.setTimeout(() => finish(undefined), timeoutMs);
      if (!this.#udp(origin, tuple, payload, finish, undefined)) finish(undefined);
    });
  }

  /**
   * Sends one UDP datagram from a pod or node on the flow `tuple` (a client
   * socket's own and remote address): the first datagram of a flow is
   * planned and opens its conntrack entry, later ones follow it (same
   * endpoint, same SNAT port). Every reply of the flow calls `onReply` (the
   * latest datagram's). Returns whether the datagram was carried to
   * something that took it.
   */
  sendDatagram(
    origin: Exclude<Origin, { kind: 'host' }>,
    tuple: Tuple,
    payload: Buffer,
    onReply: (data: Buffer) => void,
  ): boolean {
    return this.#udp(origin, tuple, payload, onReply, undefined);
  }

  /**
   * Handles a real UDP datagram that arrived on a node, VIP or externalIP
   * socket from `remote`; `reply` sends to it from that socket. `entryNode`
   * (the node that receives it) is asked only for a datagram that starts a
   * new flow: a flow stays on the node that holds its entry.
   */
  hostDatagram(
    key: ListenKey,
    message: Buffer,
    remote: AddrPort,
    reply: (data: Buffer) => void,
    entryNode: () => string | undefined,
  ): void {
    this.#udp(HOST, { src: remote, dst: { ip: key.address, port: key.port } }, message, reply, entryNode);
  }

  /**
   * One datagram of `tuple`: on its flow's entry when one is live (and its
   * node is up), else planned — committing what the rules remembered — and,
   * when the node forwards it, the first of a new flow. One flow record per
   * datagram.
   */
  #udp(
    origin: Origin,
    tuple: Tuple,
    payload: Buffer,
    reply: (data: Buffer) => void,
    entryNode: (() => string | undefined) | undefined,
  ): boolean {
    const config = this.#config;
    let track = config.conntrack.findUdp<UdpFlow>(flowKeyOf(tuple));
    if (track && !config.world.nodeUp(track.entry.node)) {
      // The node holding the entry is down: the datagram reaches another node (or none), which has no entry.
      config.conntrack.removeUdp(track);
      track = undefined;
    }
    if (track) track.data.reply = reply;
    else {
      const node = entryNode?.();
      const plan = this.plan(origin, 'UDP', tuple, node ? { entryNode: node } : {});
      commitPlan(config, plan);
      const owner =
        plan.proxyNode ??
        (origin.kind === 'host' ? (node ?? config.world.nodeByAddress(tuple.dst.ip) ?? '') : origin.node);
      track = openUdpFlow(config, plan, origin, tuple, owner, reply);
      if (!track) {
        const out = plan.outcome;
        recordFlow(
          config,
          plan,
          origin,
          tuple,
          'UDP',
          out.kind === 'pod' || out.kind === 'host' ? undefined : out.reason,
        );
        // Only a datagram that stays in its own pod is delivered without an entry.
        if (out.kind !== 'pod') return false;
        return config.sandboxes.get(out.pod.ip)?.deliverDatagram(payload, virtualTuple(plan), reply) ?? false;
      }
    }
    const lost = sendOnFlow(config, track, payload);
    recordFlow(config, track.data.plan, origin, tuple, 'UDP', lost);
    return lost === undefined;
  }
}

const HOST: Origin = { kind: 'host' };

/** An 'error' listener shared by every accepted socket (no closure per connection). */
function destroySelf(this: Socket): void {
  this.destroy();
}
