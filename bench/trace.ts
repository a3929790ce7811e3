/**
 * Tracer benchmark (issue 7, "Performance"): one `traceConnection` over a
 * cluster of 10,000 Services (3 endpoints each, on two nodes), target < 10 ms.
 * Three kinds of trace: a pod to a ClusterIP through the DNS step, the host to a
 * NodePort, and a pod to a pod. The world is built from the same pure parts the
 * emulator uses (kube-proxy's compiler and evaluator, the DNS zone).
 *
 *   npm run bench -- trace [--services 10000] [--runs 200]
 */
import { cpus, loadavg } from 'node:os';
import type { EndpointSlice, Service } from '../src/api/types.js';
import type { PathPod, PathWorld } from '../src/dataplane/path.js';
import type { ClusterDnsView, ViewService } from '../src/dns/zone.js';
import { AffinityTable, IpvsState } from '../src/proxy/affinity.js';
import { compileProxyRules, evaluatePacket } from '../src/proxy/index.js';
import type { RuleSet } from '../src/proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../src/proxy/testing/fixtures.js';
import { catalogService, type TraceCatalog, traceConnection } from '../src/trace/index.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const SERVICES = arg('services', 10_000);
const RUNS = arg('runs', 200);
const NODES = { 'worker-1': '127.0.10.2', 'worker-2': '127.0.10.3' } as const;

function ip(base: number, i: number): string {
  const n = base + i;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const services: Service[] = [];
const slices: EndpointSlice[] = [];
const pods = new Map<string, PathPod>();
pods.set('10.244.255.1', {
  ip: '10.244.255.1',
  namespace: 'default',
  name: 'client',
  node: 'worker-1',
  veth: 'cali0',
});
for (let s = 0; s < SERVICES; s++) {
  const name = `svc-${s}`;
  services.push(
    makeTestService('default', name, (svc) => {
      svc.spec = {
        type: 'NodePort',
        clusterIP: ip(0x60_0000 + 256, s),
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30000 + (s % 2768) }],
      };
    }),
  );
  const eps: [string, string][] = [];
  for (let e = 0; e < 3; e++) {
    const addr = ip(0xf4_0000, s * 3 + e);
    const node = e % 2 ? 'worker-2' : 'worker-1';
    eps.push([addr, node]);
    pods.set(addr, { ip: addr, namespace: 'default', name: `${name}-${e}`, node, veth: `cali${s}x${e}` });
  }
  slices.push(simpleSlice('default', name, { name: 'http', port: 8080 }, eps));
}
const t0 = performance.now();
const state = buildState(services, slices);
const ruleSets = new Map<string, RuleSet>();
for (const [node, address] of Object.entries(NODES))
  ruleSets.set(
    node,
    compileProxyRules(state, {
      mode: 'iptables',
      nodeName: node,
      nodeIPs: [address],
      podCIDR: '10.0.0.0/8',
      emulatedAddressRanges: ['127.0.10.0/24'],
    }),
  );
const compileMs = performance.now() - t0;
const affinity = new AffinityTable();
const ipvs = new IpvsState();
const world: PathWorld = {
  nodeByAddress: (a) => Object.entries(NODES).find(([, x]) => x === a)?.[0],
  nodeAddress: (n) => NODES[n as keyof typeof NODES],
  nodeUp: () => true,
  ruleSet: (n) => ruleSets.get(n),
  evaluate: (rs, packet, options) =>
    evaluatePacket(rs, packet, { ...options, affinity, ipvsConnections: ipvs, ipvsCursors: ipvs }),
  podByIP: (a) => pods.get(a),
  route: (node, a) => {
    const p = pods.get(a);
    if (p?.node === node) return { kind: 'local-pod', text: `${a} dev ${p.veth} scope link` };
    const remote = node === 'worker-1' ? 'worker-2' : 'worker-1';
    return {
      kind: 'remote',
      text: `${a} via ${NODES[remote]} dev tunl0 onlink`,
      node: remote,
      encapsulation: 'IPIP',
      dev: 'tunl0',
    };
  },
  podListening: () => true,
  inPodSubnet: (a) => a.startsWith('10.244.') || pods.has(a),
  inServiceSubnet: (a) => a.startsWith('10.96.'),
  hostGatewayIP: '192.168.65.254',
};
const byName = new Map(services.map((s) => [s.metadata?.name ?? '', s]));
const view = (s: Service): ViewService => {
  const c = catalogService(s);
  return {
    namespace: c.namespace,
    name: c.name,
    type: c.type,
    clusterIPs: c.clusterIP ? [c.clusterIP] : [],
    ports: c.ports,
  };
};
const dns: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1,
  namespaceExists: (ns) => ns === 'default',
  service: (ns, name) => {
    const s = ns === 'default' ? byName.get(name) : undefined;
    return s ? view(s) : undefined;
  },
  readyEndpoints: () => [],
  serviceByClusterIP: () => undefined,
  endpointByIP: () => undefined,
};
const catalog: TraceCatalog = {
  pod: (ns, name) =>
    ns === 'default' && name === 'client'
      ? { namespace: ns, name, ip: '10.244.255.1', node: 'worker-1' }
      : undefined,
  service: (ns, name) => {
    const s = ns === 'default' ? byName.get(name) : undefined;
    return s ? catalogService(s) : undefined;
  },
  node: (name) => (name in NODES ? { name, address: NODES[name as keyof typeof NODES] } : undefined),
  namespaceExists: (ns) => ns === 'default',
  podNames: () => [...pods.values()].map((p) => `${p.namespace}/${p.name}`),
  serviceNames: () => services.map((s) => `default/${s.metadata?.name}`),
  nodeNames: () => Object.keys(NODES),
};
const deps = { world, catalog, dns: { view: dns, lookupExternal: async () => [] }, now: 0 };

async function measure(label: string, from: string, to: (i: number) => string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const outcome = await traceConnection(deps, { from, to: to(i), seed: i });
    times.push(performance.now() - t);
    if (!outcome.ok || outcome.trace.result.kind !== 'pod') throw new Error(`${label}: unexpected result`);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.floor(p * (times.length - 1))] as number).toFixed(2);
  console.log(`${label.padEnd(34)} median ${q(0.5)} ms  p90 ${q(0.9)} ms  max ${q(1)} ms`);
}

console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `${SERVICES} Services, ${pods.size - 1} endpoints, compiled for 2 nodes in ${compileMs.toFixed(0)} ms; ${RUNS} traces each`,
);
const pick = (i: number) => (i * 7919) % SERVICES;
await measure('pod → DNS name → ClusterIP', 'pod/client', (i) => `svc-${pick(i)}:80`);
await measure('host → NodePort', 'host', (i) => `127.0.10.2:${30000 + (pick(i) % 2768)}`);
await measure('pod → pod (other node)', 'pod/client', (i) => `${ip(0xf4_0000, pick(i) * 3 + 1)}:8080`);
