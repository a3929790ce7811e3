/**
 * The rules that decide each route (reference calico.md §2.3 table), as pure
 * functions of the two nodes and the pool's encapsulation:
 *
 * | pool mode | route on A for B's block |
 * |---|---|
 * | no encapsulation (BIRD) | `<block> via <B> dev eth0 proto bird` |
 * | `ipipMode: Always` (BIRD) | `<block> via <B> dev tunl0 proto bird onlink` |
 * | `vxlanMode: Always` (Felix) | `<block> via <B's VXLAN tunnel IP> dev vxlan.calico onlink` |
 * | `*Mode: CrossSubnet`, B in A's subnet | the no-encapsulation route (Felix adds `proto 80 onlink` for VXLAN pools) |
 *
 * Blackholes for a node's own blocks are `proto bird` (BIRD) or `proto 80`
 * (Felix, VXLAN pools). The node's own routes are a default route and its
 * connected subnet; netkube's emulated node LAN is the topology's node subnet
 * and its router is a fiction (loopback has none, see `gatewayOf`).
 */
import {
  type Cidr,
  cidrContains,
  formatIPv4,
  networkOf,
  parseCidr,
  parseIPv4,
  sizeOf,
} from '../ipam/ipv4.js';
import { assertNever } from '../util/assert-never.js';
import type { Encapsulation, RemoteTarget, Route } from './routes.js';

/** How traffic to a pool's blocks is carried. */
export interface PoolMode {
  readonly kind: Encapsulation;
  readonly crossSubnet: boolean;
}

/** What the rules need to know about a node. */
export interface NodeView {
  readonly name: string;
  /** InternalIP; a node without one gets no routes to it. */
  readonly address: number | undefined;
  /** The node's connected subnet. */
  readonly subnet: Cidr | undefined;
  readonly vxlanTunnel: string | undefined;
}

export const NO_ENCAPSULATION: PoolMode = { kind: 'None', crossSubnet: false };

/**
 * The subnet a node address is connected to: the topology's node subnet when it
 * contains the address, else the /24 around it (nodes given explicit addresses).
 */
export function connectedSubnet(address: number, nodeSubnet: string | undefined): Cidr {
  const parsed = nodeSubnet ? parseCidr(nodeSubnet) : undefined;
  if (parsed && cidrContains(parsed, address)) return { network: parsed.network, prefix: parsed.prefix };
  return networkOf(address, 24);
}

/**
 * The node LAN's router: the subnet's first address, as on a Docker/kind
 * network (`172.18.0.1`), unless a node has that address (netkube numbers
 * loopback nodes from `.1`); then the subnet's last usable address.
 */
export function gatewayOf(subnet: Cidr, isNodeAddress: (ip: number) => boolean): string {
  const first = subnet.network + 1;
  return formatIPv4(isNodeAddress(first) ? subnet.network + Math.max(1, sizeOf(subnet.prefix) - 2) : first);
}

/** The node's own routes: `default via <router>` and its connected subnet. */
export function nodeBaseRoutes(node: NodeView, gateway: string): Route[] {
  if (node.address === undefined || !node.subnet) return [];
  return [
    { kind: 'default', dst: { network: 0, prefix: 0 }, via: gateway, dev: 'eth0' },
    { kind: 'connected', dst: node.subnet, dev: 'eth0', src: formatIPv4(node.address) },
  ];
}

/** The blackhole for one of the node's own blocks; none for /32 blocks. */
export function blackholeRoute(block: Cidr, mode: PoolMode): Route | undefined {
  if (block.prefix === 32) return undefined;
  return { kind: 'blackhole', dst: block, proto: mode.kind === 'VXLAN' ? '80' : 'bird' };
}

/**
 * The route on `from` for `dst`, which lives on node `to`. Undefined when `to`
 * cannot be reached (no address, or no VXLAN tunnel address for a VXLAN pool:
 * Felix programs nothing then).
 */
export function remoteRoute(
  from: NodeView,
  to: NodeView,
  dst: Cidr,
  mode: PoolMode,
  target: RemoteTarget,
): Route | undefined {
  if (to.address === undefined) return undefined;
  const via = formatIPv4(to.address);
  const base = { kind: 'remote', dst, target, node: to.name } as const;
  const sameSubnet = from.subnet !== undefined && cidrContains(from.subnet, to.address);
  if (mode.kind === 'None' || (mode.crossSubnet && sameSubnet)) {
    return mode.kind === 'VXLAN'
      ? { ...base, via, dev: 'eth0', encapsulation: 'None', proto: '80', onlink: true }
      : { ...base, via, dev: 'eth0', encapsulation: 'None', proto: 'bird', onlink: false };
  }
  if (mode.kind === 'IPIP')
    return { ...base, via, dev: 'tunl0', encapsulation: 'IPIP', proto: 'bird', onlink: true };
  if (!to.vxlanTunnel || parseIPv4(to.vxlanTunnel) === undefined) return undefined;
  return {
    ...base,
    via: to.vxlanTunnel,
    dev: 'vxlan.calico',
    encapsulation: 'VXLAN',
    proto: undefined,
    onlink: true,
  };
}

/** host-local mode: another node's podCIDR, routed directly (flannel host-gw / cloud routes style). */
export function podCidrRoute(to: NodeView, podCidr: Cidr): Route | undefined {
  if (to.address === undefined) return undefined;
  return {
    kind: 'remote',
    dst: podCidr,
    target: 'pod-cidr',
    node: to.name,
    via: formatIPv4(to.address),
    dev: 'eth0',
    encapsulation: 'None',
    proto: undefined,
    onlink: false,
  };
}

/** host-local mode: the node's own podCIDR on the bridge, `src` the bridge's `.1`. */
export function bridgeRoute(podCidr: Cidr): Route {
  return { kind: 'bridge', dst: podCidr, dev: 'cni0', src: formatIPv4(podCidr.network + 1) };
}

/** Pod MTU by encapsulation (Calico auto MTU on a 1500 underlay, `mtu.mdx`). */
export function podMtu(mode: PoolMode): number {
  switch (mode.kind) {
    case 'IPIP':
      return 1480;
    case 'VXLAN':
      return 1450;
    case 'None':
      return 1500;
    default:
      return assertNever(mode.kind, 'encapsulation');
  }
}
