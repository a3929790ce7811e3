/**
 * The NetworkPolicy strategy (networking.k8s.io/v1): port protocols default
 * to TCP and `policyTypes` to Ingress (plus Egress when egress rules exist),
 * as `SetDefaults_NetworkPolicy` does; `ValidateNetworkPolicy`.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { cidrContains, isCidr, parseIPv4Cidr } from '../validation/ip.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta } from '../validation/meta.js';
import { isValidPortName, isValidPortNum } from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, rec, recs } from '../validation/values.js';
import { defineKind } from './define.js';

function defaultNetworkPolicy(np: JsonObject): void {
  if (!isRecord(np.spec)) np.spec = {};
  const spec = np.spec as JsonObject;
  for (const rule of [...recs(spec.ingress), ...recs(spec.egress)]) {
    for (const port of recs(rule.ports)) if (!port.protocol) port.protocol = 'TCP';
  }
  if (arr(spec.policyTypes).length === 0) {
    spec.policyTypes = arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const protocol = port.protocol;
  if (protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(protocol))) {
    errs.push(fieldError.notSupported(child(path, 'protocol'), protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const endPort = port.endPort;
  if (typeof port.port === 'number') {
    errs.push(...isValidPortNum(port.port).map((m) => fieldError.invalid(child(path, 'port'), port.port, m)));
    if (typeof endPort === 'number') {
      if (endPort < port.port)
        errs.push(
          fieldError.invalid(child(path, 'endPort'), endPort, 'must be greater than or equal to `port`'),
        );
      errs.push(
        ...isValidPortNum(endPort).map((m) => fieldError.invalid(child(path, 'endPort'), endPort, m)),
      );
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined)
      errs.push(
        fieldError.invalid(
          child(path, 'endPort'),
          endPort,
          'may not be specified when `port` is non-numeric',
        ),
      );
    errs.push(
      ...isValidPortName(port.port).map((m) => fieldError.invalid(child(path, 'port'), port.port, m)),
    );
  } else if (endPort !== undefined) {
    errs.push(
      fieldError.invalid(
        child(path, 'endPort'),
        endPort,
        'may not be specified when `port` is not specified',
      ),
    );
  }
  return errs;
}

function validateIPBlock(block: JsonObject, path: string): FieldError[] {
  const cidr = typeof block.cidr === 'string' ? block.cidr : '';
  if (!cidr) return [fieldError.required(child(path, 'cidr'))];
  const cidrMsg = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  if (!isCidr(cidr)) return [fieldError.invalid(child(path, 'cidr'), cidr, cidrMsg)];
  const outer = parseIPv4Cidr(cidr);
  const errs: FieldError[] = [];
  arr(block.except).forEach((e, i) => {
    const p = index(child(path, 'except'), i);
    const text = String(e);
    if (!isCidr(text)) {
      errs.push(fieldError.invalid(p, text, cidrMsg));
      return;
    }
    const inner = parseIPv4Cidr(text);
    if (outer && inner && (!cidrContains(outer, inner.network) || outer.prefix >= inner.prefix)) {
      errs.push(fieldError.invalid(p, text, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

function validatePeer(peer: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const s of ['podSelector', 'namespaceSelector'] as const) {
    if (!isRecord(peer[s])) continue;
    peers++;
    errs.push(...validateLabelSelector(peer[s], child(path, s)));
  }
  if (isRecord(peer.ipBlock)) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, child(path, 'ipBlock')));
  }
  if (peers === 0) errs.push(fieldError.required(path, 'must specify a peer'));
  else if (peers > 1 && isRecord(peer.ipBlock))
    errs.push(fieldError.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateSpec(spec: JsonObject): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector');
  for (const [list, peersField] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    recs(spec[list]).forEach((rule, i) => {
      const path = index(child('spec', list), i);
      recs(rule.ports).forEach((p, j) => {
        errs.push(...validatePort(p, index(child(path, 'ports'), j)));
      });
      recs(rule[peersField]).forEach((p, j) => {
        errs.push(...validatePeer(p, index(child(path, peersField), j)));
      });
    });
  }
  const types = arr(spec.policyTypes);
  if (types.length > 2) {
    errs.push(fieldError.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      errs.push(fieldError.notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  return errs;
}

defineKind({
  kind: 'NetworkPolicy',
  defaults: defaultNetworkPolicy,
  validate: (np) => [
    ...validateObjectMeta(np.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateSpec(rec(np.spec)),
  ],
});
