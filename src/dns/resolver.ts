/**
 * A pod's resolver: what glibc/musl do with the resolv.conf the kubelet writes
 * for `dnsPolicy: ClusterFirst` (`search <ns>.svc.<zone> svc.<zone> <zone>`,
 * `options ndots:5`), asking the cluster DNS for each candidate in turn. Every
 * attempt is returned, so a trace can show which search suffix matched and the
 * CNAME chain of an ExternalName.
 */
import { answerQuestion, type ClusterDnsView, type DnsRecord, type Rcode } from './zone.js';

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
