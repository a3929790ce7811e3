/**
 * Turns the planner's hops into trace hops: each kube-proxy rule the packet
 * matched as an iptables TRACE line with its text and the human Service name,
 * each candidate endpoint with its pod and probability, the Hubble
 * observation point of every hop, and why the source was (or was not)
 * masqueraded — read from the rule that set the mark, never re-decided.
 */
import type { Hop, PathPlan, PathWorld } from '../dataplane/path.js';
import type { Candidate, MatchedRule } from '../proxy/evaluate/types.js';
import { saveRule } from '../proxy/render/iptables-save.js';
import { nftRule } from '../proxy/render/nftables.js';
import { ruleComment } from '../proxy/rules.js';
import type { MasqueradeReason, TraceCandidate, TraceHop, TraceMasquerade, TraceRule } from './model.js';

/** A matched rule as an iptables TRACE line (`TRACE: nat:KUBE-SERVICES:rule:3`) plus its text. */
export function traceRule(m: MatchedRule): TraceRule {
  const n = m.ruleIndex + 1;
  let text: string;
  let trace: string;
  if (m.table === 'ipvs') {
    const a = m.rule.action;
    trace = `IPVS: ${m.chain.replace(/\s+/g, ' ')}`;
    text = a?.kind === 'dnat' ? `-> ${a.ip}:${a.port}` : (ruleComment(m.rule) ?? 'no real server');
  } else if (m.table.startsWith('ip ')) {
    trace = `TRACE: ${m.table} ${m.chain} rule ${n}`;
    text = nftRule(m.rule);
  } else {
    trace = `TRACE: ${m.table}:${m.chain}:rule:${n}`;
    text = saveRule(m.chain, m.rule);
  }
  const service = m.humanName ?? m.rule.service;
  return { trace, table: m.table, chain: m.chain, rule: n, text, ...(service ? { service } : {}) };
}

/** Candidates with their pods; `chosen` marks the one this trace follows. */
export function traceCandidates(
  world: PathWorld,
  candidates: readonly Candidate[],
  chosen: string | undefined,
): TraceCandidate[] {
  return [...candidates]
    .sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0))
    .map((c) => {
      const pod = world.podByIP(c.ip);
      return {
        endpoint: c.endpoint,
        probability: c.probability,
        masquerade: c.masquerade,
        chosen: c.endpoint === chosen,
        ...(pod ? { pod: { namespace: pod.namespace, name: pod.name, node: pod.node } } : {}),
      };
    });
}

/** Hubble's `TraceObservationPoint` for a hop. */
export function observationPoint(hop: Hop, index: number, hops: readonly Hop[]): string {
  switch (hop.component) {
    case 'pod':
      return hop.action === 'Forwarded' ? 'FROM_ENDPOINT' : 'TO_ENDPOINT';
    case 'node':
      return hop.action === 'Delivered' ? 'TO_HOST' : 'FROM_NETWORK';
    case 'kube-proxy':
    case 'policy':
      return 'TO_STACK';
    case 'tunnel':
      return 'TO_OVERLAY';
    case 'routing':
      if (hop.summary.startsWith('to node ')) return 'TO_NETWORK';
      return hops[index - 1]?.component === 'tunnel' ? 'FROM_OVERLAY' : 'FROM_STACK';
    case 'host':
      return 'TO_NETWORK';
    case 'ingress':
      return 'TO_PROXY';
    case 'dns':
      return 'UNKNOWN_POINT';
  }
}

