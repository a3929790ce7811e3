/**
 * Routes as typed data (not kernel routes): what `ip route` on a node would show
 * under Calico (reference calico.md §2.3–2.4) or the bridge + host-local setup
 * (§3.2), with the reason each exists, so the tracer and the dataplane can act
 * on them and `netkube routes NODE` can print them.
 *
 * Pure functions: rendering in iproute2's format, ordering (default first,
 * then ascending destination, shorter prefix first, as §2.4 lists them) and
 * longest-prefix-match lookup.
 */

import { type Cidr, cidrContains, compareCidrs, formatIPv4, parseIPv4 } from '../ipam/ipv4.js';
import { assertNever } from '../util/assert-never.js';

export type Encapsulation = 'IPIP' | 'VXLAN' | 'None';

/** What a route to another node carries traffic for. */
export type RemoteTarget =
  /** Emitted for every block affine to another node. */
  | 'block'
  /** Emitted for an address a node borrowed from a block it does not own (a `/32`). */
  | 'borrowed-ip'
  /** Emitted in host-local mode for another node's podCIDR. */
  | 'pod-cidr';

export type Route =
  /** Emitted once per node: its default gateway. */
  | { readonly kind: 'default'; readonly dst: Cidr; readonly via: string; readonly dev: 'eth0' }
  /** Emitted once per node: the node's own subnet (`proto kernel scope link src <node>`). */
  | { readonly kind: 'connected'; readonly dst: Cidr; readonly dev: 'eth0'; readonly src: string }
  /** Emitted per pod on this node, Calico mode: `<ip> dev caliXXX scope link`. */
  | {
      readonly kind: 'local-pod';
      readonly dst: Cidr;
      readonly dev: string;
      readonly namespace: string;
      readonly pod: string;
    }
  /** Emitted per block affine to this node: unassigned addresses are dropped. */
  | { readonly kind: 'blackhole'; readonly dst: Cidr; readonly proto: 'bird' | '80' }
  /** Emitted per remote block, borrowed address or podCIDR: traffic goes to `node`. */
  | {
      readonly kind: 'remote';
      readonly dst: Cidr;
      readonly target: RemoteTarget;
      readonly node: string;
      readonly via: string;
      readonly dev: 'tunl0' | 'vxlan.calico' | 'eth0';
      readonly encapsulation: Encapsulation;
      readonly proto: 'bird' | '80' | undefined;
      readonly onlink: boolean;
    }
  /** Emitted once per node in host-local mode: its podCIDR on the bridge. */
  | { readonly kind: 'bridge'; readonly dst: Cidr; readonly dev: 'cni0'; readonly src: string };

/** `default`, `10.244.1.0/26`, or a bare address for a `/32`, as iproute2 prints destinations. */
export function formatDestination(dst: Cidr): string {
  if (dst.prefix === 0) return 'default';
  const ip = formatIPv4(dst.network);
  return dst.prefix === 32 ? ip : `${ip}/${dst.prefix}`;
}

/** One line of `ip route` output. */
export function renderRoute(route: Route): string {
  const dst = formatDestination(route.dst);
  switch (route.kind) {
    case 'default':
      return `default via ${route.via} dev ${route.dev}`;
    case 'connected':
      return `${dst} dev ${route.dev} proto kernel scope link src ${route.src}`;
    case 'local-pod':
      return `${dst} dev ${route.dev} scope link`;
    case 'blackhole':
      return `blackhole ${dst} proto ${route.proto}`;
    case 'remote':
      return `${dst} via ${route.via} dev ${route.dev}${route.proto ? ` proto ${route.proto}` : ''}${route.onlink ? ' onlink' : ''}`;
    case 'bridge':
      return `${dst} dev ${route.dev} proto kernel scope link src ${route.src}`;
    default:
      return assertNever(route, 'route');
  }
}

/** Route order of `ip route`: default first, then by destination, shorter prefix first. */
export function compareRoutes(a: Route, b: Route): number {
  return compareCidrs(a.dst, b.dst);
}

/** The whole table as `ip route` prints it (one line per route, trailing newline). */
export function renderRoutes(routes: readonly Route[]): string {
  const sorted = [...routes].sort(compareRoutes);
  return sorted.map((r) => `${renderRoute(r)}\n`).join('');
}

/**
 * Longest-prefix match: the route the kernel would use for `dst`, blackholes
 * included (the caller drops the packet then). Undefined when nothing matches
 * or `dst` is not an IPv4 address. Linear in the table size;
 * `NetworkReadModel.lookupRoute` gives the same answer from its indexes.
 */
export function lookupRoute(routes: readonly Route[], dst: string | number): Route | undefined {
  const ip = typeof dst === 'number' ? dst : parseIPv4(dst);
  if (ip === undefined) return undefined;
  let best: Route | undefined;
  for (const r of routes) {
    if (cidrContains(r.dst, ip) && (!best || r.dst.prefix > best.dst.prefix)) best = r;
  }
  return best;
}
