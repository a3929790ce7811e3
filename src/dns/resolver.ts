/**
 * A pod's resolver: what glibc/musl do with the resolv.conf the kubelet writes
 * for `dnsPolicy: ClusterFirst` (`search <ns>.svc.<zone> svc.<zone> <zone>`,
 * `options ndots:5`), asking the cluster DNS for each candidate in turn. Every
 * attempt is returned, so a trace can show which search suffix matched and the
 * CNAME chain of an ExternalName.
 */
import { isIP } from 'node:net';
import { type Random, systemRandom } from '../util/random.js';
import { roundRobin } from './loadbalance.js';
import { answerQuestion, type ClusterDnsView, type DnsRecord, type Rcode, type ZoneAnswer } from './zone.js';

export const NDOTS = 5;

export interface ResolveAttempt {
  readonly name: string;
  readonly rcode: Rcode;
  /** Whether the cluster zone answered (false: forwarded to the host's resolver). */
  readonly cluster: boolean;
  readonly answers: readonly DnsRecord[];
}

export interface Resolution {
  readonly query: string;
  /** IPv4 addresses, empty when the name does not resolve. */
  readonly addresses: readonly string[];
  /** The fully qualified name that answered. */
  readonly canonicalName: string | undefined;
  readonly attempts: readonly ResolveAttempt[];
}

/** The search list of a pod in `namespace`. */
export function searchList(namespace: string, clusterDomain: string): string[] {
  return [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
}

/** The /etc/resolv.conf a ClusterFirst pod sees. */
export function podResolvConf(namespace: string, clusterDomain: string, nameserver: string): string {
  return `search ${searchList(namespace, clusterDomain).join(' ')}\nnameserver ${nameserver}\noptions ndots:${NDOTS}\n`;
}

/** Candidate names in the order the resolver tries them. */
export function candidates(name: string, namespace: string, clusterDomain: string): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = searchList(namespace, clusterDomain).map((s) => `${name}.${s}`);
  return dots >= NDOTS ? [name, ...searched] : [...searched, name];
}

export interface PodResolverConfig {
  readonly view: ClusterDnsView;
  /** Resolves names outside the cluster zone (the host's resolver). */
  readonly lookupExternal: (name: string) => Promise<string[]>;
  /**
   * CoreDNS's `loadbalance`: every answer comes with its addresses shuffled,
   * as pods get them on a real cluster, so clients that take the first address
   * spread over a headless Service's pods. Traces turn it off to stay
   * reproducible: they follow the zone's order. @default true
   */
  readonly loadbalance?: boolean;
  /** Draws for `loadbalance`. @default systemRandom */
  readonly random?: Random;
}

function balanced(records: readonly DnsRecord[], config: PodResolverConfig): readonly DnsRecord[] {
  return config.loadbalance === false ? records : roundRobin(records, config.random ?? systemRandom);
}

function externalRecords(name: string, ips: readonly string[]): DnsRecord[] {
  return ips.map((ip): DnsRecord => ({ type: 'A', name: `${name.replace(/\.$/, '')}.`, ttl: 30, data: ip }));
}

/**
 * Resolves `name` for a pod in `namespace`, as glibc does: each candidate in
 * turn until one has addresses (an NXDOMAIN or NODATA moves on to the next).
 * Never throws: an unresolvable name — a CNAME loop included, which the zone
 * answers NODATA — has no addresses.
 */
export async function resolveForPod(
  config: PodResolverConfig,
  name: string,
  namespace: string,
): Promise<Resolution> {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name))
    return { query: name, addresses: [name], canonicalName: name, attempts: [] };
  // An IPv6 literal is no name: never asked of the host's resolver (the cluster is IPv4 only).
  if (isIP(name) === 6) return { query: name, addresses: [], canonicalName: undefined, attempts: [] };
  const attempts: ResolveAttempt[] = [];
  for (const candidate of candidates(name, namespace, config.view.clusterDomain)) {
    const answer = answerQuestion(config.view, candidate, 'A');
    if (answer.forward === true) {
      const ips = await config.lookupExternal(candidate).catch(() => []);
      const answers = balanced(externalRecords(candidate, ips), config);
      attempts.push({ name: candidate, rcode: ips.length ? 'NOERROR' : 'NXDOMAIN', cluster: false, answers });
      if (ips.length)
        return { query: name, addresses: addressesOf(answers), canonicalName: candidate, attempts };
      continue;
    }
    const chased = await chaseCname(answer, config);
    const records = balanced(chased.answers, config);
    attempts.push({ name: candidate, rcode: chased.rcode, cluster: true, answers: records });
    const addresses = addressesOf(records);
    if (addresses.length) return { query: name, addresses, canonicalName: candidate, attempts };
  }
  return { query: name, addresses: [], canonicalName: undefined, attempts };
}

