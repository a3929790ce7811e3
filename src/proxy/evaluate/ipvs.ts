/**
 * Evaluates a packet in ipvs mode: the virtual server for the destination, the
 * loadBalancerSourceRanges check, persistence (ClientIP affinity), the scheduler, and
 * masquerade as ipvs mode's companion iptables rules decide it (kube-proxy.md §4 notes).
 * A virtual server without real servers answers ICMP port unreachable (the kernel's
 * `ip_vs_leave`), so the verdict is REJECT where iptables mode would DROP for
 * externalTrafficPolicy Local without local endpoints.
 */

import { ruleAddressMatches } from '../addresses.js';
import { getBucket } from '../bucket-map.js';
import { comment, type L4Protocol, type Match, type Rule, rule } from '../rules.js';
import {
  type IpvsRealServer,
  type IpvsRuleSet,
  type IpvsVirtualServer,
  virtualServerKey,
} from '../ruleset.js';
import { schedule } from './ipvs-schedulers.js';
import type { Candidate, EvaluateOptions, MatchedRule, Packet, PacketResult, StateUpdate } from './types.js';

/** The affinity name of one real server of one virtual server (an ipvs persistence template). */
export function persistenceName(vsKey: string, rs: IpvsRealServer): string {
  return `ipvs:${vsKey}->${rs.ip}:${rs.port}`;
}

function masqueraded(
  ruleSet: IpvsRuleSet,
  vs: IpvsVirtualServer,
  packet: Packet,
  rs: IpvsRealServer,
): boolean {
  if (packet.srcIP === rs.ip) return true;
  if (vs.role === 'cluster-ip') {
    if (ruleSet.options.masqueradeAll) return true;
    const podCIDR = ruleSet.options.podCIDR;
    return podCIDR !== undefined && !ruleAddressMatches(podCIDR, packet.srcIP, ruleSet.options);
  }
  return !vs.policyLocal;
}

function sourceAllowed(ruleSet: IpvsRuleSet, vs: IpvsVirtualServer, packet: Packet): boolean {
  if (vs.sourceRanges.length === 0) return true;
  const nodeIP = ruleSet.options.nodeIPs[0];
  const fromNode =
    nodeIP !== undefined && vs.sourceRanges.some((c) => ruleAddressMatches(c, nodeIP, ruleSet.options));
  return (
    vs.sourceRanges.some((c) => ruleAddressMatches(c, packet.srcIP, ruleSet.options)) ||
    (fromNode && packet.srcIP === vs.ip)
  );
}

/**
 * Whether a persistence template made at `seen` is still there at `now`. Its timer
 * fires every `timeoutMs` from the last connection it scheduled; a firing while it
 * still controls connections (open, or closed but in TIME_WAIT: `n_control` in
 * `ip_vs_conn_expire`) re-arms it for another timeout.
 */
export function templateAlive(
  seen: number,
  now: number,
  timeoutMs: number,
  controlledUntil?: number,
): boolean {
  if (now - seen <= timeoutMs) return true;
  if (controlledUntil === undefined || controlledUntil <= seen) return false;
  if (controlledUntil === Number.POSITIVE_INFINITY) return true;
  const firings = Math.max(1, Math.ceil((controlledUntil - seen) / timeoutMs));
  return now <= seen + firings * timeoutMs;
}

function persistent(
  vs: IpvsVirtualServer,
  vsKey: string,
  packet: Packet,
  options: EvaluateOptions,
): number | undefined {
  if (vs.persistenceSeconds <= 0 || !options.affinity) return undefined;
  const now = options.now ?? 0;
  const index = vs.realServers.findIndex((rs) => {
    if (rs.weight <= 0) return false;
    const seen = options.affinity?.lastSeen(persistenceName(vsKey, rs), packet.srcIP);
    if (seen === undefined) return false;
    const until = options.ipvsConnections?.controlledUntil?.(vsKey, `${rs.ip}:${rs.port}`, packet.srcIP);
    return templateAlive(seen, now, vs.persistenceSeconds * 1000, until);
  });
  return index < 0 ? undefined : index;
}

