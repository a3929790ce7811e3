/**
 * kubectl's describers for the other kinds netkube serves that have one:
 * Secret (sizes, never values), Endpoints, IngressClass and NetworkPolicy.
 */
import type { Endpoints, IngressClass, NetworkPolicy, Secret } from '../../api/types.js';
import {
  type CoreEvent,
  formatLabelSelector,
  PrefixWriter,
  writeAnnotations,
  writeEvents,
  writeLabels,
} from './writer.js';

/** Renders `describe secret`: data sizes only (service-account tokens in full, as kubectl does). */
export function describeSecret(secret: Secret): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${secret.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${secret.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', secret.metadata?.labels);
  writeAnnotations(w, 'Annotations', secret.metadata?.annotations);
  w.write(0, `\nType:\t${secret.type ?? ''}\n`);
  w.write(0, '\nData\n====\n');
  for (const k of Object.keys(secret.data ?? {}).sort()) {
    const bytes = Buffer.from(secret.data?.[k] ?? '', 'base64');
    if (k === 'token' && secret.type === 'kubernetes.io/service-account-token')
      w.write(0, `${k}:\t${bytes}\n`);
    else w.write(0, `${k}:\t${bytes.length} bytes\n`);
  }
  return w.toString();
}

/** Renders `describe endpoints`. */
export function describeEndpoints(
  ep: Endpoints,
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ep.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${ep.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', ep.metadata?.labels);
  writeAnnotations(w, 'Annotations', ep.metadata?.annotations);
  w.write(0, 'Subsets:\n');
  for (const subset of ep.subsets ?? []) {
    w.write(1, `Addresses:\t${(subset.addresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
    w.write(
      1,
      `NotReadyAddresses:\t${(subset.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`,
    );
    if (subset.ports?.length) {
      w.write(1, 'Ports:\n');
      w.write(2, 'Name\tPort\tProtocol\n');
      w.write(2, '----\t----\t--------\n');
      for (const p of subset.ports) w.write(2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? ''}\n`);
    }
    w.write(0, '\n');
  }
  writeEvents(w, events, now);
  return w.toString();
}

/** Renders `describe ingressclass`. */
export function describeIngressClass(
  ic: IngressClass,
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ic.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', ic.metadata?.labels);
  writeAnnotations(w, 'Annotations', ic.metadata?.annotations);
  w.write(0, `Controller:\t${ic.spec?.controller ?? ''}\n`);
  const params = ic.spec?.parameters;
  if (params) {
    w.write(0, 'Parameters:\n');
    if (params.apiGroup !== undefined) w.write(1, `APIGroup:\t${params.apiGroup}\n`);
    w.write(1, `Kind:\t${params.kind}\n`);
    w.write(1, `Name:\t${params.name}\n`);
  }
  writeEvents(w, events, now);
  return w.toString();
}

/** Go's `time.Time.String()` in local time: `2026-11-12 01:00:44 +0000 UTC`. */
export function goTimeString(timestamp: string | undefined): string {
  const d = new Date(timestamp ?? '0001-01-01T00:00:00Z');
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone =
    new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const abbrev = offset === 0 && /^(GMT|UTC)$/.test(zone) ? 'UTC' : zone;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)} ${abbrev}`;
}

type Spec = NonNullable<NetworkPolicy['spec']>;
type Peer = NonNullable<NonNullable<Spec['ingress']>[number]['from']>[number];
type Rule = { ports?: NonNullable<Spec['ingress']>[number]['ports']; peers: readonly Peer[] | undefined };

function writeRules(w: PrefixWriter, rules: readonly Rule[], dir: 'ingress' | 'egress'): void {
  const ind = '    ';
  const peerWord = dir === 'ingress' ? 'From' : 'To';
  if (rules.length === 0) {
    w.write(0, `${ind}<none> (Selected pods are isolated for ${dir} connectivity)\n`);
    return;
  }
  rules.forEach((rule, i) => {
    if (!rule.ports?.length) w.write(0, `${ind}To Port: <any> (traffic allowed to all ports)\n`);
    for (const p of rule.ports ?? []) {
      const proto = p.protocol ?? 'TCP';
      const port = p.port === undefined ? '<nil>' : String(p.port);
      if (p.endPort === undefined) w.write(0, `${ind}To Port: ${port}/${proto}\n`);
      else w.write(0, `${ind}To Port Range: ${port}-${p.endPort}/${proto}\n`);
    }
    if (!rule.peers?.length) {
      const what = dir === 'ingress' ? 'source' : 'destination';
      w.write(0, `${ind}${peerWord}: <any> (traffic not restricted by ${what})\n`);
    }
    for (const peer of rule.peers ?? []) {
      w.write(0, `${ind}${peerWord}:\n`);
      if (peer.namespaceSelector)
        w.write(1, `${ind}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
      if (peer.podSelector) w.write(1, `${ind}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
      if (!peer.podSelector && !peer.namespaceSelector && peer.ipBlock) {
        w.write(1, `${ind}IPBlock:\n`);
        w.write(2, `${ind}CIDR: ${peer.ipBlock.cidr}\n`);
        w.write(2, `${ind}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`);
      }
    }
    if (i !== rules.length - 1) w.write(0, `${ind}----------\n`);
  });
}

/** Renders `describe networkpolicy`. */
export function describeNetworkPolicy(np: NetworkPolicy): string {
  const w = new PrefixWriter();
  const spec = (np.spec ?? {}) as Spec;
  w.write(0, `Name:\t${np.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${np.metadata?.namespace ?? ''}\n`);
  w.write(0, `Created on:\t${goTimeString(np.metadata?.creationTimestamp)}\n`);
  writeLabels(w, 'Labels', np.metadata?.labels);
  writeAnnotations(w, 'Annotations', np.metadata?.annotations);
  w.write(0, 'Spec:\n');
  w.write(1, 'PodSelector: ');
  const sel = spec.podSelector;
  if (Object.keys(sel?.matchLabels ?? {}).length === 0 && !sel?.matchExpressions?.length) {
    w.write(2, '<none> (Allowing the specific traffic to all pods in this namespace)\n');
  } else w.write(2, `${formatLabelSelector(sel)}\n`);
  const types = spec.policyTypes ?? [];
  if (types.includes('Ingress')) {
    w.write(1, 'Allowing ingress traffic:\n');
    writeRules(
      w,
      (spec.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from })),
      'ingress',
    );
  } else w.write(1, 'Not affecting ingress traffic\n');
  if (types.includes('Egress')) {
    w.write(1, 'Allowing egress traffic:\n');
    writeRules(
      w,
      (spec.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to })),
      'egress',
    );
  } else w.write(1, 'Not affecting egress traffic\n');
  w.write(1, `Policy Types: ${types.join(', ') || '<none>'}\n`);
  return w.toString();
}
