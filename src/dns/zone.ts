/**
 * Cluster DNS answers, as CoreDNS's `kubernetes` plugin gives them with the
 * kubeadm/kind Corefile (`kubernetes cluster.local in-addr.arpa ip6.arpa { pods
 * insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }`): A records for
 * ClusterIPs, one per ready endpoint for headless Services, `<hostname>.<svc>`
 * endpoint names, SRV for named ports, CNAME for ExternalName (followed through
 * the zone, plugin/backend_lookup.go), pod A records `a-b-c-d.<ns>.pod.<zone>`,
 * PTR for ClusterIPs and endpoints, NXDOMAIN vs NODATA with the zone's SOA in
 * the authority section, NS at the apex, REFUSED for zone transfers.
 *
 * Pure: the cluster is read through `ClusterDnsView`; names outside the zone
 * (and reverse names the cluster does not know) are answered `{ forward: true }`.
 */
import { endpointHostname, type Item, isCname, lookupName, reverseTargets } from './records.js';

export { endpointHostname };

export const DNS_TTL = 30;

/** CoreDNS `maxCnameChainLength`: a CNAME is not followed once this many precede it. */
export const MAX_CNAME_CHAIN = 10;

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
  /**
   * Set when a CNAME chain leaves the zone (an ExternalName to `example.com`):
   * the answer is complete once the records of `name` and `type`, as the
   * upstream gives them, are appended (`chaseCname` in resolver.ts does it).
   */
  readonly external?: { readonly name: string; readonly type: 'A' | 'AAAA' };
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

