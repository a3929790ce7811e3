/**
 * What happens to a new connection, hop by hop: the single decision function
 * the dataplane executes for real sockets and the tracer explains. It composes
 * the node's kube-proxy rules (`evaluatePacket`), the node's routes (Calico
 * routes from cni/), encapsulation between nodes, and delivery to the pod's
 * network namespace — returning the outcome, the tuple the receiver sees, and
 * every hop with the addresses before and after it.
 *
 * NetworkPolicy, when the world has it (`PathWorld.policy`), is checked where
 * Calico checks it: the source pod's egress on its node after kube-proxy's
 * DNAT and before routing, the destination pod's ingress on its node before
 * delivery (calico.md §2.3, §2.5, §4.1.8); a denial is a `policy` hop and a
 * `dropped` outcome.
 *
 * Pure: the cluster is read through `PathWorld`; randomness, affinity memory,
 * time and ephemeral ports are injected; state changes (affinity, ipvs cursors)
 * come back in `updates` for the executor to commit.
 *
 * This module is the entry (`planPath`, where the connection starts) and the
 * one the rest of netkube imports the planner's types from. The steps are
 * modules of their own: the types (`path-types.ts`), the walk every step
 * updates (`path-walk.ts`), the kube-proxy verdict (`path-kube-proxy.ts`),
 * a node's part and routing to delivery (`path-route.ts`), and NetworkPolicy
 * (`path-policy.ts`).
 */

import type { SourceRole } from '../proxy/evaluate/types.js';
import { deliver, fromNode } from './path-route.js';
import type { PathOptions, PathOutcome, PathPlan, PathRequest, PathWorld, Tuple } from './path-types.js';
import { egressAddress, fmt, hop, isLoopback, type Walk } from './path-walk.js';

export type {
  AddrPort,
  Hop,
  HopAction,
  HopComponent,
  NatOutgoing,
  Origin,
  PathChoices,
  PathOptions,
  PathOutcome,
  PathPlan,
  PathPod,
  PathRequest,
  PathRoute,
  PathWorld,
  Tuple,
} from './path-types.js';

/** Plans a new connection. Never throws on cluster state; unreachable ends are outcomes. */
export function planPath(world: PathWorld, request: PathRequest, options: PathOptions): PathPlan {
  const walk: Walk = {
    record: options.hops !== false,
    hops: [],
    tuple: request.tuple,
    service: undefined,
    masquerade: false,
    proxyNode: undefined,
    serviceAddress: undefined,
    candidates: [],
    updates: [],
    unmasqueraded: undefined,
    natOutgoing: undefined,
  };
  const outcome = planFrom(world, request, options, walk);
  return {
    outcome,
    seen: walk.tuple,
    hops: walk.hops,
    service: walk.service,
    masquerade: walk.masquerade,
    proxyNode: walk.proxyNode,
    serviceAddress: walk.serviceAddress,
    candidates: walk.candidates,
    updates: walk.updates,
    natOutgoing: walk.natOutgoing,
  };
}

/**
 * The original direction of the connection's conntrack entry on `node`: the
 * tuple as the client sent it, except on a node other than the one whose
 * natOutgoing SNATed it — that node (where kube-proxy translated it, say)
 * only ever saw the node's address, and `conntrack -L` there shows it.
 */
export function conntrackOriginal(plan: PathPlan, original: Tuple, node: string): Tuple {
  const nat = plan.natOutgoing;
  return nat && nat.node !== node ? { src: nat.to, dst: original.dst } : original;
}

function planFrom(world: PathWorld, request: PathRequest, options: PathOptions, walk: Walk): PathOutcome {
  const { origin } = request;
  const dst = request.tuple.dst;
  if (origin.kind === 'pod') {
    hop(walk, () => ({
      component: 'pod',
      action: 'Forwarded',
      node: origin.node,
      summary: `${origin.namespace}/${origin.name} sends from eth0 (${origin.ip})`,
      before: walk.tuple,
    }));
    // Inside the pod's own network namespace: loopback and its own address never leave it.
    if ((isLoopback(dst.ip) && world.nodeByAddress(dst.ip) === undefined) || dst.ip === origin.ip) {
      const pod = world.podByIP(origin.ip);
      if (!pod) return { kind: 'dropped', reason: 'the pod has no network' };
      walk.tuple = {
        src: { ip: dst.ip === origin.ip ? origin.ip : '127.0.0.1', port: request.tuple.src.port },
        dst,
      };
      return deliver(world, pod, request.protocol, walk, 'lo');
    }
    return fromNode(world, request, options, walk, origin.node, 'pod-local', 0);
  }
  if (origin.kind === 'node') {
    // The node's kernel picks the source by the route to the destination: to a pod on
    // another node over a tunnel, the tunnel device's address; to its own loopback
    // (`local 127.0.0.0/8 dev lo src 127.0.0.1`), 127.0.0.1, which KUBE-FIREWALL lets through.
    const src = isLoopback(dst.ip) ? '127.0.0.1' : egressAddress(world, origin.node, dst.ip);
    if (src !== undefined && src !== walk.tuple.src.ip)
      walk.tuple = { src: { ...walk.tuple.src, ip: src }, dst };
    return fromNode(world, request, options, walk, origin.node, 'node-local', 0);
  }
  const node = request.entryNode ?? world.nodeByAddress(dst.ip);
  if (!node) return { kind: 'dropped', reason: `no node owns ${dst.ip}` };
  if (!world.nodeUp(node)) return { kind: 'dropped', reason: `node ${node} is down` };
  const srcNode = world.nodeByAddress(request.tuple.src.ip);
  const role: SourceRole =
    srcNode === undefined ? 'external' : srcNode === node ? 'node-local' : 'node-remote';
  hop(walk, () => ({
    component: 'node',
    action: 'Forwarded',
    node,
    summary: `${node} accepts ${fmt(dst)} from ${fmt(request.tuple.src)}`,
    before: walk.tuple,
  }));
  return fromNode(world, request, options, walk, node, role, 0);
}
