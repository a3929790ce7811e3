/**
 * UDP for the connection executor (`connections.ts`): flows in the emulated
 * conntrack table. The first datagram of a 5-tuple is planned and opens a
 * UDP entry keeping the plan (the endpoint, the SNAT source port); every
 * later datagram of the flow goes where the entry says without a new plan,
 * and every reply comes back to the client through it (reverse NAT), as many
 * as the far end sends, until the entry times out or kube-proxy deletes it
 * (`conntrack.ts`). The far end is the app bound in a pod (through its
 * sandbox, with the tuple after NAT) or a destination on the host (one real
 * socket per flow, so the server sees one source port and may answer often).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { VirtualTuple } from '../workloads/types.js';
import type { ConnectionRecordsConfig } from './connection-records.js';
import { type UdpTrack, udpFlowKey } from './conntrack.js';
import { conntrackOriginal, type Origin, type PathPlan, type PathWorld, type Tuple } from './path.js';
import { isLoopback } from './path-walk.js';

/** Where a flow's datagrams go: the pod holding an address, or a real `ip:port` on the host. */
export type UdpTarget =
  | { readonly kind: 'pod'; readonly ip: string }
  | { readonly kind: 'host'; readonly ip: string; readonly port: number };

/** What the dataplane keeps with a UDP flow's conntrack entry. */
export interface UdpFlow {
  /** The plan of the flow's first datagram: its NAT decision, hops and Service. */
  readonly plan: PathPlan;
  readonly origin: Origin;
  readonly original: Tuple;
  readonly target: UdpTarget;
  /** The tuple the receiving app is given (after DNAT and SNAT). */
  readonly seen: VirtualTuple;
  /** The client's end: the reply callback of the flow's latest datagram. */
  reply: (data: Buffer) => void;
  /** A datagram back from the target: translated through the entry to `reply`, lost once the entry is gone. */
  readonly fromTarget: (data: Buffer) => void;
  /** A host target's real socket, opened by the first datagram and closed with the entry. */
  socket: UdpSocket | undefined;
}

/** The executor's config as the UDP flows use it. */
export interface DatagramConfig extends ConnectionRecordsConfig {
  readonly sandboxes: PodSandboxRegistry;
}

/** The conntrack key of the flow a datagram with this original tuple belongs to. */
export function flowKeyOf(tuple: Tuple): string {
  return udpFlowKey(tuple.src.ip, tuple.src.port, tuple.dst.ip, tuple.dst.port);
}

/**
 * Opens the flow of a planned first datagram: a conntrack entry on `node`
 * and what its datagrams need. Undefined when the datagram gets no entry on
 * a node: refused by kube-proxy's REJECT or dropped (netfilter never confirms
 * those), or never leaving the pod's own network namespace. A datagram that
 * reached a pod where nothing listens does get one (the node forwarded it):
 * later datagrams of the flow keep going there, as on Linux, until the entry
 * times out or kube-proxy cleans it up.
 */
export function openUdpFlow(
  config: DatagramConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  node: string,
  reply: (data: Buffer) => void,
): UdpTrack<UdpFlow> | undefined {
  const target = targetOf(config.world, plan, origin, original);
  if (!target) return undefined;
  const seen = plan.seen;
  let track: UdpTrack<UdpFlow> | undefined;
  const flow: UdpFlow = {
    plan,
    origin,
    original,
    target,
    seen: {
      protocol: 'UDP',
      srcIP: seen.src.ip,
      srcPort: seen.src.port,
      dstIP: seen.dst.ip,
      dstPort: seen.dst.port,
    },
    reply,
    fromTarget: (data) => {
      if (!track || !config.conntrack.udpPacket(track, true, data.length)) return;
      try {
        flow.reply(data);
      } catch {
        // The client's socket is gone (its listener closed): the reply is lost, as on a node.
      }
    },
    socket: undefined,
  };
  // The entry shows the flow as `node` saw it (after another node's natOutgoing, from that
  // node's address); it is still found by the client's own tuple.
  const arrived = conntrackOriginal(plan, original, node);
  track = config.conntrack.addUdp(
    flowKeyOf(original),
    {
      node,
      original: {
        src: arrived.src.ip,
        sport: arrived.src.port,
        dst: arrived.dst.ip,
        dport: arrived.dst.port,
      },
      reply: { src: seen.dst.ip, sport: seen.dst.port, dst: seen.src.ip, dport: seen.src.port },
      service: plan.service,
      masqueraded: plan.masquerade,
    },
    flow,
  );
  track.onEnd = () => closeQuietly(flow.socket);
  return track;
}

/**
 * Carries one client datagram of a flow to its target, refreshing the entry.
 * Returns undefined when the target took it, else why it was lost (the pod
 * is gone, its node is down, nothing listens on the port any more).
 */
export function sendOnFlow(
  config: DatagramConfig,
  track: UdpTrack<UdpFlow>,
  payload: Buffer,
): string | undefined {
  const flow = track.data;
  config.conntrack.udpPacket(track, false, payload.length);
  const target = flow.target;
  if (target.kind === 'host') {
    hostSocket(config, track).send(payload, target.port, target.ip);
    return undefined;
  }
  const pod = config.world.podByIP(target.ip);
  if (!pod) return `no pod has ${target.ip}`;
  if (!config.world.nodeUp(pod.node)) return `node ${pod.node} is down`;
  if (config.sandboxes.get(target.ip)?.deliverDatagram(payload, flow.seen, flow.fromTarget)) return undefined;
  return `nothing listens on ${target.ip}:${flow.seen.dstPort} (${pod.namespace}/${pod.name})`;
}

/** The tuple an app is given for a datagram planned without a flow (one that stays in its pod). */
export function virtualTuple(plan: PathPlan): VirtualTuple {
  return {
    protocol: 'UDP',
    srcIP: plan.seen.src.ip,
    srcPort: plan.seen.src.port,
    dstIP: plan.seen.dst.ip,
    dstPort: plan.seen.dst.port,
  };
}

/** Where the flow of a planned datagram goes, if it gets a conntrack entry (see `openUdpFlow`). */
function targetOf(world: PathWorld, plan: PathPlan, origin: Origin, original: Tuple): UdpTarget | undefined {
  const dst = original.dst;
  if (
    origin.kind === 'pod' &&
    (dst.ip === origin.ip || (isLoopback(dst.ip) && world.nodeByAddress(dst.ip) === undefined))
  )
    return undefined;
  const out = plan.outcome;
  if (out.kind === 'pod') return { kind: 'pod', ip: out.pod.ip };
  if (out.kind === 'host') return { kind: 'host', ip: out.ip, port: out.port };
  // Refused by the pod itself (nothing listens), not by a REJECT rule: the node forwarded it.
  if (out.kind === 'refused' && world.podByIP(plan.seen.dst.ip)) return { kind: 'pod', ip: plan.seen.dst.ip };
  return undefined;
}

/** The flow's real socket toward its host target; a socket error ends the flow. */
function hostSocket(config: DatagramConfig, track: UdpTrack<UdpFlow>): UdpSocket {
  const flow = track.data;
  if (flow.socket) return flow.socket;
  const socket = createSocket('udp4');
  socket.unref();
  socket.on('message', (m) => flow.fromTarget(m));
  socket.on('error', () => config.conntrack.removeUdp(track));
  flow.socket = socket;
  return socket;
}

function closeQuietly(socket: UdpSocket | undefined): void {
  try {
    socket?.close();
  } catch {
    // Already closed.
  }
}
