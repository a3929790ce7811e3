/**
 * The NetworkPolicy decision (calico.md §4.1, decision procedure of §4.1):
 *
 *   allowed(S→D) = egress(S) && ingress(D)
 *   egress(S)  = S is not a pod || S is not egress-isolated
 *                || ∃ egress rule r of a policy selecting S: peer(r.to, D) && port(r.ports, D)
 *   ingress(D) = D is not a pod || D is not ingress-isolated || S is D || S is D's node
 *                || ∃ ingress rule r of a policy selecting D: peer(r.from, S) && port(r.ports, D)
 *
 * Policies are additive allow-lists: no order changes the result, so the
 * first allowing rule in Calico's evaluation order (policies of the default
 * tier by name, rules in list order, calico.md §4.2) is reported. Isolated
 * and nothing allows → default deny (the `default` tier's implicit Deny).
 *
 * Pure: reads a `PolicyView`, never throws, never logs.
 */
import { parseIPv4 } from '../../util/ipv4.js';
import type {
  CompiledPeer,
  CompiledPolicy,
  CompiledPort,
  CompiledRule,
  ConnectionVerdict,
  ObjectRef,
  PolicyConnection,
  PolicyDirection,
  PolicyPod,
  PolicyReason,
  PolicyVerdict,
  PolicyView,
} from './types.js';

/** The other end of the connection, as a peer selector sees it. */
interface Peer {
  readonly ip: number | undefined;
  readonly pod: PolicyPod | undefined;
}

function isolates(policy: CompiledPolicy, direction: PolicyDirection): boolean {
  return direction === 'Ingress' ? policy.ingressIsolates : policy.egressIsolates;
}

/** Policies of the pod's namespace that select it for `direction`, in evaluation order. */
export function selectingPolicies(
  view: PolicyView,
  pod: PolicyPod,
  direction: PolicyDirection,
): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (const p of view.policiesIn(pod.namespace)) {
    if (isolates(p, direction) && p.podSelector.matches(pod.labels)) out.push(p);
  }
  return out;
}

function peerMatches(peer: CompiledPeer, policyNamespace: string, view: PolicyView, other: Peer): boolean {
  if (peer.kind === 'ipBlock') {
    // Calico matches ipBlocks against any address, pod IPs included (calico.md §4.1.8).
    const ip = other.ip;
    if (!peer.cidr || ip === undefined) return false;
    if (ip < peer.cidr.base || ip >= peer.cidr.base + peer.cidr.size) return false;
    return !peer.except.some((c) => ip >= c.base && ip < c.base + c.size);
  }
  // Selectors only ever match pods: nodes, hostNetwork pods and outside addresses need an ipBlock.
  const pod = other.pod;
  if (!pod) return false;
  const inNamespace = peer.namespaceSelector
    ? peer.namespaceSelector.matches(view.namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return inNamespace && (peer.podSelector === undefined || peer.podSelector.matches(pod.labels));
}

/**
 * Whether a `ports` item admits the connection. Named ports resolve on the
 * destination pod (its container port of that name and protocol), so they
 * never match a destination that is not a pod (calico.md §4.1.9).
 */
function portMatches(
  port: CompiledPort,
  conn: PolicyConnection,
  destination: PolicyPod | undefined,
): boolean {
  if (port.protocol !== conn.protocol) return false;
  const p = port.port;
  if (p === undefined) return true;
  if (typeof p === 'number') {
    return port.endPort === undefined
      ? conn.dstPort === p
      : conn.dstPort >= p && conn.dstPort <= port.endPort;
  }
  if (!destination) return false;
  return destination.ports.some(
    (n) => n.name === p && n.protocol === conn.protocol && n.port === conn.dstPort,
  );
}

function firstIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  if (items.length === 0) return -1;
  for (let i = 0; i < items.length; i++) if (test(items[i] as T)) return i;
  return -2;
}

