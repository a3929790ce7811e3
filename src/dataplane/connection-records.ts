/**
 * What the connection executor (`connections.ts`) writes down for each
 * connection it carries: the state updates its plan's rules remembered
 * (affinity, ipvs cursors), a conntrack entry and the ipvs connection count
 * (active while it is open, inactive through TIME_WAIT after), and its flow
 * record when it ends — or at once, for a connection that never opens
 * (refused, dropped) and for a UDP exchange.
 *
 * Functions over the executor's config rather than methods: they keep no
 * state of their own, and the socket code in `host-sockets.ts` tracks the
 * connections it relays with them too.
 */
import type { Duplex } from 'node:stream';
import { virtualServerKey } from '../proxy/ruleset.js';
import type { Clock } from '../util/clock.js';
import type { L4Protocol } from '../workloads/types.js';
import type { ConntrackEntry, ConntrackTable } from './conntrack.js';
import { emitConnection, type FlowSink } from './flow.js';
import { conntrackOriginal, type Origin, type PathPlan, type PathWorld, type Tuple } from './path.js';
import type { NodeProxyState } from './world.js';

/** The part of the executor's config the records use (`ConnectionExecutorConfig` has it). */
export interface ConnectionRecordsConfig {
  readonly world: PathWorld;
  readonly nodeState: (node: string) => NodeProxyState;
  readonly conntrack: ConntrackTable;
  readonly flows: FlowSink;
  readonly clock: Clock;
}

/** Commits what the rules remembered (affinity, ipvs cursors) once the connection is really opened. */
export function commitPlan(config: ConnectionRecordsConfig, plan: PathPlan): void {
  if (!plan.proxyNode || plan.updates.length === 0) return;
  const state = config.nodeState(plan.proxyNode);
  state.affinity.commit(plan.updates, config.clock.now());
  state.ipvs.commit(plan.updates);
}

/** Adds a conntrack entry and closes it (with a flow record) when the sockets close. */
export function trackConnection(
  config: ConnectionRecordsConfig,
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
  // With persistence, the client its template is kept for (the template controls the connection).
  const template = vs ? plan.updates.find((u) => u.kind === 'affinity')?.clientIP : undefined;
  if (vs && plan.proxyNode) config.nodeState(plan.proxyNode).ipvs.opened(vs, realServer, template);
  // As `node` saw it: after another node's natOutgoing, from that node's address.
  const arrived = conntrackOriginal(plan, original, node);
  const entry = config.conntrack.add({
    node,
    protocol,
    original: {
      src: arrived.src.ip,
      sport: arrived.src.port,
      dst: arrived.dst.ip,
      dport: arrived.dst.port,
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
    createdAt: config.clock.now(),
    bytesOriginal: 0,
    bytesReply: 0,
  });
  const first = sockets[0] as Duplex & { bytesRead?: number; bytesWritten?: number };
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    if (vs && plan.proxyNode) config.nodeState(plan.proxyNode).ipvs.closed(vs, realServer, template);
    entry.bytesOriginal = first.bytesRead ?? 0;
    entry.bytesReply = first.bytesWritten ?? 0;
    endConnection(config, entry, plan, origin, original, protocol, 'FORWARDED', undefined);
  };
  // 'close' is emitted once per socket and `closed` guards the pair: plain `on`, no once-wrapper.
  for (const s of sockets) s.on('close', onClose);
  return entry;
}

/**
 * Removes the connection's conntrack entry and emits its flow record (when
 * flows are on). Called once per tracked connection: when its sockets close,
 * or when the pod it was delivered to did not take it.
 */
export function endConnection(
  config: ConnectionRecordsConfig,
  entry: ConntrackEntry,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  protocol: L4Protocol,
  verdict: 'FORWARDED' | 'DROPPED',
  reason: string | undefined,
): void {
  config.conntrack.remove(entry.id);
  if (!config.flows.enabled) return;
  const bytes = { sent: entry.bytesOriginal, received: entry.bytesReply };
  emitFlow(config, plan, origin, original, protocol, reason, verdict, entry.createdAt, bytes);
}

/**
 * Ends a tracked TCP connection its pod did not take (nothing listened on the
 * destination port by the time it was delivered) with a DROPPED flow.
 */
export function endUndelivered(
  config: ConnectionRecordsConfig,
  entry: ConntrackEntry,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
): void {
  endConnection(
    config,
    entry,
    plan,
    origin,
    original,
    'TCP',
    'DROPPED',
    'nothing listens on the destination port',
  );
}

/**
 * Emits the flow record of a connection that gets no conntrack entry (when
 * flows are on): refused or dropped TCP (`reason` says why), and UDP
 * exchanges (`reason` undefined when forwarded).
 */
export function recordFlow(
  config: ConnectionRecordsConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  protocol: L4Protocol,
  reason: string | undefined,
): void {
  if (!config.flows.enabled) return;
  emitFlow(config, plan, origin, original, protocol, reason, reason ? 'DROPPED' : 'FORWARDED');
}

const NO_BYTES = { sent: 0, received: 0 };

/**
 * Hands a connection's flow to the sink, ending now. Without `startedAt` it
 * also starts now and carried nothing (a refused, dropped or UDP exchange).
 */
function emitFlow(
  config: ConnectionRecordsConfig,
  plan: PathPlan,
  origin: Origin,
  original: Tuple,
  protocol: L4Protocol,
  reason: string | undefined,
  verdict: 'FORWARDED' | 'DROPPED',
  startedAt?: number,
  bytes = NO_BYTES,
): void {
  const now = config.clock.now();
  emitConnection(config.flows, {
    plan,
    origin,
    original,
    protocol,
    verdict,
    reason,
    startedAt: startedAt ?? now,
    endedAt: now,
    bytes,
    world: config.world,
  });
}

function nodeOfOrigin(origin: Origin, plan: PathPlan): string {
  if (origin.kind !== 'host') return origin.node;
  return plan.hops.find((h) => h.node)?.node ?? '';
}
