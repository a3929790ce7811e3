/**
 * The DNS step of a trace: the pod's resolver (search path, ndots:5) asking
 * the cluster DNS, exactly as `resolveForPod` does for a simulated pod's
 * connection, with every attempt kept so the trace can show which search
 * suffix answered, the CNAME an ExternalName returns, or the NXDOMAIN.
 * Nodes and the laptop do not use the pod search path: they ask for the
 * name as written.
 */
import { type PodResolverConfig, resolveForPod } from '../dns/resolver.js';
import type { DnsRecord } from '../dns/zone.js';
import type { TraceDns } from './model.js';

/** One record as `dig` prints it. */
export function digRecord(r: DnsRecord): string {
  switch (r.type) {
    case 'A':
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return `${r.name} ${r.ttl} IN ${r.type} ${r.data}`;
    case 'TXT':
      return `${r.name} ${r.ttl} IN TXT ${r.data.map((d) => JSON.stringify(d)).join(' ')}`;
    case 'SRV':
      return `${r.name} ${r.ttl} IN SRV ${r.data.priority} ${r.data.weight} ${r.data.port} ${r.data.target}`;
    case 'SOA':
      return `${r.name} ${r.ttl} IN SOA ${r.data.mname} ${r.data.rname} ${r.data.serial}`;
  }
}

/**
 * Resolves `host` as the sender would. `namespace` is the pod's (its search
 * path); `searchPath` false asks for the name as written (nodes, the host).
 */
export async function resolveStep(
  config: PodResolverConfig,
  host: string,
  options: { namespace: string; searchPath: boolean },
): Promise<TraceDns> {
  if (host === 'localhost') {
    return {
      query: host,
      searchPath: false,
      attempts: [
        {
          name: 'localhost',
          rcode: 'NOERROR',
          cluster: false,
          answers: ['localhost. 0 IN A 127.0.0.1 (/etc/hosts)'],
        },
      ],
      canonicalName: 'localhost',
      cnames: [],
      addresses: ['127.0.0.1'],
    };
  }
  const query = options.searchPath || host.endsWith('.') ? host : `${host}.`;
  // The zone's order, not loadbalance's shuffle: a trace with the same seed shows the same path.
  const r = await resolveForPod({ ...config, loadbalance: false }, query, options.namespace);
  const cnames: string[] = [];
  for (const a of r.attempts)
    for (const rec of a.answers) if (rec.type === 'CNAME') cnames.push(rec.data.replace(/\.$/, ''));
  return {
    query: host,
    searchPath: options.searchPath,
    attempts: r.attempts.map((a) => ({
      name: a.name,
      rcode: a.rcode,
      cluster: a.cluster,
      answers: a.answers.map(digRecord),
    })),
    ...(r.canonicalName ? { canonicalName: r.canonicalName } : {}),
    cnames,
    addresses: r.addresses,
  };
}
