import { describe, expect, it } from 'vitest';
import { candidates, resolveForPod } from './resolver.js';
import { answerQuestion, type ClusterDnsView, type ViewEndpoint, type ViewService } from './zone.js';

const services: ViewService[] = [
  {
    namespace: 'default',
    name: 'web',
    type: 'ClusterIP',
    clusterIPs: ['10.96.12.34'],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
  {
    namespace: 'default',
    name: 'db',
    type: 'ClusterIP',
    clusterIPs: ['None'],
    ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
  },
  {
    namespace: 'default',
    name: 'ext',
    type: 'ExternalName',
    clusterIPs: [],
    externalName: 'web.default.svc.cluster.local',
    ports: [],
  },
  {
    namespace: 'default',
    name: 'ipext',
    type: 'ExternalName',
    clusterIPs: [],
    externalName: '1.2.3.4',
    ports: [],
  },
];
const endpoints: Record<string, ViewEndpoint[]> = {
  'default/db': [
    { ip: '10.244.1.5', hostname: 'db-0', ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }] },
    { ip: '10.244.2.9', ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }] },
  ],
};

const view: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1767225600,
  namespaceExists: (ns) => ns === 'default' || ns === 'kube-system',
  service: (ns, name) => services.find((s) => s.namespace === ns && s.name === name),
  readyEndpoints: (ns, name) => endpoints[`${ns}/${name}`] ?? [],
  serviceByClusterIP: (ip) => services.find((s) => s.clusterIPs.includes(ip)),
  endpointByIP: (ip) => {
    for (const [key, eps] of Object.entries(endpoints)) {
      const ep = eps.find((e) => e.ip === ip);
      const [ns, name] = key.split('/') as [string, string];
      const service = services.find((s) => s.namespace === ns && s.name === name);
      if (ep && service) return { service, endpoint: ep };
    }
    return undefined;
  },
};

function short(q: string, type: string): string {
  const a = answerQuestion(view, q, type);
  if (a.forward === true) return 'FORWARD';
  const fmt = (r: (typeof a.answers)[number]) =>
    `${r.type} ${typeof r.data === 'object' && !Array.isArray(r.data) ? Object.values(r.data).join(' ') : String(r.data)}`;
  return [
    a.rcode,
    ...a.answers.map(fmt),
    ...a.authorities.map((r) => `auth ${r.type}`),
    ...a.additionals.map((r) => `add ${fmt(r)}`),
  ].join(' | ');
}

describe('cluster DNS zone', () => {
  it.each([
    { q: 'web.default.svc.cluster.local', type: 'A', want: 'NOERROR | A 10.96.12.34' },
    { q: 'WEB.Default.svc.cluster.local.', type: 'A', want: 'NOERROR | A 10.96.12.34' },
    { q: 'web.default.svc.cluster.local', type: 'AAAA', want: 'NOERROR | auth SOA' },
    { q: 'nope.default.svc.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: 'web.nosuchns.svc.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: 'default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    { q: 'db.default.svc.cluster.local', type: 'A', want: 'NOERROR | A 10.244.1.5 | A 10.244.2.9' },
    { q: 'db-0.db.default.svc.cluster.local', type: 'A', want: 'NOERROR | A 10.244.1.5' },
    { q: '10-244-2-9.db.default.svc.cluster.local', type: 'A', want: 'NOERROR | A 10.244.2.9' },
    {
      q: '_http._tcp.web.default.svc.cluster.local',
      type: 'SRV',
      want: 'NOERROR | SRV 0 100 80 web.default.svc.cluster.local. | add A 10.96.12.34',
    },
    {
      q: '_mysql._tcp.db.default.svc.cluster.local',
      type: 'SRV',
      want: 'NOERROR | SRV 0 50 3306 db-0.db.default.svc.cluster.local. | SRV 0 50 3306 10-244-2-9.db.default.svc.cluster.local. | add A 10.244.1.5 | add A 10.244.2.9',
    },
    { q: '_nope._tcp.web.default.svc.cluster.local', type: 'SRV', want: 'NXDOMAIN | auth SOA' },
    { q: 'ext.default.svc.cluster.local', type: 'A', want: 'NOERROR | CNAME web.default.svc.cluster.local.' },
    {
      q: 'ext.default.svc.cluster.local',
      type: 'AAAA',
      want: 'NOERROR | CNAME web.default.svc.cluster.local.',
    },
    { q: 'ipext.default.svc.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: '10-244-1-5.default.pod.cluster.local', type: 'A', want: 'NOERROR | A 10.244.1.5' },
    { q: 'not-an-ip.default.pod.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: '34.12.96.10.in-addr.arpa', type: 'PTR', want: 'NOERROR | PTR web.default.svc.cluster.local.' },
    {
      q: '9.2.244.10.in-addr.arpa',
      type: 'PTR',
      want: 'NOERROR | PTR 10-244-2-9.db.default.svc.cluster.local.',
    },
    { q: '8.8.8.8.in-addr.arpa', type: 'PTR', want: 'FORWARD' },
    { q: 'example.com', type: 'A', want: 'FORWARD' },
    { q: 'cluster.local', type: 'NS', want: 'NOERROR | NS ns.dns.cluster.local. | add A 10.96.0.10' },
    {
      q: 'cluster.local',
      type: 'SOA',
      want: 'NOERROR | SOA ns.dns.cluster.local. hostmaster.cluster.local. 1767225600 7200 1800 86400 30',
    },
    { q: 'dns-version.cluster.local', type: 'TXT', want: 'NOERROR | TXT 1.1.0' },
    { q: 'host.netkube.internal', type: 'A', want: 'NOERROR | A 192.168.65.254' },
  ])('$type $q', ({ q, type, want }) => {
    expect(short(q, type)).toBe(want);
  });
});

describe('pod resolver', () => {
  it('tries the search list first for names with fewer than five dots', () => {
    expect(candidates('web', 'shop', 'cluster.local')).toEqual([
      'web.shop.svc.cluster.local',
      'web.svc.cluster.local',
      'web.cluster.local',
      'web',
    ]);
    expect(candidates('a.b.c.d.e.f', 'shop', 'cluster.local')[0]).toBe('a.b.c.d.e.f');
    expect(candidates('example.com.', 'shop', 'cluster.local')).toEqual(['example.com']);
  });

  it('resolves a short name through the search path and records every attempt', async () => {
    const r = await resolveForPod({ view, lookupExternal: async () => [] }, 'web', 'default');
    expect(r.addresses).toEqual(['10.96.12.34']);
    expect(r.canonicalName).toBe('web.default.svc.cluster.local');
    expect(r.attempts.map((a) => `${a.name} ${a.rcode}`)).toEqual(['web.default.svc.cluster.local NOERROR']);
  });

  it('follows an ExternalName CNAME and falls back to the host for outside names', async () => {
    const ext = await resolveForPod({ view, lookupExternal: async () => [] }, 'ext', 'default');
    expect(ext.addresses).toEqual(['10.96.12.34']);
    const outside = await resolveForPod(
      { view, lookupExternal: async (n) => (n === 'example.com' ? ['93.184.215.14'] : []) },
      'example.com',
      'default',
    );
    expect(outside.addresses).toEqual(['93.184.215.14']);
    expect(outside.attempts.map((a) => a.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NOERROR']);
  });
});
