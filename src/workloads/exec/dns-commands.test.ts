import { describe, expect, it } from 'vitest';
import { queryForPod } from '../../dns/resolver.js';
import type { ClusterDnsView, ViewEndpoint, ViewService } from '../../dns/zone.js';
import { execHost } from '../testing/exec-host.js';
import { UNREACHABLE_NETWORK } from '../testing/fake-context.js';
import type { PodNetwork } from '../types.js';
import { runInContainer } from './run.js';
import { AGNHOST_TOOLS, BUSYBOX_TOOLS, type ToolSet } from './toolset.js';

const services: ViewService[] = [
  {
    namespace: 'default',
    name: 'web',
    type: 'ClusterIP',
    clusterIPs: ['10.96.5.6'],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
  {
    namespace: 'demo',
    name: 'hello',
    type: 'ClusterIP',
    clusterIPs: ['10.96.7.8'],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
  {
    namespace: 'default',
    name: 'hello-headless',
    type: 'ClusterIP',
    clusterIPs: ['None'],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
  {
    namespace: 'default',
    name: 'ext',
    type: 'ExternalName',
    clusterIPs: [],
    externalName: 'example.com',
    ports: [],
  },
  {
    namespace: 'kube-system',
    name: 'kube-dns',
    type: 'ClusterIP',
    clusterIPs: ['10.96.0.10'],
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
  },
];
const endpoints: Record<string, ViewEndpoint[]> = {
  'default/hello-headless': [{ ip: '10.244.2.7', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
};

const view: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1767225600,
  namespaceExists: (ns) => ['default', 'demo', 'kube-system'].includes(ns),
  service: (ns, name) => services.find((s) => s.namespace === ns && s.name === name),
  readyEndpoints: (ns, name) => endpoints[`${ns}/${name}`] ?? [],
  serviceByClusterIP: (ip) => services.find((s) => s.clusterIPs.includes(ip)),
  endpointByIP: () => undefined,
};

/** The dataplane's `query`: cluster zone, host resolver for the rest. */
const network: PodNetwork = {
  ...UNREACHABLE_NETWORK,
  query: (name, type) =>
    queryForPod(
      { view, lookupExternal: async (n) => (n === 'example.com' ? ['93.184.215.14'] : []) },
      name,
      type,
    ),
};

async function run(tools: ToolSet, argv: string[]) {
  const r = await runInContainer(execHost(tools, network), argv, { PATH: '/bin' }, { timeoutMs: 10_000 });
  return { out: r.stdout, err: r.stderr, code: r.exitCode };
}

const BB = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n';
const BIND = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n';

describe('nslookup and dig ask typed questions', () => {
  it('busybox nslookup: -type=srv, -type=aaaa (NODATA), PTR, CNAME', async () => {
    expect(
      await run(BUSYBOX_TOOLS, ['nslookup', '-type=srv', '_http._tcp.web.default.svc.cluster.local']),
    ).toEqual({
      out: `${BB}_http._tcp.web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local\n\n`,
      err: '',
      code: 0,
    });
    // No dot: every search suffix; AAAA of a Service is NODATA (an empty reply).
    expect(await run(BUSYBOX_TOOLS, ['nslookup', '-type=aaaa', 'hello'])).toEqual({
      out: `${BB}\n** server can't find hello.svc.cluster.local: NXDOMAIN\n\n** server can't find hello.cluster.local: NXDOMAIN\n\n`,
      err: '',
      code: 1,
    });
    expect(await run(BUSYBOX_TOOLS, ['nslookup', '10.96.0.10'])).toEqual({
      out: `${BB}10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local\n\n`,
      err: '',
      code: 0,
    });
    expect(await run(BUSYBOX_TOOLS, ['nslookup', 'ext.default.svc.cluster.local'])).toEqual({
      // The AAAA reply carries the CNAME too (CoreDNS answers AAAA for an ExternalName with it).
      out: `${BB}ext.default.svc.cluster.local\tcanonical name = example.com\nName:\texample.com\nAddress: 93.184.215.14\n\next.default.svc.cluster.local\tcanonical name = example.com\n\n`,
      err: '',
      code: 0,
    });
    // busybox ≥1.29 does not search names with a dot: the famous kubernetes.default failure.
    expect(await run(BUSYBOX_TOOLS, ['nslookup', 'web.default'])).toEqual({
      out: `${BB}** server can't find web.default: NXDOMAIN\n\n** server can't find web.default: NXDOMAIN\n\n`,
      err: '',
      code: 1,
    });
    expect(await run(BUSYBOX_TOOLS, ['nslookup', '-type=bogus', 'web'])).toEqual({
      out: '',
      err: 'nslookup: invalid query type "bogus"\n',
      code: 1,
    });
  });

  it('bind nslookup: SRV, PTR with trailing dots, CNAME', async () => {
    expect(
      await run(AGNHOST_TOOLS, ['nslookup', '-type=srv', '_http._tcp.web.default.svc.cluster.local']),
    ).toEqual({
      out: `${BIND}_http._tcp.web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local.\n\n`,
      err: '',
      code: 0,
    });
    expect((await run(AGNHOST_TOOLS, ['nslookup', '10.96.0.10'])).out).toBe(
      `${BIND}10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local.\n\n`,
    );
    expect((await run(AGNHOST_TOOLS, ['nslookup', 'ext.default'])).out).toBe(
      `${BIND}ext.default.svc.cluster.local\tcanonical name = example.com.\nName:\texample.com\nAddress: 93.184.215.14\n\n`,
    );
    expect((await run(AGNHOST_TOOLS, ['nslookup', 'hello'])).out).toBe(
      `${BIND}Name:\thello.demo.svc.cluster.local\nAddress: 10.96.7.8\n\n`,
    );
  });

  it('dig: SRV +short, -x +short, AAAA NODATA with the SOA', async () => {
    expect(
      (await run(AGNHOST_TOOLS, ['dig', 'SRV', '_http._tcp.web.default.svc.cluster.local', '+short'])).out,
    ).toBe('0 100 80 web.default.svc.cluster.local.\n');
    expect((await run(AGNHOST_TOOLS, ['dig', '-x', '10.96.0.10', '+short'])).out).toBe(
      'kube-dns.kube-system.svc.cluster.local.\n',
    );
    expect((await run(AGNHOST_TOOLS, ['dig', '+short', 'ext.default.svc.cluster.local'])).out).toBe(
      'example.com.\n93.184.215.14\n',
    );
    const r = await run(AGNHOST_TOOLS, ['dig', 'hello-headless.default.svc.cluster.local', 'AAAA']);
    expect(r.out).toContain(';; ->>HEADER<<- opcode: QUERY, status: NOERROR,');
    expect(r.out).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n');
    expect(r.out).toContain(
      ';; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1767225600 7200 1800 86400 30\n',
    );
    expect(r.out).not.toContain('ANSWER SECTION');
    const nx = await run(AGNHOST_TOOLS, ['dig', 'nope.default.svc.cluster.local']);
    expect(nx.out).toContain('status: NXDOMAIN');
    expect(nx.code).toBe(0);
  });
});
