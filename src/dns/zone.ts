/**
 * Cluster DNS answers, as CoreDNS's `kubernetes` plugin gives them with the
 * kubeadm/kind Corefile (`kubernetes cluster.local in-addr.arpa ip6.arpa { pods
 * insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }`): A records for
 * ClusterIPs, one per ready endpoint for headless Services, `<hostname>.<svc>`
 * endpoint names, SRV for named ports, CNAME for ExternalName, pod A records
 * `a-b-c-d.<ns>.pod.<zone>`, PTR for ClusterIPs and endpoints, NXDOMAIN vs
 * NODATA with the zone's SOA in the authority section, NS at the apex.
 *
 * Pure: the cluster is read through `ClusterDnsView`; names outside the zone
 * (and reverse names the cluster does not know) are answered `{ forward: true }`.
 */

export const DNS_TTL = 30;

/**
 * The emulator's name for the laptop itself, like `host.docker.internal` and
 * `host.minikube.internal` (which CoreDNS serves from a `hosts` block). The
 * dataplane turns connections to `HOST_GATEWAY_IP` into real connections to
 * 127.0.0.1 on the host, so `externalName: host.netkube.internal` reaches a
 * server the user runs on the laptop.
 */
export const HOST_GATEWAY_NAME = 'host.netkube.internal';
export const HOST_GATEWAY_IP = '192.168.65.254';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'FORMERR' | 'REFUSED' | 'NOTIMP';

export type DnsRecord =
  | { readonly type: 'A'; readonly name: string; readonly ttl: number; readonly data: string }
  | {
      readonly type: 'CNAME' | 'PTR' | 'NS';
      readonly name: string;
      readonly ttl: number;
      readonly data: string;
    }
  | { readonly type: 'TXT'; readonly name: string; readonly ttl: number; readonly data: string[] }
  | {
      readonly type: 'SRV';
      readonly name: string;
      readonly ttl: number;
      readonly data: {
        readonly priority: number;
        readonly weight: number;
        readonly port: number;
        readonly target: string;
      };
    }
  | {
      readonly type: 'SOA';
      readonly name: string;
      readonly ttl: number;
      readonly data: {
        readonly mname: string;
        readonly rname: string;
        readonly serial: number;
        readonly refresh: number;
        readonly retry: number;
        readonly expire: number;
        readonly minimum: number;
      };
    };

export interface ZoneAnswer {
  readonly forward?: false;
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

export type Answer = ZoneAnswer | { readonly forward: true };

export interface ViewEndpoint {
  readonly ip: string;
  readonly hostname?: string | undefined;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly protocol: string }>;
}

export interface ViewService {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  /** ClusterIPs; `['None']` for headless; empty for ExternalName. */
  readonly clusterIPs: readonly string[];
  readonly externalName?: string | undefined;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly protocol: string }>;
}

/** What the zone needs to know about the cluster. */
export interface ClusterDnsView {
  readonly clusterDomain: string;
  /** The kube-dns ClusterIP, for the apex NS record. */
  readonly dnsServiceIP: string;
  /** SOA serial: Unix time of the last relevant change. */
  serial(): number;
  namespaceExists(namespace: string): boolean;
  service(namespace: string, name: string): ViewService | undefined;
  /** Ready endpoints of a Service (publishNotReadyAddresses already applied). */
  readyEndpoints(namespace: string, name: string): readonly ViewEndpoint[];
  /** The Service owning a ClusterIP. */
  serviceByClusterIP(ip: string): ViewService | undefined;
  /** A ready endpoint by IP, with its Service. */
  endpointByIP(ip: string): { readonly service: ViewService; readonly endpoint: ViewEndpoint } | undefined;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

/** `10-244-1-5` for an endpoint without hostname (CoreDNS `endpointHostname`). */
export function endpointHostname(ep: ViewEndpoint): string {
  return ep.hostname ?? ep.ip.replaceAll('.', '-');
}

export function soaRecord(view: ClusterDnsView): DnsRecord {
  const zone = fqdn(view.clusterDomain);
  return {
    type: 'SOA',
    name: zone,
    ttl: DNS_TTL,
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: view.serial(),
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: DNS_TTL,
    },
  };
}

function nodata(view: ClusterDnsView): ZoneAnswer {
  return { rcode: 'NOERROR', answers: [], authorities: [soaRecord(view)], additionals: [] };
}

function nxdomain(view: ClusterDnsView): ZoneAnswer {
  return { rcode: 'NXDOMAIN', answers: [], authorities: [soaRecord(view)], additionals: [] };
}

