/**
 * Ingress, IngressClass and NetworkPolicy printers (upstream `printIngress`,
 * `printIngressClass`, `printNetworkPolicy`).
 */
import type {
  Ingress,
  IngressClass,
  IngressRule,
  KubeObject,
  NetworkPolicy,
  Typed,
} from '../../api/index.js';
import { formatLabelSelector, loadBalancerText, since } from './format.js';
import { AGE_COLUMN, column, type KindPrinter, NAME_COLUMN, type PrintedRow, text } from './types.js';

const INGRESS_COLUMNS = [
  NAME_COLUMN,
  column(
    'Class',
    'string',
    text('The name of the IngressClass resource that should be used for additional configuration'),
  ),
  column('Hosts', 'string', text('Hosts that incoming requests are matched against before the ingress rule')),
  column('Address', 'string', text('Address is a list containing ingress points for the load-balancer')),
  column('Ports', 'string', text('Ports of TLS configurations that open')),
  AGE_COLUMN,
];

/** `formatHosts`: up to 3 hosts, `*` when no rule names one. */
export function formatHosts(rules: readonly IngressRule[] | undefined): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules ?? []) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const shown = list.join(',');
  return more ? `${shown} + ${(rules?.length ?? 0) - 3} more...` : shown;
}

function ingressRow(obj: KubeObject, now: number): PrintedRow {
  const ing = obj as Typed<Ingress>;
  return {
    cells: [
      ing.metadata.name ?? '',
      ing.spec?.ingressClassName ?? '<none>',
      formatHosts(ing.spec?.rules),
      loadBalancerText(ing.status?.loadBalancer?.ingress),
      (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      since(ing.metadata.creationTimestamp, now),
    ],
  };
}

const INGRESS_CLASS_COLUMNS = [
  NAME_COLUMN,
  column('Controller', 'string', text('Controller that is responsible for handling this class')),
  column('Parameters', 'string', text('A reference to a resource with additional parameters')),
  AGE_COLUMN,
];

function ingressClassRow(obj: KubeObject, now: number): PrintedRow {
  const ic = obj as Typed<IngressClass>;
  const p = ic.spec?.parameters;
  const parameters = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
  return {
    cells: [
      ic.metadata.name ?? '',
      ic.spec?.controller ?? '',
      parameters,
      since(ic.metadata.creationTimestamp, now),
    ],
  };
}

const NETWORK_POLICY_COLUMNS = [NAME_COLUMN, column('Pod-Selector', 'string', 'podSelector'), AGE_COLUMN];

function networkPolicyRow(obj: KubeObject, now: number): PrintedRow {
  const np = obj as Typed<NetworkPolicy>;
  return {
    cells: [
      np.metadata.name ?? '',
      formatLabelSelector(np.spec?.podSelector),
      since(np.metadata.creationTimestamp, now),
    ],
  };
}

/** Upstream's ingress printer (columns and row cells). */
export const ingressPrinter: KindPrinter = { columns: INGRESS_COLUMNS, row: ingressRow };
/** Upstream's ingressClass printer (columns and row cells). */
export const ingressClassPrinter: KindPrinter = { columns: INGRESS_CLASS_COLUMNS, row: ingressClassRow };
/** Upstream's networkPolicy printer (columns and row cells). */
export const networkPolicyPrinter: KindPrinter = { columns: NETWORK_POLICY_COLUMNS, row: networkPolicyRow };