const EXPLANATIONS: Record<MasqueradeReason, string> = {
  'external-traffic-policy-cluster':
    "externalTrafficPolicy: Cluster: traffic from outside the cluster is masqueraded to the node so the reply comes back through it; the pod sees the node's address on the way out (its tunl0 address when the pod is on another node), not the client",
  'local-origin':
    'the node itself sends to an externalTrafficPolicy: Local Service: kube-proxy masquerades LOCAL traffic and lets it reach any endpoint',
  hairpin:
    'hairpin: the endpoint chosen is the client itself, so kube-proxy masquerades (KUBE-SEP -s <endpoint> -j KUBE-MARK-MASQ) and the pod sees the node address',
  'off-cluster-source':
    "the source is not a pod (outside the pod CIDR), so the ClusterIP rule marks it for masquerade: the pod sees the node's address on the way out (its tunl0 address when the pod is on another node)",
  rules:
    "the node's rules mark the connection for masquerade: the pod sees the node's address on the way out (its tunl0 address when the pod is on another node)",
  'external-traffic-policy-local':
    'externalTrafficPolicy: Local: only endpoints on this node are used and the client address is kept',
  'pod-source':
    'the source is a pod: kube-proxy does not masquerade pod traffic, so the receiver sees the pod address',
  'nat-outgoing':
    "Calico's natOutgoing: the pod's packet left its node for an address outside every IP pool, so the node masqueraded it to its own address (cali-nat-outgoing): the receiver, and any node on the way, sees the node's address, not the pod's",
  'no-service': "no Service translated the connection: the receiver sees the sender's own address",
  kept: "no rule marked the connection for masquerade: the receiver sees the sender's own address",
};

function masqueradeRule(matched: readonly MatchedRule[]): MatchedRule | undefined {
  return matched.find((m) => {
    const a = m.rule.action;
    return a?.kind === 'jump' && (a.chain === 'KUBE-MARK-MASQ' || a.chain === 'mark-for-masquerade');
  });
}

function appliedReason(matched: readonly MatchedRule[]): MasqueradeReason {
  const m = masqueradeRule(matched);
  if (!m) return 'rules';
  const comment = (ruleComment(m.rule) ?? '').toLowerCase();
  if (m.rule.matches.some((x) => x.kind === 'addrtype' && x.direction === 'source')) return 'local-origin';
  if (
    m.chain.startsWith('KUBE-EXT-') ||
    m.chain.startsWith('external-') ||
    comment.startsWith('masquerade traffic')
  )
    return 'external-traffic-policy-cluster';
  if (m.chain.startsWith('KUBE-SEP-') || m.chain.startsWith('endpoint-')) return 'hairpin';
  if (m.rule.matches.some((x) => x.kind === 'source' && x.negate)) return 'off-cluster-source';
  return 'rules';
}

/** Why the receiver sees the source it sees, from the rules that matched. */
export function explainMasquerade(
  plan: PathPlan,
  sourceKind: 'host' | 'node' | 'pod',
  matched: readonly MatchedRule[],
): TraceMasquerade {
  let reason: MasqueradeReason;
  // kube-proxy's masquerade comes after natOutgoing on the way and is what the receiver sees.
  if (plan.natOutgoing && !plan.masquerade) reason = 'nat-outgoing';
  else if (!plan.service) reason = 'no-service';
  else if (plan.masquerade) reason = appliedReason(matched);
  else if (
    sourceKind !== 'pod' &&
    matched.some(
      (m) =>
        m.chain.startsWith('KUBE-SVL-') ||
        m.chain.startsWith('local-') ||
        m.chain.startsWith('KUBE-EXT-') ||
        m.chain.startsWith('external-'),
    )
  )
    reason = 'external-traffic-policy-local';
  else reason = sourceKind === 'pod' ? 'pod-source' : 'kept';
  return {
    applied: plan.masquerade || plan.natOutgoing !== undefined,
    reason,
    explanation: EXPLANATIONS[reason],
  };
}

/** The planner's hops, numbered from `first`, with rules, candidates and observation points. */
export function traceHops(world: PathWorld, plan: PathPlan, first = 1): TraceHop[] {
  return plan.hops.map((hop, i): TraceHop => {
    const chosen = hop.after ? `${hop.after.dst.ip}:${hop.after.dst.port}` : undefined;
    return {
      step: first + i,
      component: hop.component,
      action: hop.action,
      observationPoint: observationPoint(hop, i, plan.hops),
      ...(hop.node ? { node: hop.node } : {}),
      summary: hop.summary,
      ...(hop.before ? { before: hop.before } : {}),
      ...(hop.after ? { after: hop.after } : {}),
      ...(hop.matched?.length ? { rules: hop.matched.map(traceRule) } : {}),
      ...(hop.candidates?.length ? { candidates: traceCandidates(world, hop.candidates, chosen) } : {}),
      ...(hop.route ? { route: hop.route } : {}),
    };
  });
}
