/**
 * Policy verdicts as one line for people, as trace hops, `netkube curl
 * --trace`, flow drop reasons and the tracer print them:
 *
 *   denied by default: pod default/db is selected by NetworkPolicy default/db-allow-web (Ingress)
 *     and no rule allows 10.244.1.5 → TCP 5432
 *   allowed by NetworkPolicy default/db-allow-web spec.ingress[0]: from[0] podSelector app=web, ports[0] TCP 5432
 *
 * Pure.
 */
import { assertNever } from '../../util/assert-never.js';
import type { ConnectionVerdict, ObjectRef, PolicyVerdict } from './types.js';

function ref(r: ObjectRef): string {
  return `${r.namespace}/${r.name}`;
}

function selectedBy(v: PolicyVerdict): string {
  const list = v.selectedBy.map(ref).join(', ');
  return `NetworkPolic${v.selectedBy.length === 1 ? 'y' : 'ies'} ${list} (${v.direction})`;
}

/** What the rules were asked to allow: the source for ingress, the destination for egress. */
function asked(v: PolicyVerdict): string {
  const c = v.connection;
  return v.direction === 'Ingress'
    ? `${c.srcIP} → ${c.protocol} ${c.dstPort}`
    : `${c.protocol} ${c.dstPort} to ${c.dstIP}`;
}

/** One line saying why a direction was allowed or denied. */
export function explainPolicy(v: PolicyVerdict): string {
  const pod = v.pod ? `pod ${ref(v.pod)}` : '';
  const r = v.reason;
  switch (r.kind) {
    case 'not-a-pod':
      return v.direction === 'Ingress'
        ? `no ingress policy: ${v.connection.dstIP} is not a pod`
        : `no egress policy: ${v.connection.srcIP} is not a pod`;
    case 'not-isolated':
      return `allowed: no NetworkPolicy selects ${pod} for ${v.direction}`;
    case 'self':
      return `allowed: ${pod} talking to itself is never policed`;
    case 'local-node':
      return `allowed: from ${pod}'s own node ${r.node} (Calico does not police host → local pod traffic)`;
    case 'rule': {
      const list = v.direction === 'Ingress' ? 'ingress' : 'egress';
      const field = v.direction === 'Ingress' ? 'from' : 'to';
      const peer = r.peer ? `${field}[${r.peer.index}] ${r.peer.text}` : `${field} anywhere`;
      const port = r.port ? `ports[${r.port.index}] ${r.port.text}` : 'every port';
      return `allowed by NetworkPolicy ${ref(r.policy)} spec.${list}[${r.rule}]: ${peer}, ${port}`;
    }
    case 'default-deny':
      return `denied by default: ${pod} is selected by ${selectedBy(v)} and no rule allows ${asked(v)}`;
    default:
      return assertNever(r, 'policy reason');
  }
}

/** Both directions: the denying one when denied (egress first, where the packet meets it first), else both. */
export function explainConnection(v: ConnectionVerdict): string {
  if (!v.egress.allowed) return `egress ${explainPolicy(v.egress)}`;
  if (!v.ingress.allowed) return `ingress ${explainPolicy(v.ingress)}`;
  return `egress ${explainPolicy(v.egress)}; ingress ${explainPolicy(v.ingress)}`;
}