function step(vs: IpvsVirtualServer, index: number, r: Rule): MatchedRule {
  return {
    table: 'ipvs',
    chain: `${vs.protocol}  ${vs.ip}:${vs.port} ${vs.scheduler}`,
    ruleIndex: index,
    rule: r,
    humanName: vs.service,
  };
}

function outcome(
  packet: Packet,
  verdict: 'ACCEPT' | 'REJECT' | 'DROP',
  matched: MatchedRule[],
): PacketResult {
  return { verdict, candidates: [], masquerade: false, sourceSeen: packet.srcIP, matched, updates: [] };
}

/** The real server the kernel would pick: a persistence template first, else the scheduler. */
function chooseRealServer(vs: IpvsVirtualServer, vsKey: string, packet: Packet, options: EvaluateOptions) {
  const servers = vs.realServers;
  const sticky = persistent(vs, vsKey, packet, options);
  if (sticky !== undefined) return { index: sticky, sticky: true, cursor: undefined };
  const counts = servers.map(
    (rs) => options.ipvsConnections?.connections(vsKey, `${rs.ip}:${rs.port}`) ?? { active: 0, inactive: 0 },
  );
  const cursor = options.ipvsCursors?.cursor(vsKey);
  const choice = schedule(vs.scheduler, {
    servers,
    counts,
    cursor,
    srcIP: packet.srcIP,
    dstIP: packet.dstIP,
  });
  return { index: choice.index, sticky: false, cursor: choice.cursor };
}

function refusal(
  vs: IpvsVirtualServer,
  packet: Packet,
  verdict: 'DROP' | 'REJECT',
  why: string,
): PacketResult {
  const action = { kind: verdict === 'DROP' ? 'drop' : 'reject' } as const;
  return outcome(packet, verdict, [step(vs, -1, rule([comment(why)], action, vs.service))]);
}

/** ipvs-mode evaluation; see the module comment. Pure. */
export function evaluateIpvs(ruleSet: IpvsRuleSet, packet: Packet, options: EvaluateOptions): PacketResult {
  const vsKey = virtualServerKey(packet.protocol, packet.dstIP, packet.dstPort);
  const vs = getBucket(ruleSet.servers, vsKey);
  if (!vs) return outcome(packet, 'ACCEPT', []);
  if (!sourceAllowed(ruleSet, vs, packet))
    return refusal(vs, packet, 'DROP', `${vs.service} loadBalancerSourceRanges`);
  const choice = chooseRealServer(vs, vsKey, packet, options);
  const rs = choice.index === undefined ? undefined : vs.realServers[choice.index];
  if (!rs) return refusal(vs, packet, 'REJECT', vs.noEndpointsComment);
  const masquerade = masqueraded(ruleSet, vs, packet, rs);
  const updates: StateUpdate[] = [];
  if (vs.persistenceSeconds > 0) {
    updates.push({ kind: 'affinity', name: persistenceName(vsKey, rs), clientIP: packet.srcIP });
  }
  if (choice.cursor) updates.push({ kind: 'ipvs-cursor', vsKey, cursor: choice.cursor });
  const candidates: Candidate[] = vs.realServers
    .filter((s) => s.weight > 0)
    .map((s) => ({
      endpoint: `${s.ip}:${s.port}`,
      ip: s.ip,
      port: s.port,
      probability: s === rs ? 1 : 0,
      masquerade: masqueraded(ruleSet, vs, packet, s),
    }));
  const protocol: Match = { kind: 'protocol', protocol: vs.protocol.toLowerCase() as L4Protocol };
  const how = comment(choice.sticky ? 'persistence' : vs.scheduler);
  const dnat = rule([protocol, how], { kind: 'dnat', ip: rs.ip, port: rs.port }, vs.service);
  return {
    verdict: 'DNAT',
    endpoint: { ip: rs.ip, port: rs.port },
    candidates,
    masquerade,
    sourceSeen: masquerade ? (ruleSet.options.nodeIPs[0] ?? packet.srcIP) : packet.srcIP,
    matched: [step(vs, choice.index ?? -1, dnat)],
    updates,
  };
}