/** A service record before it is typed: an IP (A) or a host name (CNAME), with the port for SRV. */
interface Item {
  readonly host: string;
  readonly port: number;
  /** The owner name of SRV targets: `svc.ns.svc.zone.` or `<endpoint>.svc.ns.svc.zone.` */
  readonly target: string;
}

interface Parsed {
  readonly kind: 'svc' | 'pod';
  readonly port: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly service: string;
  readonly namespace: string;
}

/** CoreDNS `parseRequest`: `[_port._proto.|endpoint.]service.namespace.(svc|pod).zone`. */
function parse(labels: string[]): Parsed | 'invalid' | 'apex-child' {
  const kindIndex = labels.length - 1;
  const kind = labels[kindIndex];
  if (kind !== 'svc' && kind !== 'pod') return labels.length === 0 ? 'apex-child' : 'invalid';
  const rest = labels.slice(0, kindIndex).reverse();
  const [namespace = '', service = '', third, fourth] = rest;
  if (rest.length > 4) return 'invalid';
  if (rest.length === 4) {
    if (!fourth?.startsWith('_') || !third?.startsWith('_')) return 'invalid';
    return { kind, namespace, service, protocol: third.slice(1), port: fourth.slice(1), endpoint: '' };
  }
  if (rest.length === 3) {
    if (third?.startsWith('_')) return 'invalid';
    return { kind, namespace, service, endpoint: third ?? '', port: '', protocol: '' };
  }
  return { kind, namespace, service, endpoint: '', port: '', protocol: '' };
}

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function portMatches(reqPort: string, reqProto: string, p: { name: string; protocol: string }): boolean {
  return (reqPort === '' || eq(reqPort, p.name)) && (reqProto === '' || eq(reqProto, p.protocol));
}

function findItems(view: ClusterDnsView, r: Parsed, zone: string): Item[] | 'nodata' | 'nxdomain' {
  if (!view.namespaceExists(r.namespace))
    return r.namespace === '' && r.service === '' ? 'nodata' : 'nxdomain';
  if (r.service === '') return 'nodata';
  if (r.kind === 'pod') {
    const ip = r.service.split('-');
    const valid = ip.length === 4 && ip.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256);
    return valid ? [{ host: ip.join('.'), port: 0, target: '' }] : 'nxdomain';
  }
  const svc = view.service(r.namespace, r.service);
  if (!svc) return 'nxdomain';
  const owner = `${svc.name}.${svc.namespace}.svc.${zone}`;
  if (svc.type === 'ExternalName') {
    if (r.endpoint || r.port || r.protocol) return 'nxdomain';
    const target = svc.externalName ?? '';
    // CoreDNS only answers ExternalNames that are host names (an IP is not a CNAME target).
    return /^[0-9.]+$/.test(target) || target === ''
      ? 'nxdomain'
      : [{ host: target, port: 0, target: owner }];
  }
  const items: Item[] = [];
  if (svc.clusterIPs[0] === 'None' || r.endpoint) {
    for (const ep of view.readyEndpoints(svc.namespace, svc.name)) {
      const host = endpointHostname(ep);
      if (r.endpoint && !eq(r.endpoint, host)) continue;
      const ports = ep.ports.length ? ep.ports : [{ name: '', port: -1, protocol: '' }];
      for (const p of ports) {
        if (p.port !== -1 && !portMatches(r.port, r.protocol, p)) continue;
        if (p.port === -1 && (r.port || r.protocol)) continue;
        items.push({ host: ep.ip, port: p.port, target: `${host}.${owner}` });
      }
    }
    return items.length ? items : 'nxdomain';
  }
  for (const p of svc.ports) {
    if (!portMatches(r.port, r.protocol, p)) continue;
    for (const ip of svc.clusterIPs) items.push({ host: ip, port: p.port, target: owner });
  }
  return items.length ? items : 'nxdomain';
}

function dedupeA(name: string, items: readonly Item[]): DnsRecord[] {
  const seen = new Set<string>();
  const out: DnsRecord[] = [];
  for (const i of items) {
    if (seen.has(i.host)) continue;
    seen.add(i.host);
    out.push({ type: 'A', name, ttl: DNS_TTL, data: i.host });
  }
  return out;
}

function srvRecords(
  name: string,
  items: readonly Item[],
): { answers: DnsRecord[]; additionals: DnsRecord[] } {
  const usable = items.filter((i) => i.port > 0);
  // CoreDNS weight: 100 / (100 × n) × 100, floored; all priority 0.
  const weight = Math.max(1, Math.floor(100 / usable.length));
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  const seen = new Set<string>();
  for (const i of usable) {
    answers.push({
      type: 'SRV',
      name,
      ttl: DNS_TTL,
      data: { priority: 0, weight, port: i.port, target: i.target },
    });
    if (!seen.has(i.target) && /^[0-9.]+$/.test(i.host)) {
      seen.add(i.target);
      additionals.push({ type: 'A', name: i.target, ttl: DNS_TTL, data: i.host });
    }
  }
  return { answers, additionals };
}

