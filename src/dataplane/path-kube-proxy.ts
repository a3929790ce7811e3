/**
 * The kube-proxy step of the path planner: what the node's rules decided for
 * the first packet (`PathWorld.evaluate`, i.e. `evaluatePacket`) applied to
 * the walk. REJECT refuses the connection, DROP lets it time out, ACCEPT
 * passes it on untouched, DNAT rewrites the destination to the chosen
 * endpoint and, when the rules masquerade, the source to the address the
 * node sends from (SNAT in POSTROUTING). The walk remembers the Service, the
 * proxying node and the rules' state updates for the executor to commit.
 */

import type { PacketResult } from '../proxy/evaluate/types.js';
import type { AddrPort, PathOptions, PathOutcome, PathWorld } from './path-types.js';
import { egressAddress, fmt, hop, type Walk } from './path-walk.js';

/** Remembered walks hand out one result many times: what is read of it, once per result. */
const chainsRead = new WeakMap<PacketResult, string>();
const servicesRead = new WeakMap<PacketResult, string | undefined>();

/** The chains the packet went through, for a hop's summary (built only when hops are recorded). */
function chainsOf(result: PacketResult): string {
  let chains = chainsRead.get(result);
  if (chains === undefined) {
    chains = [...new Set(result.matched.map((m) => m.chain))].join(' → ');
    chainsRead.set(result, chains);
  }
  return chains;
}

function serviceOf(result: PacketResult): string | undefined {
  if (servicesRead.has(result)) return servicesRead.get(result);
  const service = result.matched.find((m) => m.humanName)?.humanName;
  servicesRead.set(result, service);
  return service;
}

/**
 * Applies `result`, the verdict of `node`'s kube-proxy rules, to the walk.
 * Returns the outcome when the connection ends there (REJECT, DROP);
 * undefined when it goes on to routing, translated (DNAT) or not (ACCEPT).
 */
export function applyVerdict(
  world: PathWorld,
  node: string,
  result: PacketResult,
  options: PathOptions,
  walk: Walk,
): PathOutcome | undefined {
  const before = walk.tuple;
  const service = serviceOf(result);
  switch (result.verdict) {
    case 'REJECT':
    case 'DROP':
      return endAtProxy(node, result, walk, service);
    case 'ACCEPT':
      return undefined;
    case 'DNAT': {
      const ep = result.endpoint as AddrPort;
      const snatIP = result.masquerade ? masqueradeAddress(world, node, ep.ip, before.src.ip) : '';
      const src = result.masquerade ? { ip: snatIP, port: options.allocatePort(snatIP) } : before.src;
      walk.tuple = { src, dst: { ip: ep.ip, port: ep.port } };
      walk.service = service;
      walk.masquerade = result.masquerade;
      walk.proxyNode = node;
      walk.serviceAddress = before.dst;
      walk.unmasqueraded = result.masquerade ? before.src : undefined;
      walk.candidates = result.candidates;
      for (const u of result.updates) walk.updates.push(u);
      const snat = result.masquerade ? `, SNAT to ${fmt(src)} (masquerade)` : ', source kept';
      hop(walk, () => ({
        component: 'kube-proxy',
        action: 'Translated',
        node,
        summary: `${chainsOf(result)}: DNAT ${fmt(before.dst)} → ${fmt(ep)}${snat}${service ? ` [${service}]` : ''}`,
        before,
        after: walk.tuple,
        matched: result.matched,
        candidates: result.candidates,
      }));
      return undefined;
    }
  }
}

/** Whether the rule that rejected says the endpoints are only on other nodes. */
function rejectsForNoLocalEndpoints(result: PacketResult): boolean {
  const last = result.matched[result.matched.length - 1];
  return (
    last?.rule.matches.some((m) => m.kind === 'comment' && m.text.endsWith(' has no local endpoints')) ??
    false
  );
}

/** A REJECT (connection refused) or DROP (timeout) verdict: the connection ends on `node`. */
function endAtProxy(
  node: string,
  result: PacketResult,
  walk: Walk,
  service: string | undefined,
): PathOutcome {
  const before = walk.tuple;
  // The flow still names the Service it was refused for (Hubble's destination_service).
  walk.service = service;
  walk.proxyNode = node;
  walk.serviceAddress = before.dst;
  if (result.verdict === 'REJECT') {
    // ipvs rejects for externalTrafficPolicy Local too: its rule comment tells the two apart.
    const none = rejectsForNoLocalEndpoints(result) ? 'has no local endpoints' : 'has no endpoints';
    hop(walk, () => ({
      component: 'kube-proxy',
      action: 'Rejected',
      node,
      summary: `${chainsOf(result)}: REJECT${service ? ` (${service} ${none})` : ''}`,
      before,
      matched: result.matched,
    }));
    return {
      kind: 'refused',
      reason: service ? `service ${service} ${none}` : 'rejected by kube-proxy rules',
    };
  }
  hop(walk, () => ({
    component: 'kube-proxy',
    action: 'Dropped',
    node,
    summary: `${chainsOf(result)}: DROP${service ? ` (${service})` : ''}`,
    before,
    matched: result.matched,
  }));
  return {
    kind: 'dropped',
    reason: service ? `kube-proxy drops traffic to ${service} on ${node}` : 'dropped by kube-proxy rules',
  };
}

/**
 * The source `MASQUERADE` writes: the address of the interface the packet
 * leaves by, as the kernel picks it after routing (POSTROUTING). To a pod on
 * another node over IPIP or VXLAN that is the tunnel device's address (what
 * a Calico cluster's pods see for masqueraded traffic from other nodes);
 * otherwise the node's own address.
 */
function masqueradeAddress(world: PathWorld, node: string, endpointIP: string, fallback: string): string {
  return egressAddress(world, node, endpointIP) ?? world.nodeAddress(node) ?? fallback;
}
