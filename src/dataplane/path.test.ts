import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../api/types.js';
import { AffinityTable, IpvsState } from '../proxy/affinity.js';
import { compileProxyRules } from '../proxy/compile.js';
import { evaluatePacket } from '../proxy/evaluate/evaluate.js';
import type { RuleSet } from '../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../proxy/testing/fixtures.js';
import { seededRandom } from '../util/random.js';
import { type Origin, type PathPlan, type PathPod, type PathWorld, planPath } from './path.js';

const NODES = { 'worker-1': '127.0.10.2', 'worker-2': '127.0.10.3' } as const;
type NodeName = keyof typeof NODES;

const PODS: Array<PathPod & { listens: number[] }> = [
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
  return [
    makeTestService('default', 'web', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: '10.96.0.50',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
      };
    }),
    makeTestService('default', 'local', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: '10.96.0.51',
        externalTrafficPolicy: 'Local',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30081 }],
      };
    }),
    makeTestService('default', 'empty', (s) => {
      s.spec = {
        clusterIP: '10.96.0.60',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      };
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

function world(down: NodeName[] = []): PathWorld {
  const state = buildState(services(), slices());
  const ruleSets = new Map<string, RuleSet>();
  for (const [name, ip] of Object.entries(NODES)) {
    ruleSets.set(
      name,
      compileProxyRules(state, {
        mode: 'iptables',
        nodeName: name,
        nodeIPs: [ip],
        podCIDR: '10.244.0.0/16',
        emulatedAddressRanges: ['127.0.10.0/24'],
      }),
    );
  }
  const affinity = new AffinityTable();
  const ipvs = new IpvsState();
  return {
    nodeByAddress: (ip) => Object.entries(NODES).find(([, a]) => a === ip)?.[0],
    nodeAddress: (n) => NODES[n as NodeName],
    nodeUp: (n) => !down.includes(n as NodeName),
    ruleSet: (n) => ruleSets.get(n),
    evaluate: (rs, packet, options) =>
      evaluatePacket(rs, packet, { ...options, affinity, ipvsConnections: ipvs, ipvsCursors: ipvs }),
    podByIP: (ip) => PODS.find((p) => p.ip === ip),
    route(node, ip) {
      const pod = PODS.find((p) => p.ip === ip);
      if (pod && pod.node === node) return { kind: 'local-pod', text: `${ip} dev ${pod.veth} scope link` };
      const remote = ip.startsWith('10.244.1.') ? 'worker-1' : 'worker-2';
      if (remote === node)
        return { kind: 'blackhole', text: `blackhole 10.244.${node === 'worker-1' ? 1 : 2}.0/26 proto bird` };
      return {
        kind: 'remote',
        text: `10.244.${remote === 'worker-1' ? 1 : 2}.0/26 via ${NODES[remote]} dev tunl0 proto bird onlink`,
        node: remote,
        encapsulation: 'IPIP',
        dev: 'tunl0',
      };
    },
    podListening: (ip, _protocol, port) => PODS.find((p) => p.ip === ip)?.listens.includes(port) ?? false,
    inPodSubnet: (ip) => ip.startsWith('10.244.'),
    inServiceSubnet: (ip) => ip.startsWith('10.96.'),
    hostGatewayIP: '192.168.65.254',
  };
}

const CLIENT: Origin = {
  kind: 'pod',
  namespace: 'default',
  name: 'client',
  ip: '10.244.1.9',
  node: 'worker-1',
};
let port = 40000;

function plan(
  w: PathWorld,
  origin: Origin,
  dst: string,
  options: { seed?: number; entryNode?: string; src?: string } = {},
): PathPlan {
  const [ip, p] = dst.split(':') as [string, string];
  const src = origin.kind === 'host' ? (options.src ?? '127.0.0.1') : origin.ip;
  return planPath(
    w,
    {
      origin,
      protocol: 'TCP',
      tuple: { src: { ip: src, port: port++ }, dst: { ip, port: Number(p) } },
      ...(options.entryNode ? { entryNode: options.entryNode } : {}),
    },
    {
      random: seededRandom(options.seed ?? 1),
      allocatePort: () => 50000,
      explore: true,
    },
  );
}

function outcome(p: PathPlan): string {
  const o = p.outcome;
  switch (o.kind) {
    case 'pod':
      return `pod ${o.pod.name} sees ${p.seen.src.ip}`;
    case 'host':
      return `host ${o.ip}:${o.port}`;
    default:
      return o.kind;
  }
}

describe('planPath', () => {
  it.each([
    { name: 'pod to pod on the same node', dst: '10.244.1.5:8080', want: 'pod web-a sees 10.244.1.9' },
    { name: 'pod to pod on another node', dst: '10.244.2.7:8080', want: 'pod web-b sees 10.244.1.9' },
    { name: 'pod to a pod port nothing listens on', dst: '10.244.2.7:9999', want: 'refused' },
    { name: 'pod to an unassigned pod IP in a remote block', dst: '10.244.2.99:80', want: 'dropped' },
    { name: 'pod to a Service without endpoints', dst: '10.96.0.60:80', want: 'refused' },
    { name: 'pod to a ClusterIP port with no Service port', dst: '10.96.0.50:81', want: 'dropped' },
    { name: 'pod to its own localhost', dst: '127.0.0.1:8080', want: 'refused' },
    { name: 'pod to the laptop', dst: '192.168.65.254:9000', want: 'host 127.0.0.1:9000' },
  ])('$name', ({ dst, want }) => {
    expect(outcome(plan(world(), CLIENT, dst))).toBe(want);
  });

  it('pod to ClusterIP keeps the pod address and lists both endpoints at 50%', () => {
    const p = plan(world(), CLIENT, '10.96.0.50:80');
    expect(p.outcome.kind).toBe('pod');
    expect(p.seen.src.ip).toBe('10.244.1.9');
    expect(p.service).toBe('default/web:http');
    expect(p.candidates.map((c) => `${c.endpoint} ${c.probability}`).sort()).toEqual([
      '10.244.1.5:8080 0.5',
      '10.244.2.7:8080 0.5',
    ]);
    expect(p.hops.map((h) => `${h.component}:${h.action}`)).toContain('kube-proxy:Translated');
  });

  it('crossing nodes records the route, the IPIP tunnel and the destination veth', () => {
    const p = plan(world(), CLIENT, '10.244.2.7:8080');
    expect(p.hops.map((h) => `${h.component}:${h.action}@${h.node}`)).toEqual([
      'pod:Forwarded@worker-1',
      'routing:Forwarded@worker-1',
      'tunnel:Forwarded@worker-1',
      'routing:Forwarded@worker-2',
      'pod:Delivered@worker-2',
    ]);
    expect(p.hops[2]?.summary).toBe('tunl0: IPIP 127.0.10.2 → 127.0.10.3 to worker-2');
  });

  it('host to a NodePort (Cluster policy) is masqueraded to the node that received it', () => {
    const p = plan(world(), { kind: 'host' }, '127.0.10.2:30080');
    expect(p.outcome.kind).toBe('pod');
    expect(p.masquerade).toBe(true);
    expect(p.seen.src).toEqual({ ip: '127.0.10.2', port: 50000 });
  });

  it('externalTrafficPolicy Local drops on a node without endpoints and keeps the client address on one with', () => {
    expect(outcome(plan(world(), { kind: 'host' }, '127.0.10.2:30081'))).toBe('dropped');
    expect(outcome(plan(world(), { kind: 'host' }, '127.0.10.3:30081'))).toBe('pod web-b sees 127.0.0.1');
  });

  it('a stopped node answers nothing and its pods are unreachable', () => {
    expect(outcome(plan(world(['worker-2']), { kind: 'host' }, '127.0.10.3:30080'))).toBe('dropped');
    expect(outcome(plan(world(['worker-2']), CLIENT, '10.244.2.7:8080'))).toBe('dropped');
  });

  it('the same seed takes the same endpoint', () => {
    const a = plan(world(), CLIENT, '10.96.0.50:80', { seed: 42 });
    const b = plan(world(), CLIENT, '10.96.0.50:80', { seed: 42 });
    expect(a.seen.dst).toEqual(b.seen.dst);
  });

  it('skips hop building on the hot path but decides the same', () => {
    const w = world();
    const tuple = { src: { ip: '10.244.1.9', port: 41000 }, dst: { ip: '10.96.0.50', port: 80 } };
    const base = { random: seededRandom(5), allocatePort: () => 50000 };
    const withHops = planPath(w, { origin: CLIENT, protocol: 'TCP', tuple }, base);
    const without = planPath(
      w,
      { origin: CLIENT, protocol: 'TCP', tuple },
      { ...base, random: seededRandom(5), hops: false },
    );
    expect(without.hops).toEqual([]);
    expect(without.seen).toEqual(withHops.seen);
  });
});
