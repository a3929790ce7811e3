/**
 * A pod's resolver: what glibc/musl do with the resolv.conf the kubelet writes
 * for `dnsPolicy: ClusterFirst` (`search <ns>.svc.<zone> svc.<zone> <zone>`,
 * `options ndots:5`), asking the cluster DNS for each candidate in turn. Every
 * attempt is returned, so a trace can show which search suffix matched and the
 * CNAME chain of an ExternalName.
 */
import { isIP } from 'node:net';
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
}

/** Resolves `name` for a pod in `namespace`. Never throws: an unresolvable name has no addresses. */
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
      attempts.push({
        name: candidate,
        rcode: ips.length ? 'NOERROR' : 'NXDOMAIN',
        cluster: false,
        answers: ips.map((ip) => ({ type: 'A', name: `${candidate}.`, ttl: 30, data: ip })),
      });
      if (ips.length) return { query: name, addresses: ips, canonicalName: candidate, attempts };
      continue;
    }
    let records = answer.answers;
    const cname = records.find((r) => r.type === 'CNAME');
    if (cname && cname.type === 'CNAME') {
      const target = cname.data.replace(/\.$/, '');
      const chased = await resolveForPod(config, `${target}.`, namespace);
      records = [...records, ...chased.attempts.flatMap((a) => a.answers)];
    }
    attempts.push({ name: candidate, rcode: answer.rcode, cluster: true, answers: records });
    const addresses = records.filter((r) => r.type === 'A').map((r) => r.data as string);
    if (addresses.length) return { query: name, addresses, canonicalName: candidate, attempts };
  }
  return { query: name, addresses: [], canonicalName: undefined, attempts };
}

/**
 * Appends the A records of a CNAME target (in the zone, or resolved by the
 * host) to an A answer, as the cluster DNS server does for ExternalNames.
 */
export async function chaseCname(
  answer: ZoneAnswer,
  type: string,
  config: { readonly view: ClusterDnsView; readonly lookupExternal?: PodResolverConfig['lookupExternal'] },
): Promise<ZoneAnswer> {
  const cname = answer.answers.find((a) => a.type === 'CNAME');
  if (!cname || type !== 'A' || cname.type !== 'CNAME') return answer;
  const target = cname.data;
  const inZone = answerQuestion(config.view, target, 'A');
  if (inZone.forward !== true)
    return { ...answer, answers: [...answer.answers, ...inZone.answers.filter((a) => a.type === 'A')] };
  const ips = (await config.lookupExternal?.(target.replace(/\.$/, '')).catch(() => [])) ?? [];
  return {
    ...answer,
    answers: [
      ...answer.answers,
      ...ips.map((ip): DnsRecord => ({ type: 'A', name: target, ttl: 30, data: ip })),
    ],
  };
}

/** The reply to one typed question asked by a pod (`dig`, `nslookup`). */
export interface QueryReply {
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  /** The zone's SOA on NXDOMAIN and NODATA. */
  readonly authorities: readonly DnsRecord[];
}

/**
 * Answers one question for a pod exactly as the cluster DNS server does
 * (`answerQuestion` plus CNAME chasing); no search path, `name` is absolute.
 * Names outside the cluster zone go to the host's resolver, which only knows
 * IPv4: an A question gets its addresses, another type NODATA when the name
 * exists, and anything unknown (reverse names the cluster does not own
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
    if (ips.length === 0) return { rcode: 'NXDOMAIN', answers: [], authorities: [] };
    const answers =
      qtype === 'A' || qtype === 'ANY'
        ? ips.map((ip): DnsRecord => ({ type: 'A', name: `${bare}.`, ttl: 30, data: ip }))
        : [];
    return { rcode: 'NOERROR', answers, authorities: [] };
  }
  const chased = await chaseCname(answer, qtype, config);
  return { rcode: chased.rcode, answers: chased.answers, authorities: chased.authorities };
}
