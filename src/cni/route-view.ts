/**
 * A node's routes as implied by the NetworkReadModel's shared indexes
 * (reference calico.md §2.3), for listing and for lookup. Both apply the same
 * rules, so `lookupOn(model, node, ip)` always equals the longest-prefix match
 * over `routesOf(model, node)` (a property test holds them to it):
 *
 * - the node's default route and connected subnet;
 * - per block: blackhole on its owner, a remote route elsewhere (host-local:
 *   the podCIDR on the bridge for its node, a remote route elsewhere);
 * - per pod on the node (Calico): `<ip>/32 dev cali…`;
 * - per borrowed address on another node: `<ip>/32` to the borrower.
 *
 * When two rules give the same destination, the more specific purpose wins:
 * local pod, then borrowed address, then block, then the node's own routes.
 */
import { cidrContains, compareCidrs, maskOf } from '../ipam/ipv4.js';
import type { BlockState, NetworkReadModel, NodeState } from './network-model.js';
import {
  blackholeRoute,
  bridgeRoute,
  gatewayOf,
  nodeBaseRoutes,
  podCidrRoute,
  remoteRoute,
} from './route-rules.js';
import type { Route } from './routes.js';

/** The node's default and connected routes, cached until a node changes. */
function baseRoutes(model: NetworkReadModel, node: NodeState): readonly Route[] {
  if (node.base?.version === model.nodesVersion) return node.base.routes;
  const gateway = node.subnet ? gatewayOf(node.subnet, (ip) => model.nodeAddresses.has(ip)) : '';
  node.base = { version: model.nodesVersion, routes: nodeBaseRoutes(node, gateway) };
  return node.base.routes;
}

/** The route `node` has for a block (or podCIDR); undefined when none (owner unknown or unreachable). */
function blockRoute(model: NetworkReadModel, node: NodeState, block: BlockState): Route | undefined {
  if (block.owner === undefined) return undefined;
  const hostLocal = model.mode === 'host-local';
  if (block.owner === node.name)
    return hostLocal ? bridgeRoute(block.cidr) : blackholeRoute(block.cidr, block.mode);
  const owner = model.nodes.get(block.owner);
  if (!owner) return undefined;
  return hostLocal
    ? podCidrRoute(owner, block.cidr)
    : remoteRoute(node, owner, block.cidr, block.mode, 'block');
}

function localPodRoute(model: NetworkReadModel, ip: number): Route | undefined {
  const pod = model.pods.get(ip);
  if (!pod || model.mode === 'host-local') return undefined;
  return {
    kind: 'local-pod',
    dst: { network: ip, prefix: 32 },
    dev: pod.veth,
    namespace: pod.namespace,
    pod: pod.pod,
  };
}

function borrowedRoute(model: NetworkReadModel, node: NodeState, ip: number): Route | undefined {
  const borrower = model.borrowed.get(ip);
  if (borrower === undefined || borrower === node.name) return undefined;
  const to = model.nodes.get(borrower);
  const block = model.blockOf(ip);
  return to && block
    ? remoteRoute(node, to, { network: ip, prefix: 32 }, block.mode, 'borrowed-ip')
    : undefined;
}

/** Every route of `node`, in `ip route` order. */
export function routesOf(model: NetworkReadModel, name: string): Route[] {
  const node = model.nodes.get(name);
  if (!node) return [];
  const byDst = new Map<number, Route>();
  const put = (r: Route | undefined) => {
    if (r && !byDst.has(r.dst.network * 64 + r.dst.prefix)) byDst.set(r.dst.network * 64 + r.dst.prefix, r);
  };
  for (const ip of node.pods) put(localPodRoute(model, ip));
  for (const ip of model.borrowed.keys()) put(borrowedRoute(model, node, ip));
  for (const block of model.blocks.values()) put(blockRoute(model, node, block));
  for (const r of baseRoutes(model, node)) put(r);
  return [...byDst.values()].sort((a, b) => compareCidrs(a.dst, b.dst));
}

function longer(a: Route | undefined, b: Route | undefined): Route | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.dst.prefix > a.dst.prefix ? b : a;
}

/** The route `node` uses for `ip`: the longest prefix match over `routesOf`, without listing. */
export function lookupOn(model: NetworkReadModel, name: string, ip: number): Route | undefined {
  const node = model.nodes.get(name);
  if (!node) return undefined;
  if (node.pods.has(ip)) {
    const local = localPodRoute(model, ip);
    if (local) return local;
  }
  const borrowed = borrowedRoute(model, node, ip);
  if (borrowed) return borrowed;
  let best: Route | undefined;
  for (const prefix of model.blockPrefixes.keys()) {
    const block = model.blocks.get(((ip & maskOf(prefix)) >>> 0) * 64 + prefix);
    if (block) best = longer(best, blockRoute(model, node, block));
  }
  for (const r of baseRoutes(model, node)) {
    if (cidrContains(r.dst, ip) && (!best || r.dst.prefix > best.dst.prefix)) best = r;
  }
  return best;
}
