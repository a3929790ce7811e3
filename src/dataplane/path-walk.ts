/**
 * The walk: the plan under construction as the path planner's steps
 * (`path.ts`, `path-kube-proxy.ts`, `path-route.ts`, `path-policy.ts`) pass
 * it along — the tuple as it is now, what kube-proxy did to it, and the hops
 * when they are recorded — and the small helpers every step shares.
 */

import { isEmulatedRoutableAddress } from '../api/validation/ip.js';
import type { Candidate, StateUpdate } from '../proxy/evaluate/types.js';
import type { AddrPort, Hop, NatOutgoing, PathWorld, Tuple } from './path-types.js';

/**
 * The state of one `planPath` call. Steps update it in place (one object per
 * plan, no copies per hop); `planPath` reads it back into the `PathPlan`.
 */
export interface Walk {
  readonly record: boolean;
  readonly hops: Hop[];
  tuple: Tuple;
  service: string | undefined;
  masquerade: boolean;
  proxyNode: string | undefined;
  serviceAddress: AddrPort | undefined;
  candidates: readonly Candidate[];
  updates: StateUpdate[];
  /** The source before kube-proxy's masquerade (what policy on the DNAT node sees, see `ingressSource`). */
  unmasqueraded: AddrPort | undefined;
  /** Calico's natOutgoing SNAT, once the packet left a node with it (`path-route.ts`). */
  natOutgoing: NatOutgoing | undefined;
}

/** Records a hop when the walk records hops; the closure keeps string building off the hot path. */
export function hop(walk: Walk, make: () => Hop): void {
  if (walk.record) walk.hops.push(make());
}

/** `ip:port`, for hop summaries and outcome reasons. */
export function fmt(a: AddrPort): string {
  return `${a.ip}:${a.port}`;
}

/** 127/8, less the ranges netkube emulates as routable (node addresses, the load-balancer pool). */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') && !isEmulatedRoutableAddress(ip);
}

/** The tunnel address `node` sends from toward a pod on another node; undefined otherwise. */
export function egressAddress(world: PathWorld, node: string, ip: string): string | undefined {
  const pod = world.podByIP(ip);
  if (!pod || pod.node === node) return undefined;
  const r = world.route(node, ip);
  return r?.kind === 'remote' ? r.src : undefined;
}