function addressesOf(records: readonly DnsRecord[]): string[] {
  return records.flatMap((r) => (r.type === 'A' ? [r.data] : []));
}

/**
 * Completes an answer whose CNAME chain leaves the zone (`answer.external`):
 * the target's records are appended as the cluster DNS gets them from the
 * upstream (CoreDNS `b.Lookup`) — the host's resolver, which knows IPv4 only,
 * or the zone itself for the names it answers outside `cluster.local`
 * (`host.netkube.internal`). Other answers come back as they are.
 */
export async function chaseCname(
  answer: ZoneAnswer,
  config: { readonly view: ClusterDnsView; readonly lookupExternal?: PodResolverConfig['lookupExternal'] },
): Promise<ZoneAnswer> {
  const tail = answer.external;
  if (!tail) return answer;
  const { external: _done, ...rest } = answer;
  const local = answerQuestion(config.view, tail.name, tail.type);
  let records: readonly DnsRecord[] = [];
  if (local.forward !== true) records = local.answers;
  else if (tail.type === 'A')
    records = externalRecords(
      tail.name,
      (await config.lookupExternal?.(tail.name.replace(/\.$/, '')).catch(() => [])) ?? [],
    );
  return { ...rest, answers: [...answer.answers, ...records] };
}

/** The reply to one typed question asked by a pod (`dig`, `nslookup`). */
export interface QueryReply {
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  /** The zone's SOA on NXDOMAIN and NODATA. */
  readonly authorities: readonly DnsRecord[];
  /**
   * How the reply's header reads (dig's `flags:`): `cluster` for the zone's own
   * answers (`qr aa rd`, no recursion available), `forwarded` for names the
   * upstream answered (`qr rd ra`), `refused` for a bare rcode (AXFR).
   */
  readonly source?: 'cluster' | 'forwarded' | 'refused';
}

/**
 * Answers one question for a pod exactly as the cluster DNS server does
 * (`answerQuestion`, CNAME chasing, `loadbalance`); no search path, `name` is
 * absolute. Names outside the cluster zone go to the host's resolver, which only
 * knows IPv4: an A question gets its addresses, another type NODATA when the
 * name exists, and anything unknown (reverse names the cluster does not own
 * included) NXDOMAIN.
 */
export async function queryForPod(
  config: PodResolverConfig,
  name: string,
  type: string,
): Promise<QueryReply> {
  const qtype = type.toUpperCase();
  const answer = answerQuestion(config.view, name, qtype);
  if (answer.forward === true) {
    const bare = name.replace(/\.$/, '');
    const ips = bare.endsWith('.arpa') ? [] : await config.lookupExternal(bare).catch(() => [] as string[]);
    if (ips.length === 0) return { rcode: 'NXDOMAIN', answers: [], authorities: [], source: 'forwarded' };
    const answers = qtype === 'A' || qtype === 'ANY' ? externalRecords(bare, ips) : [];
    return { rcode: 'NOERROR', answers: balanced(answers, config), authorities: [], source: 'forwarded' };
  }
  const chased = await chaseCname(answer, config);
  if (chased.rcode !== 'NOERROR')
    return {
      rcode: chased.rcode,
      answers: chased.answers,
      authorities: chased.authorities,
      source: chased.rcode === 'NXDOMAIN' ? 'cluster' : 'refused',
    };
  return {
    rcode: chased.rcode,
    answers: balanced(chased.answers, config),
    authorities: balanced(chased.authorities, config),
    source: 'cluster',
  };
}
