/**
 * What the cluster holds for one name of the zone, before it becomes records:
 * CoreDNS's kubernetes backend (`parseRequest`, `Records`, `findServices`,
 * `findPods`, `serviceRecordForIP`). Each service item is an address (A) or a
 * host name (an ExternalName's CNAME), with the port and owner an SRV record
 * needs. Pure: the cluster is read through `ClusterDnsView`.
 */
import type { ClusterDnsView, ViewEndpoint } from './zone.js';

/** A service record before it is typed: an IP (A) or a host name (CNAME), with the port for SRV. */
export interface Item {
  readonly host: string;
  /** The port, or -1 for an endpoint whose slice declares none (no SRV record). */
  readonly port: number;
  /** The SRV target and its A record's owner: `svc.ns.svc.zone.` or `<endpoint>.svc.ns.svc.zone.` */
  readonly target: string;
}

/** `items`: the name exists (perhaps with no record of any type); `nxdomain`: it does not. */
export type Lookup =
  | { readonly kind: 'items'; readonly items: readonly Item[] }
  | { readonly kind: 'nxdomain' };

const NXDOMAIN: Lookup = { kind: 'nxdomain' };
const EMPTY: Lookup = { kind: 'items', items: [] };

interface Request {
  readonly kind: 'svc' | 'pod';
  readonly port: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly service: string;
  readonly namespace: string;
}

/** CoreDNS strips one leading underscore of the port and protocol labels: `_http._tcp` and `http.tcp` are the same. */
function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

/**
 * CoreDNS `parseRequest`: `[_port._proto.|endpoint.]service.namespace.(svc|pod)`
 * (labels below the zone, lower case). Undefined for a name that cannot exist;
 * `apex` for the zone, `svc` and `pod` themselves (NODATA).
 */
function parseRequest(labels: readonly string[]): Request | 'apex' | undefined {
  if (labels.length === 0) return 'apex';
  const kind = labels[labels.length - 1];
  if (kind !== 'svc' && kind !== 'pod') return undefined;
  const rest = labels.slice(0, -1).reverse();
  if (rest.length === 0) return 'apex';
  if (rest.length > 4) return undefined;
  const [namespace = '', service = '', third = '', fourth = ''] = rest;
  const base = { kind, namespace, service, endpoint: '', port: '', protocol: '' } as const;
  if (rest.length === 4) return { ...base, protocol: stripUnderscore(third), port: stripUnderscore(fourth) };
  if (rest.length === 3) return { ...base, endpoint: third };
  return base;
}

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function portMatches(r: Request, p: { readonly name: string; readonly protocol: string }): boolean {
  return (r.port === '' || eq(r.port, p.name)) && (r.protocol === '' || eq(r.protocol, p.protocol));
}

/** `10-244-1-5` for an endpoint without hostname (CoreDNS `endpointHostname`). */
export function endpointHostname(ep: ViewEndpoint): string {
  return ep.hostname ?? ep.ip.replaceAll('.', '-');
}

/** Go's `net.ParseIP` for dotted quads: four decimal octets, no leading zeros (Go ≥ 1.17). */
function isStrictIPv4(ip: string): boolean {
  const octets = ip.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) < 256);
}

/** `pods insecure`: any well-formed address of an existing namespace answers. */
function findPod(view: ClusterDnsView, r: Request, zone: string): Lookup {
  if (!view.namespaceExists(r.namespace)) return NXDOMAIN;
  if (r.service === '') return EMPTY;
  const ip = r.service.replaceAll('-', '.');
  // IPv6 names (`fd00--1`) would answer AAAA only; this cluster is IPv4, so they do not exist.
  if (!isStrictIPv4(ip) || r.service.includes('--')) return NXDOMAIN;
  return { kind: 'items', items: [{ host: ip, port: 0, target: `${r.service}.${r.namespace}.pod.${zone}` }] };
}

function findServices(view: ClusterDnsView, r: Request, zone: string): Lookup {
  if (!view.namespaceExists(r.namespace)) return NXDOMAIN;
  if (r.service === '') return EMPTY;
  const svc = view.service(r.namespace, r.service);
  if (!svc) return NXDOMAIN;
  const owner = `${svc.name}.${svc.namespace}.svc.${zone}`;
  if (svc.type === 'ExternalName') {
    if (r.endpoint || r.port || r.protocol) return NXDOMAIN;
    const target = svc.externalName ?? '';
    // CoreDNS only answers ExternalNames that are host names (an IP is not a CNAME target).
    if (target === '' || /^[0-9.]+$/.test(target)) return NXDOMAIN;
    return { kind: 'items', items: [{ host: target, port: 0, target: owner }] };
  }
  const items: Item[] = [];
  if (svc.clusterIPs[0] === 'None' || r.endpoint) {
    for (const ep of view.readyEndpoints(svc.namespace, svc.name)) {
      const host = endpointHostname(ep);
      if (r.endpoint && !eq(r.endpoint, host)) continue;
      const ports = ep.ports.length ? ep.ports : [{ name: '', port: -1, protocol: '' }];
      for (const p of ports) {
        if (!portMatches(r, p)) continue;
        items.push({ host: ep.ip, port: p.port, target: `${host}.${owner}` });
      }
    }
    return items.length ? { kind: 'items', items } : NXDOMAIN;
  }
  let matched = false;
  for (const p of svc.ports) {
    if (!portMatches(r, p)) continue;
    matched = true;
    for (const ip of svc.clusterIPs) items.push({ host: ip, port: p.port, target: owner });
  }
  return matched ? { kind: 'items', items } : NXDOMAIN;
}

/**
 * CoreDNS `Records` for a name of the cluster zone (`name` lower case, fully
 * qualified; `zone` likewise): the items it holds, or NXDOMAIN. The zone's
 * own names (`ns.dns`, `dns-version`) are the caller's.
 */
export function lookupName(view: ClusterDnsView, name: string, zone: string): Lookup {
  const below = name === zone ? '' : name.slice(0, -zone.length - 1);
  const r = parseRequest(below === '' ? [] : below.split('.'));
  if (r === undefined) return NXDOMAIN;
  if (r === 'apex') return EMPTY;
  return r.kind === 'pod' ? findPod(view, r, zone) : findServices(view, r, zone);
}

/** Whether an item is a host name (a CNAME) rather than an address. */
export function isCname(item: Item): boolean {
  return !/^[0-9.]+$/.test(item.host);
}

/**
 * CoreDNS `serviceRecordForIP`: the Service owning a ClusterIP, else one name
 * per Service whose endpoints have the address (`<endpoint>.<svc>.<ns>.svc.zone.`),
 * without duplicates. Empty when the cluster does not know the address.
 */
export function reverseTargets(view: ClusterDnsView, ip: string, zone: string): string[] {
  const svc = view.serviceByClusterIP(ip);
  if (svc) return [`${svc.name}.${svc.namespace}.svc.${zone}`];
  const owners = view.endpointsByIP?.(ip) ?? [view.endpointByIP(ip)].filter((e) => e !== undefined);
  const targets = owners.map(
    (e) => `${endpointHostname(e.endpoint)}.${e.service.name}.${e.service.namespace}.svc.${zone}`,
  );
  return [...new Set(targets)];
}