/** An endpoint with the Service it belongs to. */
export interface EndpointOwner {
  readonly service: ViewService;
  readonly endpoint: ViewEndpoint;
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
  /** A ready endpoint by IP, with its Service (the first of `endpointsByIP`). */
  endpointByIP(ip: string): EndpointOwner | undefined;
  /**
   * Every ready endpoint with this IP, each with its Service (a pod behind
   * several Services has one per Service). A view without it stands for one
   * that gives `endpointByIP`'s endpoint only.
   */
  endpointsByIP?(ip: string): readonly EndpointOwner[];
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

/** Whether `child` is `parent` or below it (both fully qualified, lower case). */
function isSubDomain(parent: string, child: string): boolean {
  return child === parent || child.endsWith(`.${parent}`);
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

function answer(answers: readonly DnsRecord[], additionals: readonly DnsRecord[] = []): ZoneAnswer {
  return { rcode: 'NOERROR', answers, authorities: [], additionals };
}

function nodata(view: ClusterDnsView): ZoneAnswer {
  return { rcode: 'NOERROR', answers: [], authorities: [soaRecord(view)], additionals: [] };
}

function nxdomain(view: ClusterDnsView): ZoneAnswer {
  return { rcode: 'NXDOMAIN', answers: [], authorities: [soaRecord(view)], additionals: [] };
}

const FORWARD: Answer = { forward: true };
const REFUSED: ZoneAnswer = { rcode: 'REFUSED', answers: [], authorities: [], additionals: [] };

interface Chain {
  readonly nameError: boolean;
  readonly records: readonly DnsRecord[];
  readonly external?: ZoneAnswer['external'];
}

/**
 * CoreDNS `plugin.A`/`plugin.AAAA`: the addresses of `name`, following
 * ExternalName CNAMEs through the zone. A CNAME to the name itself (or below
 * it), to a target already in the chain, or past `MAX_CNAME_CHAIN` links is
 * dropped, and so is an in-zone CNAME whose target has no address: such a
 * question ends NODATA, never in a loop. A chain leaving the zone ends in
 * `external`.
 */
function addressChain(
  ctx: { view: ClusterDnsView; zone: string },
  name: string,
  type: 'A' | 'AAAA',
  previous: readonly DnsRecord[],
): Chain {
  if (name === `ns.dns.${ctx.zone}`) {
    const records: DnsRecord[] =
      type === 'A' ? [{ type: 'A', name, ttl: DNS_TTL, data: ctx.view.dnsServiceIP }] : [];
    return { nameError: false, records };
  }
  const found = lookupName(ctx.view, name, ctx.zone);
  if (found.kind === 'nxdomain') return { nameError: true, records: [] };
  const records: DnsRecord[] = [];
  let external: ZoneAnswer['external'];
  const seen = new Set<string>();
  for (const item of found.items) {
    if (!isCname(item)) {
      if (type === 'A' && !seen.has(item.host))
        records.push({ type: 'A', name, ttl: DNS_TTL, data: item.host });
      seen.add(item.host);
      continue;
    }
    const target = fqdn(item.host);
    if (isSubDomain(name, target) || previous.length > MAX_CNAME_CHAIN) continue;
    if (previous.some((r) => r.type === 'CNAME' && r.data === target)) continue;
    const cname: DnsRecord = { type: 'CNAME', name, ttl: DNS_TTL, data: target };
    if (!isSubDomain(ctx.zone, target)) {
      records.push(cname);
      external = { name: target, type };
      continue;
    }
    const next = addressChain(ctx, target, type, [...previous, cname]);
    if (next.nameError || next.records.length === 0) continue;
    records.push(cname, ...next.records);
    if (next.external) external = next.external;
  }
  return external ? { nameError: false, records, external } : { nameError: false, records };
}

/**
 * CoreDNS `plugin.SRV`: one record per item with a port, all priority 0, the
 * weight 100 split over every item (duplicates included, as CoreDNS computes
 * it before dropping them); a record repeating a target and port is dropped,
 * and each target's address goes once in the additional section.
 */
function srvRecords(
  name: string,
  items: readonly Item[],
): { answers: DnsRecord[]; additionals: DnsRecord[] } {
  const weight = Math.max(1, Math.floor((100 / (100 * items.length)) * 100));
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  const seen = new Set<string>();
  for (const i of items) {
    if (i.port === -1) continue;
    const srv = `${i.target} ${i.port}`;
    if (!seen.has(srv)) {
      seen.add(srv);
      answers.push({
        type: 'SRV',
        name,
        ttl: DNS_TTL,
        data: { priority: 0, weight, port: i.port, target: i.target },
      });
    }
    const address = `${i.target} @${i.host}`;
    if (!seen.has(address)) {
      seen.add(address);
      additionals.push({ type: 'A', name: i.target, ttl: DNS_TTL, data: i.host });
    }
  }
  return { answers, additionals };
}

function answerReverse(view: ClusterDnsView, name: string): Answer {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.$/.exec(name);
  if (!m) return FORWARD;
  const targets = reverseTargets(view, `${m[4]}.${m[3]}.${m[2]}.${m[1]}`, fqdn(view.clusterDomain));
  // Unknown addresses fall through to the next plugin (`fallthrough in-addr.arpa ip6.arpa`): forward.
  if (targets.length === 0) return FORWARD;
  return answer(targets.map((data): DnsRecord => ({ type: 'PTR', name, ttl: DNS_TTL, data })));
}

function answerApex(view: ClusterDnsView, zone: string, type: string): ZoneAnswer {
  if (type === 'SOA') return answer([soaRecord(view)]);
  if (type === 'NS')
    return answer(
      [{ type: 'NS', name: zone, ttl: DNS_TTL, data: `ns.dns.${zone}` }],
      [{ type: 'A', name: `ns.dns.${zone}`, ttl: DNS_TTL, data: view.dnsServiceIP }],
    );
  // The apex holds no service: TXT, which asks for one, is NXDOMAIN (CoreDNS `Services` for TXT).
  return type === 'TXT' ? nxdomain(view) : nodata(view);
}

/**
 * The kubernetes plugin's handler (`ServeDNS`) for a name of the cluster zone,
 * one branch per question type.
 */
function answerInZone(view: ClusterDnsView, name: string, zone: string, type: string): ZoneAnswer {
  if (name === zone) return answerApex(view, zone, type);
  if (name === `dns-version.${zone}`)
    // CoreDNS gives this record a TTL of 28800; kubeadm's `cache 30` caps every TTL it passes at 30.
    return type === 'TXT' ? answer([{ type: 'TXT', name, ttl: DNS_TTL, data: ['1.1.0'] }]) : nxdomain(view);
  if (name === `ns.dns.${zone}` && type !== 'A')
    return type === 'TXT' || type === 'PTR' ? nxdomain(view) : nodata(view);
  const ctx = { view, zone };
  if (type === 'A' || type === 'AAAA') {
    const chain = addressChain(ctx, name, type, []);
    if (chain.nameError) return nxdomain(view);
    if (chain.records.length === 0) return nodata(view);
    return chain.external ? { ...answer(chain.records), external: chain.external } : answer(chain.records);
  }
  if (type === 'SOA') return nodata(view);
  const found = lookupName(view, name, zone);
  if (found.kind === 'nxdomain') return nxdomain(view);
  const first = found.items[0];
  switch (type) {
    case 'TXT':
      return found.items.length ? nodata(view) : nxdomain(view);
    case 'CNAME':
      return first && isCname(first)
        ? answer([{ type: 'CNAME', name, ttl: DNS_TTL, data: fqdn(first.host) }])
        : nodata(view);
    case 'SRV': {
      const srv = srvRecords(
        name,
        found.items.filter((i) => !isCname(i)),
      );
      return srv.answers.length ? answer(srv.answers, srv.additionals) : nodata(view);
    }
    default:
      // ANY, NS below the apex, PTR of a forward name, MX…: CoreDNS asks for A only to tell NODATA from NXDOMAIN.
      return nodata(view);
  }
}

/**
 * Answers one question. `type` is the record type asked (`A`, `AAAA`, `SRV`,
 * `PTR`, `CNAME`, `TXT`, `SOA`, `NS`, `ANY`, `AXFR`…, `TYPE65` for the ones
 * without a name here).
 */
export function answerQuestion(view: ClusterDnsView, questionName: string, type: string): Answer {
  const name = fqdn(questionName);
  if (name === `${HOST_GATEWAY_NAME}.`) {
    const answers: DnsRecord[] =
      type === 'A' || type === 'ANY' ? [{ type: 'A', name, ttl: DNS_TTL, data: HOST_GATEWAY_IP }] : [];
    return answer(answers);
  }
  const zone = fqdn(view.clusterDomain);
  const reverse = isSubDomain('in-addr.arpa.', name) || isSubDomain('ip6.arpa.', name);
  if (!reverse && !isSubDomain(zone, name)) return FORWARD;
  // No `transfer` plugin in the Corefile: the kubernetes plugin refuses AXFR and IXFR.
  if (type === 'AXFR' || type === 'IXFR') return REFUSED;
  if (reverse) return type === 'PTR' ? answerReverse(view, name) : FORWARD;
  return answerInZone(view, name, zone, type);
}
