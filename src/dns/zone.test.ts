import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { candidates, queryForPod, resolveForPod } from './resolver.js';
import {
  answerQuestion,
  type ClusterDnsView,
  type EndpointOwner,
  type ViewEndpoint,
  type ViewService,
} from './zone.js';

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
  // CNAME chains (issue: only one link followed; a self-reference overflowed the stack).
  externalName('alias2', 'alias1.default.svc.cluster.local'),
  externalName('alias1', 'web.default.svc.cluster.local'),
  externalName('loop1', 'loop1.default.svc.cluster.local'),
  externalName('ping', 'pong.default.svc.cluster.local'),
  externalName('pong', 'ping.default.svc.cluster.local'),
  externalName('below', 'x.below.default.svc.cluster.local'),
  externalName('dangling', 'nope.default.svc.cluster.local'),
  externalName('outside', 'example.com'),
  externalName('via-outside', 'outside.default.svc.cluster.local'),
  // c0 → c1 → … → c10 → web: eleven links are followed (MAX_CNAME_CHAIN + 1); d0 → … → d11 → web, twelve, are not.
  ...Array.from({ length: 11 }, (_, i) =>
    externalName(`c${i}`, i === 10 ? 'web.default.svc.cluster.local' : `c${i + 1}.default.svc.cluster.local`),
  ),
  ...Array.from({ length: 12 }, (_, i) =>
    externalName(`d${i}`, i === 11 ? 'web.default.svc.cluster.local' : `d${i + 1}.default.svc.cluster.local`),
  ),
  {
    namespace: 'kube-system',
    name: 'kube-dns',
    type: 'ClusterIP',
    clusterIPs: ['10.96.0.10'],
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
  },
  {
    namespace: 'default',
    name: 'db-read',
    type: 'ClusterIP',
    clusterIPs: ['None'],
    ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
  },
];

function externalName(name: string, target: string): ViewService {
  return {
    namespace: 'default',
    name,
    type: 'ExternalName',
    clusterIPs: [],
    externalName: target,
    ports: [],
  };
}
const endpoints: Record<string, ViewEndpoint[]> = {
  'default/db': [
    { ip: '10.244.1.5', hostname: 'db-0', ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }] },
    { ip: '10.244.2.9', ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }] },
  ],
  // The same pod behind a second Service: two PTR records for its address.
  'default/db-read': [{ ip: '10.244.2.9', ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }] }],
};

function endpointsByIP(ip: string): EndpointOwner[] {
  const owners: EndpointOwner[] = [];
  for (const [key, eps] of Object.entries(endpoints)) {
    const ep = eps.find((e) => e.ip === ip);
    const [ns, name] = key.split('/') as [string, string];
    const service = services.find((s) => s.namespace === ns && s.name === name);
    if (ep && service) owners.push({ service, endpoint: ep });
  }
  return owners;
}