/** The reason a rule allows the connection, or undefined when it does not. */
function ruleAllows(
  rule: CompiledRule,
  at: { readonly policy: CompiledPolicy; readonly index: number },
  view: PolicyView,
  other: Peer,
  conn: PolicyConnection,
  destination: PolicyPod | undefined,
): PolicyReason | undefined {
  // -1: the list is empty (matches everything); -2: nothing in it matched.
  const port = firstIndex(rule.ports, (p) => portMatches(p, conn, destination));
  if (port === -2) return undefined;
  const peer = firstIndex(rule.peers, (p) => peerMatches(p, at.policy.ref.namespace, view, other));
  if (peer === -2) return undefined;
  return {
    kind: 'rule',
    policy: at.policy.ref,
    rule: at.index,
    peer: peer < 0 ? undefined : { index: peer, text: (rule.peers[peer] as CompiledPeer).text },
    port: port < 0 ? undefined : { index: port, text: (rule.ports[port] as CompiledPort).text },
  };
}

function verdict(
  direction: PolicyDirection,
  conn: PolicyConnection,
  reason: PolicyReason,
  pod: ObjectRef | undefined,
  selecting: readonly CompiledPolicy[],
): PolicyVerdict {
  return {
    direction,
    allowed: reason.kind !== 'default-deny',
    reason,
    connection: conn,
    pod: pod ? { namespace: pod.namespace, name: pod.name } : undefined,
    selectedBy: selecting.map((p) => p.ref),
  };
}

function samePod(a: PolicyPod | undefined, b: PolicyPod): boolean {
  return a !== undefined && a.namespace === b.namespace && a.name === b.name;
}

/**
 * Decides one direction for the pod at the policed end (`self`), against the
 * other end's address. The other end is looked up only once `self` is known to
 * be isolated: most connections of most clusters stop at "not isolated".
 */
function decide(
  view: PolicyView,
  conn: PolicyConnection,
  direction: PolicyDirection,
  self: PolicyPod | undefined,
  otherIP: string,
): PolicyVerdict {
  if (!self) return verdict(direction, conn, { kind: 'not-a-pod' }, undefined, []);
  const selecting = selectingPolicies(view, self, direction);
  if (selecting.length === 0) return verdict(direction, conn, { kind: 'not-isolated' }, self, []);
  const other: Peer = { ip: parseIPv4(otherIP), pod: view.podByIP(otherIP) };
  if (samePod(other.pod, self) || conn.srcIP === conn.dstIP)
    return verdict(direction, conn, { kind: 'self' }, self, selecting);
  if (direction === 'Ingress' && self.node !== undefined && view.nodeByIP(otherIP) === self.node)
    return verdict(direction, conn, { kind: 'local-node', node: self.node }, self, selecting);
  const destination = direction === 'Ingress' ? self : other.pod;
  for (const policy of selecting) {
    const rules = direction === 'Ingress' ? policy.ingress : policy.egress;
    for (let i = 0; i < rules.length; i++) {
      const reason = ruleAllows(
        rules[i] as CompiledRule,
        { policy, index: i },
        view,
        other,
        conn,
        destination,
      );
      if (reason) return verdict(direction, conn, reason, self, selecting);
    }
  }
  return verdict(direction, conn, { kind: 'default-deny' }, self, selecting);
}

/**
 * Whether the source pod's egress policy lets the connection out. The
 * destination must already be the post-DNAT endpoint (calico.md §4.1.8).
 */
export function evaluateEgress(view: PolicyView, conn: PolicyConnection): PolicyVerdict {
  return decide(view, conn, 'Egress', view.podByIP(conn.srcIP), conn.dstIP);
}

/**
 * Whether the destination pod's ingress policy lets the connection in. The
 * source is the address the destination node receives (see `path.ts`).
 */
export function evaluateIngress(view: PolicyView, conn: PolicyConnection): PolicyVerdict {
  return decide(view, conn, 'Ingress', view.podByIP(conn.dstIP), conn.srcIP);
}

/** Both directions; the connection is allowed only when both ends allow it (calico.md §4.1.3). */
export function evaluateConnection(view: PolicyView, conn: PolicyConnection): ConnectionVerdict {
  const egress = evaluateEgress(view, conn);
  const ingress = evaluateIngress(view, conn);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