function answerReverse(view: ClusterDnsView, name: string): Answer {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.$/.exec(name);
  if (!m) return { forward: true };
  const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  const zone = fqdn(view.clusterDomain);
  const svc = view.serviceByClusterIP(ip);
  let target: string | undefined;
  if (svc) target = `${svc.name}.${svc.namespace}.svc.${zone}`;
  else {
    const ep = view.endpointByIP(ip);
    if (ep)
      target = `${endpointHostname(ep.endpoint)}.${ep.service.name}.${ep.service.namespace}.svc.${zone}`;
  }
  if (!target) return { forward: true };
  return {
    rcode: 'NOERROR',
    answers: [{ type: 'PTR', name, ttl: DNS_TTL, data: target }],
    authorities: [],
    additionals: [],
  };
}

/**
 * Answers one question. `type` is the record type asked (`A`, `AAAA`, `SRV`,
 * `PTR`, `CNAME`, `TXT`, `SOA`, `NS`, `ANY`…).
 */
export function answerQuestion(view: ClusterDnsView, questionName: string, type: string): Answer {
  const name = fqdn(questionName);
  if (name === `${HOST_GATEWAY_NAME}.`) {
    const answers: DnsRecord[] =
      type === 'A' || type === 'ANY' ? [{ type: 'A', name, ttl: DNS_TTL, data: HOST_GATEWAY_IP }] : [];
    return { rcode: 'NOERROR', answers, authorities: [], additionals: [] };
  }
  if (name.endsWith('.in-addr.arpa.')) {
    return type === 'PTR' || type === 'ANY' ? answerReverse(view, name) : { forward: true };
  }
  const zone = fqdn(view.clusterDomain);
  if (name !== zone && !name.endsWith(`.${zone}`)) return { forward: true };
  if (name === zone) return answerApex(view, zone, type);
  if (name === `dns-version.${zone}`) {
    return type === 'TXT'
      ? {
          rcode: 'NOERROR',
          answers: [{ type: 'TXT', name, ttl: DNS_TTL, data: ['1.1.0'] }],
          authorities: [],
          additionals: [],
        }
      : nodata(view);
  }
  if (name === `ns.dns.${zone}`) {
    return type === 'A'
      ? {
          rcode: 'NOERROR',
          answers: [{ type: 'A', name, ttl: DNS_TTL, data: view.dnsServiceIP }],
          authorities: [],
          additionals: [],
        }
      : nodata(view);
  }
  const labels = name.slice(0, -zone.length - 1).split('.');
  const parsed = parse(labels);
  if (parsed === 'invalid' || parsed === 'apex-child') return nxdomain(view);
  const items = findItems(view, parsed, zone);
  if (items === 'nxdomain') return nxdomain(view);
  if (items === 'nodata') return nodata(view);
  const cname = items.find((i) => !/^[0-9.]+$/.test(i.host));
  if (cname) {
    const answers: DnsRecord[] = [{ type: 'CNAME', name, ttl: DNS_TTL, data: fqdn(cname.host) }];
    // CoreDNS answers A and AAAA questions for an ExternalName with the CNAME too.
    if (type === 'CNAME' || type === 'ANY' || type === 'A' || type === 'AAAA')
      return { rcode: 'NOERROR', answers, authorities: [], additionals: [] };
    return nodata(view);
  }
  switch (type) {
    case 'A':
    case 'ANY':
      return { rcode: 'NOERROR', answers: dedupeA(name, items), authorities: [], additionals: [] };
    case 'SRV': {
      const srv = srvRecords(name, items);
      return srv.answers.length ? { rcode: 'NOERROR', ...srv, authorities: [] } : nodata(view);
    }
    default:
      return nodata(view);
  }
}

function answerApex(view: ClusterDnsView, zone: string, type: string): ZoneAnswer {
  if (type === 'SOA')
    return { rcode: 'NOERROR', answers: [soaRecord(view)], authorities: [], additionals: [] };
  if (type === 'NS') {
    return {
      rcode: 'NOERROR',
      answers: [{ type: 'NS', name: zone, ttl: DNS_TTL, data: `ns.dns.${zone}` }],
      authorities: [],
      additionals: [{ type: 'A', name: `ns.dns.${zone}`, ttl: DNS_TTL, data: view.dnsServiceIP }],
    };
  }
  return nodata(view);
}
