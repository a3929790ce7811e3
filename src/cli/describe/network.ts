/** `describe service`, `describe endpointslice` and `describe ingress`: kubectl's layouts. */
import { formatLabels } from '../../api/labels.js';
import type { EndpointSlice, Ingress, Service } from '../../api/types.js';
import { type CoreEvent, PrefixWriter, writeAnnotations, writeEvents, writeLabels } from './writer.js';

/** `formatEndpointSlices`: ready `ip:port` of the slices' ports named in `ports` (all when undefined), at most 3. */
export function formatEndpointSlices(slices: readonly EndpointSlice[], ports?: ReadonlySet<string>): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (endpoint: EndpointSlice['endpoints'][number], text: (addr: string) => string) => {
    if (list.length === 3) more = true;
    if (endpoint.conditions?.ready === false) return;
    if (!more) list.push(text(endpoint.addresses[0] ?? ''));
    count++;
  };
  for (const slice of slices) {
    const endpoints = slice.endpoints ?? [];
    if (!slice.ports || slice.ports.length === 0) {
      for (const e of endpoints) add(e, (a) => a);
      continue;
    }
    for (const port of slice.ports) {
      if (ports && !ports.has(port.name ?? '')) continue;
      for (const e of endpoints)
        add(e, (a) => (a.includes(':') ? `[${a}]:${port.port}` : `${a}:${port.port}`));
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - 3} more...` : text;
}

/** Renders `describe service` from the service, its EndpointSlices and events. */
export function describeService(
  svc: Service,
  slices: readonly EndpointSlice[],
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${svc.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', svc.metadata?.labels);
  writeAnnotations(w, 'Annotations', svc.metadata?.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) {
    const list = ingress.map((i) =>
      i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : (i.hostname ?? ''),
    );
    w.write(0, `LoadBalancer Ingress:\t${list.join(', ')}\n`);
  }
  for (const sp of spec.ports ?? []) {
    const name = sp.name || '<unset>';
    const proto = sp.protocol ?? '';
    w.write(0, `Port:\t${name}\t${sp.port}/${proto}\n`);
    w.write(0, `TargetPort:\t${sp.targetPort ?? sp.port}/${proto}\n`);
    if (sp.nodePort) w.write(0, `NodePort:\t${name}\t${sp.nodePort}/${proto}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, new Set([sp.name ?? '']))}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec.loadBalancerSourceRanges?.length) {
    w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
  }
  writeEvents(w, events, now);
  return w.toString();
}

/** Renders `describe endpointslice`. */
export function describeEndpointSlice(
  eps: EndpointSlice,
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${eps.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${eps.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', eps.metadata?.labels);
  writeAnnotations(w, 'Annotations', eps.metadata?.annotations);
  w.write(0, `AddressType:\t${eps.addressType}\n`);
  if (!eps.ports || eps.ports.length === 0) w.write(0, 'Ports: <unset>\n');
  else {
    w.write(0, 'Ports:\n');
    w.write(1, 'Name\tPort\tProtocol\n');
    w.write(1, '----\t----\t--------\n');
    for (const p of eps.ports) {
      w.write(1, `${p.name || '<unset>'}\t${p.port ?? '<unset>'}\t${p.protocol ?? ''}\n`);
    }
  }
  if (!eps.endpoints || eps.endpoints.length === 0) w.write(0, 'Endpoints: <none>\n');
  else {
    w.write(0, 'Endpoints:\n');
    for (const e of eps.endpoints) {
      w.write(1, `- Addresses:\t${e.addresses.join(', ') || '<none>'}\n`);
      w.write(2, 'Conditions:\n');
      w.write(3, `Ready:\t${e.conditions?.ready === undefined ? '<unset>' : String(e.conditions.ready)}\n`);
      w.write(2, `Hostname:\t${e.hostname ?? '<unset>'}\n`);
      if (e.targetRef) w.write(2, `TargetRef:\t${e.targetRef.kind ?? ''}/${e.targetRef.name ?? ''}\n`);
      w.write(2, `NodeName:\t${e.nodeName ?? '<unset>'}\n`);
      w.write(2, `Zone:\t${e.zone ?? '<unset>'}\n`);
    }
  }
  writeEvents(w, events, now);
  return w.toString();
}

type Backend = NonNullable<NonNullable<Ingress['spec']>['defaultBackend']>;

/** What an ingress backend resolves to: the service, its port's name, and its EndpointSlices. */
export interface BackendInfo {
  readonly service?: Service;
  readonly slices?: readonly EndpointSlice[];
  readonly error?: string;
}

function describeBackend(backend: Backend, info: BackendInfo | undefined): string {
  if (backend.service) {
    const b = backend.service;
    const sb = `${b.name}:${b.port?.number ? b.port.number : (b.port?.name ?? '')}`;
    if (!info || info.error || !info.service) return `${sb} (<error: ${info?.error ?? 'not found'}>)`;
    let spName = '';
    for (const sp of info.service.spec?.ports ?? []) {
      if (b.port?.number && b.port.number === sp.port) spName = sp.name ?? '';
      else if (b.port?.name && b.port.name === sp.name) spName = sp.name ?? '';
    }
    return `${sb} (${formatEndpointSlices(info.slices ?? [], new Set([spName]))})`;
  }
  if (backend.resource) {
    const r = backend.resource;
    return `APIGroup: ${r.apiGroup ?? '<none>'}, Kind: ${r.kind}, Name: ${r.name}`;
  }
  return '';
}

/** Renders `describe ingress`; `backends` maps service names to what the describer fetched for them. */
export function describeIngress(
  ing: Ingress,
  backends: ReadonlyMap<string, BackendInfo>,
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  const spec = ing.spec ?? {};
  const info = (b: Backend) => (b.service ? backends.get(b.service.name) : undefined);
  w.write(0, `Name:\t${ing.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', ing.metadata?.labels);
  w.write(0, `Namespace:\t${ing.metadata?.namespace ?? ''}\n`);
  const addresses = [
    ...new Set(
      (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean),
    ),
  ].sort();
  w.write(0, `Address:\t${addresses.join(',')}\n`);
  w.write(0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
  const def = spec.defaultBackend
    ? describeBackend(spec.defaultBackend, info(spec.defaultBackend))
    : '<default>';
  w.write(0, `Default backend:\t${def}\n`);
  if (spec.tls?.length) {
    w.write(0, 'TLS:\n');
    for (const t of spec.tls) {
      const hosts = (t.hosts ?? []).join(',');
      w.write(1, t.secretName ? `${t.secretName} terminates ${hosts}\n` : `SNI routes ${hosts}\n`);
    }
  }
  w.write(0, 'Rules:\n  Host\tPath\tBackends\n');
  w.write(1, '----\t----\t--------\n');
  let count = 0;
  for (const rule of spec.rules ?? []) {
    if (!rule.http) continue;
    count++;
    w.write(1, `${rule.host || '*'}\t\n`);
    for (const p of rule.http.paths)
      w.write(2, `\t${p.path ?? ''} \t${describeBackend(p.backend, info(p.backend))}\n`);
  }
  if (count === 0) w.write(1, `*\t*\t${def}\n`);
  writeAnnotations(w, 'Annotations', ing.metadata?.annotations);
  writeEvents(w, events, now);
  return w.toString();
}
