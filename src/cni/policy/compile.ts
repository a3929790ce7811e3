/**
 * NetworkPolicy → `CompiledPolicy`, once per stored version of a policy: the
 * selectors compiled, `policyTypes` defaulted, ports' protocols made explicit
 * and ipBlocks parsed, as Calico's converter (`K8sNetworkPolicyToCalico`,
 * calico.md §4.2) turns a Kubernetes policy into its own before Felix
 * evaluates it. Pure: a policy the API server accepted always compiles; what
 * can never match comes back in `diagnostics`.
 */
import { type Selector, selectorFromLabelSelector } from '../../api/labels.js';
import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
} from '../../api/types.js';
import { type Cidr, parseCidr } from '../../util/ipv4.js';
import type { CompiledPeer, CompiledPolicy, CompiledPort, CompiledRule, PolicyProtocol } from './types.js';

/** Peers and ports of one rule as the API spells them (`from` for ingress, `to` for egress). */
interface RawRule {
  readonly peers: readonly NetworkPolicyPeer[] | undefined;
  readonly ports: readonly NetworkPolicyPort[] | undefined;
}

/**
 * Which directions a policy isolates: `policyTypes` when given; otherwise
 * Ingress always and Egress only when the policy has egress rules
 * (`SetDefaults_NetworkPolicy`, calico.md §4.1.5). So a policy with only
 * `egress:` and no `policyTypes` also denies all ingress to the pods it selects.
 */
export function effectivePolicyTypes(spec: NetworkPolicySpec | undefined): {
  readonly ingress: boolean;
  readonly egress: boolean;
} {
  const types = spec?.policyTypes ?? [];
  if (types.length === 0) return { ingress: true, egress: (spec?.egress ?? []).length > 0 };
  return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
}

function requirementText(key: string, operator: string, values: readonly string[]): string {
  switch (operator) {
    case 'In':
      return `${key} in (${values.join(',')})`;
    case 'NotIn':
      return `${key} notin (${values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return `${key} ${operator} (${values.join(',')})`;
  }
}

/** A LabelSelector as kubectl writes it (`app=web,tier in (a,b)`), `{}` when it selects everything. */
export function labelSelectorText(ls: LabelSelector): string {
  const parts = Object.entries(ls.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of ls.matchExpressions ?? []) parts.push(requirementText(e.key, e.operator, e.values ?? []));
  return parts.length === 0 ? '{}' : parts.join(',');
}

function compilePeer(
  peer: NetworkPolicyPeer,
  diagnostics: string[],
  where: string,
): CompiledPeer | undefined {
  if (peer.ipBlock) {
    // Kubernetes parses the CIDR sloppily (host bits allowed), as Calico's `nets` does.
    const cidr = parseCidr(peer.ipBlock.cidr, { loose: true });
    if (!cidr) diagnostics.push(`${where}.ipBlock ${peer.ipBlock.cidr} is not IPv4: it never matches`);
    const except: Cidr[] = [];
    for (const e of peer.ipBlock.except ?? []) {
      const c = parseCidr(e, { loose: true });
      if (c) except.push(c);
    }
    const exceptText = except.length > 0 ? ` except ${except.map((c) => c.text).join(', ')}` : '';
    return { kind: 'ipBlock', cidr, except, text: `ipBlock ${cidr?.text ?? peer.ipBlock.cidr}${exceptText}` };
  }
  if (!peer.podSelector && !peer.namespaceSelector) {
    diagnostics.push(`${where} names no peer: it never matches`);
    return undefined;
  }
  const text: string[] = [];
  if (peer.namespaceSelector) text.push(`namespaceSelector ${labelSelectorText(peer.namespaceSelector)}`);
  if (peer.podSelector) text.push(`podSelector ${labelSelectorText(peer.podSelector)}`);
  return {
    kind: 'pods',
    podSelector: peer.podSelector ? selectorFromLabelSelector(peer.podSelector) : undefined,
    namespaceSelector: peer.namespaceSelector ? selectorFromLabelSelector(peer.namespaceSelector) : undefined,
    text: text.join(' + '),
  };
}

function compilePort(port: NetworkPolicyPort): CompiledPort {
  const protocol = (port.protocol ?? 'TCP') as PolicyProtocol;
  const p = port.port;
  const endPort = typeof p === 'number' ? port.endPort : undefined;
  let text: string;
  if (p === undefined) text = `${protocol} (every port)`;
  else if (endPort !== undefined) text = `${protocol} ${p}-${endPort}`;
  else text = `${protocol} ${p}`;
  return { protocol, port: p, endPort, text };
}

function compileRules(
  rules: readonly RawRule[],
  list: 'ingress' | 'egress',
  diagnostics: string[],
): CompiledRule[] {
  const peersField = list === 'ingress' ? 'from' : 'to';
  return rules.map((rule, i) => {
    const peers: CompiledPeer[] = [];
    (rule.peers ?? []).forEach((peer, j) => {
      const c = compilePeer(peer, diagnostics, `spec.${list}[${i}].${peersField}[${j}]`);
      // A peer that can never match must not turn "some peers" into "no peers" (= everyone).
      peers.push(c ?? { kind: 'ipBlock', cidr: undefined, except: [], text: 'no peer' });
    });
    return { peers, ports: (rule.ports ?? []).map(compilePort) };
  });
}

/**
 * Compiles a stored NetworkPolicy. Called when a policy is added or changed;
 * the result is immutable and shared by every evaluation until the next change.
 */
export function compilePolicy(np: Pick<NetworkPolicy, 'metadata' | 'spec'>): CompiledPolicy {
  const spec = np.spec ?? { podSelector: {} };
  const diagnostics: string[] = [];
  const types = effectivePolicyTypes(spec);
  // `podSelector` is not a pointer in the API: absent reads as `{}` (every pod of the namespace).
  const podSelector: Selector = selectorFromLabelSelector(spec.podSelector ?? {});
  return {
    ref: { namespace: np.metadata?.namespace ?? 'default', name: np.metadata?.name ?? '' },
    podSelector,
    ingressIsolates: types.ingress,
    egressIsolates: types.egress,
    ingress: compileRules(
      (spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })),
      'ingress',
      diagnostics,
    ),
    egress: compileRules(
      (spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })),
      'egress',
      diagnostics,
    ),
    diagnostics,
  };
}