const view: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1767225600,
  namespaceExists: (ns) => ns === 'default' || ns === 'kube-system',
  service: (ns, name) => services.find((s) => s.namespace === ns && s.name === name),
  readyEndpoints: (ns, name) => endpoints[`${ns}/${name}`] ?? [],
  serviceByClusterIP: (ip) => services.find((s) => s.clusterIPs.includes(ip)),
  endpointByIP: (ip) => endpointsByIP(ip)[0],
  endpointsByIP,
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
    ...(a.external ? [`then ${a.external.type} ${a.external.name}`] : []),
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
    // In-zone CNAMEs are followed (CoreDNS plugin/backend_lookup.go `A`).
    {
      q: 'ext.default.svc.cluster.local',
      type: 'A',
      want: 'NOERROR | CNAME web.default.svc.cluster.local. | A 10.96.12.34',
    },
    // The target has no AAAA: the CNAME is dropped too, NODATA.
    { q: 'ext.default.svc.cluster.local', type: 'AAAA', want: 'NOERROR | auth SOA' },
    {
      q: 'ext.default.svc.cluster.local',
      type: 'CNAME',
      want: 'NOERROR | CNAME web.default.svc.cluster.local.',
    },
    {
      q: 'alias2.default.svc.cluster.local',
      type: 'A',
      want: 'NOERROR | CNAME alias1.default.svc.cluster.local. | CNAME web.default.svc.cluster.local. | A 10.96.12.34',
    },
    { q: 'loop1.default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    { q: 'loop1.default.svc.cluster.local', type: 'AAAA', want: 'NOERROR | auth SOA' },
    {
      q: 'loop1.default.svc.cluster.local',
      type: 'CNAME',
      want: 'NOERROR | CNAME loop1.default.svc.cluster.local.',
    },
    { q: 'ping.default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    { q: 'below.default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    { q: 'dangling.default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    {
      q: 'outside.default.svc.cluster.local',
      type: 'A',
      want: 'NOERROR | CNAME example.com. | then A example.com.',
    },
    {
      q: 'via-outside.default.svc.cluster.local',
      type: 'A',
      want: 'NOERROR | CNAME outside.default.svc.cluster.local. | CNAME example.com. | then A example.com.',
    },
    {
      q: 'c0.default.svc.cluster.local',
      type: 'A',
      want: `NOERROR | ${Array.from({ length: 10 }, (_, i) => `CNAME c${i + 1}.default.svc.cluster.local.`).join(' | ')} | CNAME web.default.svc.cluster.local. | A 10.96.12.34`,
    },
    { q: 'd0.default.svc.cluster.local', type: 'A', want: 'NOERROR | auth SOA' },
    { q: 'ipext.default.svc.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: '10-244-1-5.default.pod.cluster.local', type: 'A', want: 'NOERROR | A 10.244.1.5' },
    { q: '0-0-0-0.default.pod.cluster.local', type: 'A', want: 'NOERROR | A 0.0.0.0' },
    { q: 'not-an-ip.default.pod.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    // Go's net.ParseIP rejects leading zeros.
    { q: '010-1-2-3.default.pod.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    {
      q: '10-244-1-5.default.pod.cluster.local',
      type: 'SRV',
      want: 'NOERROR | SRV 0 100 0 10-244-1-5.default.pod.cluster.local. | add A 10.244.1.5',
    },
    // parseRequest strips one underscore: `http.tcp` is `_http._tcp`.
    {
      q: 'http.tcp.web.default.svc.cluster.local',
      type: 'SRV',
      want: 'NOERROR | SRV 0 100 80 web.default.svc.cluster.local. | add A 10.96.12.34',
    },
    // Duplicates (same target and port) go; the weight counts them all (CoreDNS isDuplicate).
    {
      q: 'kube-dns.kube-system.svc.cluster.local',
      type: 'SRV',
      want: 'NOERROR | SRV 0 33 53 kube-dns.kube-system.svc.cluster.local. | SRV 0 33 9153 kube-dns.kube-system.svc.cluster.local. | add A 10.96.0.10',
    },
    // ANY: CoreDNS only checks that the name exists.
    { q: 'web.default.svc.cluster.local', type: 'ANY', want: 'NOERROR | auth SOA' },
    { q: 'nope.default.svc.cluster.local', type: 'ANY', want: 'NXDOMAIN | auth SOA' },
    { q: 'cluster.local', type: 'AXFR', want: 'REFUSED' },
    { q: 'web.default.svc.cluster.local', type: 'IXFR', want: 'REFUSED' },
    { q: '10.in-addr.arpa', type: 'AXFR', want: 'REFUSED' },
    { q: 'nope.default.svc.cluster.local', type: 'SOA', want: 'NOERROR | auth SOA' },
    { q: 'web.default.svc.cluster.local', type: 'TXT', want: 'NOERROR | auth SOA' },
    { q: 'nope.default.svc.cluster.local', type: 'TXT', want: 'NXDOMAIN | auth SOA' },
    { q: 'cluster.local', type: 'TXT', want: 'NXDOMAIN | auth SOA' },
    { q: 'dns-version.cluster.local', type: 'A', want: 'NXDOMAIN | auth SOA' },
    { q: 'ns.dns.cluster.local', type: 'A', want: 'NOERROR | A 10.96.0.10' },
    { q: 'ns.dns.cluster.local', type: 'AAAA', want: 'NOERROR | auth SOA' },
    { q: '34.12.96.10.in-addr.arpa', type: 'PTR', want: 'NOERROR | PTR web.default.svc.cluster.local.' },
    // One PTR per Service whose endpoints hold the address (CoreDNS serviceRecordForIP).
    {
      q: '9.2.244.10.in-addr.arpa',
      type: 'PTR',
      want: 'NOERROR | PTR 10-244-2-9.db.default.svc.cluster.local. | PTR 10-244-2-9.db-read.default.svc.cluster.local.',
    },
    { q: '5.1.244.10.in-addr.arpa', type: 'PTR', want: 'NOERROR | PTR db-0.db.default.svc.cluster.local.' },
    { q: '34.12.96.10.in-addr.arpa', type: 'ANY', want: 'FORWARD' },
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

  it('gives no address for a self-referencing ExternalName, and does not recurse (issue: stack overflow)', async () => {
    const r = await resolveForPod({ view, lookupExternal: async () => [] }, 'loop1', 'default');
    expect(r.addresses).toEqual([]);
    expect(r.attempts.map((a) => `${a.name} ${a.rcode} ${a.answers.length}`)).toEqual([
      'loop1.default.svc.cluster.local NOERROR 0',
      'loop1.svc.cluster.local NXDOMAIN 0',
      'loop1.cluster.local NXDOMAIN 0',
      'loop1 NXDOMAIN 0',
    ]);
    const ping = await resolveForPod({ view, lookupExternal: async () => [] }, 'ping', 'default');
    expect(ping.addresses).toEqual([]);
  });

  it('follows a CNAME chain through the zone and out of it', async () => {
    const lookupExternal = async (n: string) => (n === 'example.com' ? ['93.184.215.14'] : []);
    const alias = await resolveForPod({ view, lookupExternal }, 'alias2', 'default');
    expect(alias.addresses).toEqual(['10.96.12.34']);
    expect(alias.attempts[0]?.answers.map((a) => a.type)).toEqual(['CNAME', 'CNAME', 'A']);
    const out = await resolveForPod({ view, lookupExternal }, 'via-outside', 'default');
    expect(out.addresses).toEqual(['93.184.215.14']);
    expect(out.attempts[0]?.answers.map((a) => `${a.type} ${a.name}`)).toEqual([
      'CNAME via-outside.default.svc.cluster.local.',
      'CNAME outside.default.svc.cluster.local.',
      'A example.com.',
    ]);
  });

  it('shuffles the addresses of a headless Service (loadbalance), unless turned off as traces do', async () => {
    const fixed = { view, lookupExternal: async () => [], loadbalance: false };
    const firsts = new Set<string>();
    for (let i = 0; i < 20; i++) firsts.add((await resolveForPod(fixed, 'db', 'default')).addresses[0] ?? '');
    expect([...firsts]).toEqual(['10.244.1.5']);
    const balanced = { view, lookupExternal: async () => [], random: seededRandom(7) };
    firsts.clear();
    for (let i = 0; i < 20; i++)
      firsts.add((await resolveForPod(balanced, 'db', 'default')).addresses[0] ?? '');
    expect([...firsts].sort()).toEqual(['10.244.1.5', '10.244.2.9']);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const reply = await queryForPod(balanced, 'db.default.svc.cluster.local', 'A');
      seen.add(reply.answers.map((a) => a.data).join(','));
    }
    expect([...seen].sort()).toEqual(['10.244.1.5,10.244.2.9', '10.244.2.9,10.244.1.5']);
  });

  it('says where a typed answer came from, for the header dig prints', async () => {
    const config = {
      view,
      lookupExternal: async (n: string) => (n === 'example.com' ? ['93.184.215.14'] : []),
    };
    const source = async (name: string, type: string) => (await queryForPod(config, name, type)).source;
    expect(await source('web.default.svc.cluster.local', 'A')).toBe('cluster');
    expect(await source('nope.default.svc.cluster.local', 'A')).toBe('cluster');
    expect(await source('example.com', 'A')).toBe('forwarded');
    expect(await source('cluster.local', 'AXFR')).toBe('refused');
  });
});
