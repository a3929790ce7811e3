/**
 * A small cluster for the tracer's unit tests, built from the same pure
 * parts the emulator uses (kube-proxy's compiler and evaluator, the DNS
 * zone): two workers, three pods, a NodePort Service, an eTP Local one, an
 * empty one, an empty NodePort one with an unnamed port and an ExternalName. The
 * nodes' kube-proxy runs in iptables mode unless asked otherwise. No sockets, no
 * controllers.
 */
import type { EndpointSlice, Service } from '../../api/types.js';
import type { PathPod, PathWorld } from '../../dataplane/path.js';
import type { ClusterDnsView, ViewService } from '../../dns/zone.js';
import { AffinityTable, IpvsState } from '../../proxy/affinity.js';
import { compileProxyRules } from '../../proxy/compile.js';
import { evaluatePacket } from '../../proxy/evaluate/evaluate.js';
import type { ProxyMode } from '../../proxy/options.js';
import type { RuleSet } from '../../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../../proxy/testing/fixtures.js';
import { catalogService, type TraceCatalog } from '../catalog.js';
import type { TraceDeps } from '../trace.js';

export const NODES = { 'worker-1': '127.0.10.2', 'worker-2': '127.0.10.3' } as const;

export const PODS: ReadonlyArray<PathPod & { listens: number[] }> = [
  {
    ip: '10.244.1.5',
    namespace: 'default',
    name: 'web-a',
    node: 'worker-1',
    veth: 'cali1a2b3c4d5e6',
    listens: [8080],
  },
  {
    ip: '10.244.2.7',
    namespace: 'default',
    name: 'web-b',
    node: 'worker-2',
    veth: 'cali7f8e9d0c1b2',
    listens: [8080],
  },
  {
    ip: '10.244.1.9',
    namespace: 'default',
    name: 'client',
    node: 'worker-1',
    veth: 'cali0a0b0c0d0e0',
    listens: [],
  },
];

function services(): Service[] {
  const http = (nodePort?: number) => [
    { name: 'http', port: 80, protocol: 'TCP' as const, targetPort: 8080, ...(nodePort ? { nodePort } : {}) },
  ];
  return [
    makeTestService('default', 'web', (s) => {
      s.spec = { type: 'NodePort', clusterIP: '10.96.0.50', ports: http(30080) };
    }),
    makeTestService('default', 'local', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: '10.96.0.51',
        externalTrafficPolicy: 'Local',
        ports: http(30081),
      };
    }),
    makeTestService('default', 'empty', (s) => {
      s.spec = { clusterIP: '10.96.0.60', ports: http() };
    }),
    makeTestService('default', 'noeps', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: '10.96.0.61',
        ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30082 }],
      };
    }),
    makeTestService('default', 'ext', (s) => {
      s.spec = { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' };
    }),
  ];
}

function slices(): EndpointSlice[] {
  return [
    simpleSlice('default', 'web', { name: 'http', port: 8080 }, [
      ['10.244.1.5', 'worker-1'],
      ['10.244.2.7', 'worker-2'],
    ]),
    simpleSlice('default', 'local', { name: 'http', port: 8080 }, [['10.244.2.7', 'worker-2']]),
  ];
}

function world(mode: ProxyMode): PathWorld {
  const state = buildState(services(), slices());
  const ruleSets = new Map<string, RuleSet>();
  for (const [name, ip] of Object.entries(NODES))
    ruleSets.set(
      name,
      compileProxyRules(state, {
        mode,
        nodeName: name,
        nodeIPs: [ip],
        podCIDR: '10.244.0.0/16',
        emulatedAddressRanges: ['127.0.10.0/24'],
      }),
    );
  const affinity = new AffinityTable();
  const ipvs = new IpvsState();
  const byIP = (ip: string) => PODS.find((p) => p.ip === ip);
  return {
    nodeByAddress: (ip) => Object.entries(NODES).find(([, a]) => a === ip)?.[0],
    nodeAddress: (n) => NODES[n as keyof typeof NODES],
    nodeUp: () => true,
    ruleSet: (n) => ruleSets.get(n),
    evaluate: (rs, packet, options) =>
      evaluatePacket(rs, packet, { ...options, affinity, ipvsConnections: ipvs, ipvsCursors: ipvs }),
    podByIP: byIP,
    route(node, ip) {
      const pod = byIP(ip);
      if (pod && pod.node === node) return { kind: 'local-pod', text: `${ip} dev ${pod.veth} scope link` };
      const remote = ip.startsWith('10.244.1.') ? 'worker-1' : 'worker-2';
      const block = `10.244.${remote === 'worker-1' ? 1 : 2}.0/26`;
      if (remote === node) return { kind: 'blackhole', text: `blackhole ${block} proto bird` };
      return {
        kind: 'remote',
        text: `${block} via ${NODES[remote]} dev tunl0 proto bird onlink`,
        node: remote,
        encapsulation: 'IPIP',
        dev: 'tunl0',
      };
    },
    podListening: (ip, _protocol, port) => byIP(ip)?.listens.includes(port) ?? false,
    inPodSubnet: (ip) => ip.startsWith('10.244.'),
    inServiceSubnet: (ip) => ip.startsWith('10.96.'),
    hostGatewayIP: '192.168.65.254',
  };
}

function viewService(svc: Service): ViewService {
  const c = catalogService(svc);
  return {
    namespace: c.namespace,
    name: c.name,
    type: c.type,
    clusterIPs: c.clusterIP ? [c.clusterIP] : [],
    externalName: c.externalName,
    ports: c.ports,
  };
}

function dnsView(): ClusterDnsView {
  const all = services();
  const find = (ns: string, name: string) =>
    all.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name);
  return {
    clusterDomain: 'cluster.local',
    dnsServiceIP: '10.96.0.10',
    serial: () => 1,
    namespaceExists: (ns) => ns === 'default' || ns === 'kube-system',
    service: (ns, name) => {
      const s = find(ns, name);
      return s ? viewService(s) : undefined;
    },
    readyEndpoints: () => [],
    serviceByClusterIP: (ip) => {
      const s = all.find((x) => x.spec?.clusterIP === ip);
      return s ? viewService(s) : undefined;
    },
    endpointByIP: () => undefined,
  };
}

function catalog(): TraceCatalog {
  const all = services();
  return {
    pod: (ns, name) => {
      const p = PODS.find((x) => x.namespace === ns && x.name === name);
      return p ? { namespace: ns, name, ip: p.ip, node: p.node } : undefined;
    },
    service: (ns, name) => {
      const s = all.find((x) => x.metadata?.namespace === ns && x.metadata?.name === name);
      return s ? catalogService(s) : undefined;
    },
    node: (name) => {
      const address = NODES[name as keyof typeof NODES];
      return address ? { name, address } : undefined;
    },
    namespaceExists: (ns) => ns === 'default',
    podNames: () => PODS.map((p) => `${p.namespace}/${p.name}`),
    serviceNames: () => all.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
    nodeNames: () => Object.keys(NODES),
  };
}

/** Tracer inputs over the small cluster, its kube-proxy in `mode` (iptables by default). */
export function testTraceDeps(mode: ProxyMode = 'iptables'): TraceDeps {
  return {
    world: world(mode),
    catalog: catalog(),
    dns: { view: dnsView(), lookupExternal: async () => [] },
    now: 0,
  };
}
