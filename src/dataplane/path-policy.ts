/**
 * The NetworkPolicy step of the path planner, where Calico checks it: the
 * source pod's egress on its node after kube-proxy's DNAT and before
 * routing, the destination pod's ingress on its node before delivery
 * (calico.md §2.3, §2.5, §4.1.8). Only when the world has policy
 * (`PathWorld.policy`); a denial is a `policy` hop and a `dropped` outcome.
 */

import { explainPolicy, type PolicyDirection } from '../cni/policy/index.js';
import type { L4Protocol } from '../workloads/types.js';
import type { AddrPort, PathOutcome, PathPod, PathWorld } from './path-types.js';
import { hop, type Walk } from './path-walk.js';

/**
 * The source the destination pod's ingress policy sees. kube-proxy marks for
 * masquerade in nat PREROUTING but rewrites the source only in POSTROUTING,
 * after Calico's filter chains: when the DNAT happened on the pod's own node,
 * policy sees the client's address; when it happened on another node, the
 * packet arrives already masqueraded to that node's address.
 */
export function ingressSource(walk: Walk, pod: PathPod): AddrPort {
  return walk.masquerade && walk.proxyNode === pod.node && walk.unmasqueraded
    ? walk.unmasqueraded
    : walk.tuple.src;
}

/**
 * Asks the world's NetworkPolicy, when it has one, whether `direction` lets
 * the connection through on `node` (source `src`, destination as the walk now
 * has it). Records a `policy` hop only when a policy selects the pod end, so
 * clusters without policies trace exactly as before. A denial is `dropped`:
 * Calico's default tier ends in Deny, which Felix renders as DROP (calico.md
 * §4.2), so the client times out rather than being refused.
 */
export function enforcePolicy(
  world: PathWorld,
  direction: PolicyDirection,
  protocol: L4Protocol,
  walk: Walk,
  node: string,
  src: AddrPort,
): PathOutcome | undefined {
  if (!world.policy || world.hasPolicies?.() === false) return undefined;
  const dst = walk.tuple.dst;
  const verdict = world.policy(direction, {
    protocol,
    srcIP: src.ip,
    srcPort: src.port,
    dstIP: dst.ip,
    dstPort: dst.port,
  });
  if (verdict.allowed) {
    if (verdict.selectedBy.length > 0)
      hop(walk, () => ({
        component: 'policy',
        action: 'Forwarded',
        node,
        summary: `${direction}: ${explainPolicy(verdict)}`,
        before: walk.tuple,
        policy: verdict,
      }));
    return undefined;
  }
  const reason = explainPolicy(verdict);
  hop(walk, () => ({
    component: 'policy',
    action: 'Dropped',
    node,
    summary: `${direction}: ${reason}`,
    before: walk.tuple,
    policy: verdict,
  }));
  return { kind: 'dropped', reason: `${direction.toLowerCase()} ${reason}` };
}
