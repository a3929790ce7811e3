import { describe, expect, it } from 'vitest';
import type { EndpointSlice, NetworkPolicySpec, Service } from '../api/types.js';
import { evaluateEgress, evaluateIngress, policySnapshot } from '../cni/policy/index.js';
import { testNamespace, testPod, testPolicy } from '../cni/policy/testing.js';
import { AffinityTable, IpvsState } from '../proxy/affinity.js';
import { compileProxyRules } from '../proxy/compile.js';
import { evaluatePacket } from '../proxy/evaluate/evaluate.js';
import type { RuleSet } from '../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../proxy/testing/fixtures.js';
import { seededRandom } from '../util/random.js';
import {
  conntrackOriginal,
  type Origin,
  type PathPlan,
  type PathPod,
  type PathWorld,
  planPath,
} from './path.js';

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
    // The default pool (10.244.0.0/16) with natOutgoing on, as Calico creates it.
    natOutgoing: (src, dst) => src.startsWith('10.244.') && !dst.startsWith('10.244.'),
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

// Calico's natOutgoing (calico.md §2.3) and the cross-node caveat of kube-proxy.md §2.7: a pod's
// packet to another node's address leaves its node with the node's address, so the other node's
// kube-proxy sees external traffic and externalTrafficPolicy Local applies there.

const WEB_B: Origin = {
  kind: 'pod',
  namespace: 'default',
  name: 'web-b',
  ip: '10.244.2.7',
  node: 'worker-2',
};

describe('planPath with natOutgoing', () => {
  it("pod to another node's eTP Local NodePort: SNAT to its node on the way out, the endpoint sees that node", () => {
    const p = plan(world(), CLIENT, '127.0.10.3:30081');
    expect(outcome(p)).toBe('pod web-b sees 127.0.10.2');
    expect(p.natOutgoing).toEqual({
      node: 'worker-1',
      from: { ip: '10.244.1.9', port: expect.any(Number) },
      to: { ip: '127.0.10.2', port: 50000 },
    });
    expect(p.masquerade).toBe(false);
    expect(p.proxyNode).toBe('worker-2');
    expect(hopList(p)).toEqual([
      'pod:Forwarded@worker-1',
      'routing:Translated@worker-1',
      'routing:Forwarded@worker-1',
      'kube-proxy:Translated@worker-2',
      'routing:Forwarded@worker-2',
      'pod:Delivered@worker-2',
    ]);
    expect(p.hops[1]?.summary).toMatch(
      /^natOutgoing \(cali-nat-outgoing\): SNAT 10\.244\.1\.9:\d+ → 127\.0\.10\.2:50000, as 127\.0\.10\.3 is outside every IP pool$/,
    );
    // worker-2's rules see worker-1's address: external traffic, local endpoint, source kept.
    expect(p.hops[3]?.before?.src).toEqual({ ip: '127.0.10.2', port: 50000 });
    expect(p.hops[3]?.summary).toMatch(/KUBE-SVL-.*source kept/);
  });

  it("pod to another node's eTP Local NodePort without a local endpoint there is dropped", () => {
    const p = plan(world(), WEB_B, '127.0.10.2:30081');
    expect(p.outcome).toEqual({
      kind: 'dropped',
      reason: 'kube-proxy drops traffic to default/local:http on worker-1',
    });
    expect(p.natOutgoing?.to.ip).toBe('127.0.10.3');
  });

  it("pod to another node's eTP Cluster NodePort: natOutgoing, then that node masquerades", () => {
    const p = plan(world(), CLIENT, '127.0.10.3:30080', { seed: 1 });
    expect(p.natOutgoing?.to.ip).toBe('127.0.10.2');
    expect(p.masquerade).toBe(true);
    expect(p.seen.src.ip).toBe('127.0.10.3');
    expect(p.hops.find((h) => h.component === 'kube-proxy')?.before?.src.ip).toBe('127.0.10.2');
  });

  it("pod to its own node's NodePort never leaves the node: short-circuited, no natOutgoing", () => {
    const p = plan(world(), CLIENT, '127.0.10.2:30081');
    expect(outcome(p)).toBe('pod web-b sees 10.244.1.9');
    expect(p.natOutgoing).toBeUndefined();
    expect(p.hops.some((h) => h.action === 'Translated' && h.component === 'routing')).toBe(false);
  });

  it('pod to pods and ClusterIPs: never natOutgoing', () => {
    for (const dst of ['10.244.2.7:8080', '10.96.0.50:80']) {
      const p = plan(world(), CLIENT, dst);
      expect(p.natOutgoing, dst).toBeUndefined();
      expect(p.seen.src.ip, dst).toBe('10.244.1.9');
    }
  });

  it('pod to the laptop and out of the cluster leaves with the node address', () => {
    const laptop = plan(world(), CLIENT, '192.168.65.254:9000');
    expect(laptop.outcome.kind).toBe('host');
    expect(laptop.seen.src).toEqual({ ip: '127.0.10.2', port: 50000 });
    const out = plan(world(), CLIENT, '203.0.113.7:443');
    expect(out.outcome).toMatchObject({ kind: 'host', ip: '203.0.113.7', port: 443 });
    expect(out.seen.src.ip).toBe('127.0.10.2');
    expect(out.hops.at(-1)?.summary).toBe('to 203.0.113.7 outside the cluster (default route)');
  });

  it('a node sending is not a pod: no natOutgoing', () => {
    const p = plan(world(), nodeOrigin('worker-1'), '127.0.10.3:30081');
    expect(p.natOutgoing).toBeUndefined();
    expect(p.outcome.kind).toBe('pod');
    expect(p.hops.some((h) => h.component === 'routing' && h.action === 'Translated')).toBe(false);
  });

  it('a pool without natOutgoing keeps the pod address: the other node short-circuits it', () => {
    const w: PathWorld = { ...world(), natOutgoing: () => false };
    const p = plan(w, CLIENT, '127.0.10.3:30081');
    expect(outcome(p)).toBe('pod web-b sees 10.244.1.9');
    expect(p.natOutgoing).toBeUndefined();
    // Not dropped on worker-1: short-circuited to web-b, which is the client itself (hairpin, masqueraded).
    expect(outcome(plan(w, WEB_B, '127.0.10.2:30081'))).toBe('pod web-b sees 127.0.10.2');
  });

  it('decides the same without building hops', () => {
    const tuple = { src: { ip: '10.244.2.7', port: 41002 }, dst: { ip: '127.0.10.2', port: 30081 } };
    const p = planPath(
      world(),
      { origin: WEB_B, protocol: 'TCP', tuple },
      { random: seededRandom(1), allocatePort: () => 50000, hops: false },
    );
    expect(p.hops).toEqual([]);
    expect(p.outcome.kind).toBe('dropped');
    expect(p.natOutgoing?.to).toEqual({ ip: '127.0.10.3', port: 50000 });
  });

  it("conntrack on the DNAT node shows the natOutgoing source; on the SNAT node, the pod's", () => {
    const p = plan(world(), CLIENT, '127.0.10.3:30081');
    const original = { src: { ip: '10.244.1.9', port: 41003 }, dst: { ip: '127.0.10.3', port: 30081 } };
    expect(conntrackOriginal(p, original, 'worker-2')).toEqual({
      src: { ip: '127.0.10.2', port: 50000 },
      dst: { ip: '127.0.10.3', port: 30081 },
    });
    expect(conntrackOriginal(p, original, 'worker-1')).toBe(original);
  });
});

// NetworkPolicy in the path: the world's `policy` is the real evaluator over the
// pods above (labelled app=<name>, named port http on the web pods).

const POLICY_PODS = PODS.map((p) =>
  testPod(`${p.namespace}/${p.name}`, {
    ip: p.ip,
    node: p.node,
    labels: { app: p.name },
    ports: p.listens.length > 0 ? { http: 8080 } : {},
  }),
);

function withPolicies(w: PathWorld, policies: Record<string, NetworkPolicySpec>): PathWorld {
  const view = policySnapshot({
    pods: POLICY_PODS,
    namespaces: [testNamespace('default')],
    nodes: Object.entries(NODES).map(([name, address]) => ({ name, address })),
    policies: Object.entries(policies).map(([ref, spec]) => testPolicy(ref, spec)),
  });
  return {
    ...w,
    policy: (direction, c) => (direction === 'Ingress' ? evaluateIngress(view, c) : evaluateEgress(view, c)),
  };
}

function hopList(p: PathPlan): string[] {
  return p.hops.map((h) => `${h.component}:${h.action}@${h.node}`);
}

function nodeOrigin(node: NodeName): Origin {
  return { kind: 'node', node, ip: NODES[node] };
}

const WEB_A: Origin = {
  kind: 'pod',
  namespace: 'default',
  name: 'web-a',
  ip: '10.244.1.5',
  node: 'worker-1',
};
const DENY_EGRESS_CLIENT: NetworkPolicySpec = {
  podSelector: { matchLabels: { app: 'client' } },
  policyTypes: ['Egress'],
};
const DENY_INGRESS_ALL: NetworkPolicySpec = { podSelector: {}, policyTypes: ['Ingress'] };
const WEB_PODS = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web-a', 'web-b'] }] };

/** Plans with 24 successive seeds: kube-proxy picks endpoints at random, and the tests need both. */
function planSeeds(
  w: PathWorld,
  origin: Origin,
  dst: string,
  options: { entryNode?: string } = {},
): PathPlan[] {
  return Array.from({ length: 24 }, (_, i) => plan(w, origin, dst, { ...options, seed: i + 1 }));
}

describe('planPath with NetworkPolicy', () => {
  it.each([
    '10.244.1.5:8080',
    '10.244.2.7:8080',
    '10.244.2.7:9999',
    '10.96.0.50:80',
    '10.96.0.60:80',
    '192.168.65.254:9000',
  ])('no policy selects anything: %s plans exactly as without policy', (dst) => {
    const withPolicy = plan(withPolicies(world(), {}), CLIENT, dst, { seed: 3 });
    const without = plan(world(), CLIENT, dst, { seed: 3 });
    expect(outcome(withPolicy)).toBe(outcome(without));
    expect(hopList(withPolicy)).toEqual(hopList(without));
  });

  it('egress denial drops on the source node after the DNAT, before routing, with the endpoint in the reason', () => {
    const p = plan(
      withPolicies(world(), { 'default/deny-egress': DENY_EGRESS_CLIENT }),
      CLIENT,
      '10.96.0.50:80',
    );
    expect(p.outcome.kind).toBe('dropped');
    expect(hopList(p)).toEqual([
      'pod:Forwarded@worker-1',
      'kube-proxy:Translated@worker-1',
      'policy:Dropped@worker-1',
    ]);
    expect(p.hops[2]?.summary).toBe(
      `Egress: denied by default: pod default/client is selected by NetworkPolicy default/deny-egress (Egress) and no rule allows TCP 8080 to ${p.seen.dst.ip}`,
    );
    expect(p.hops[2]?.policy?.reason.kind).toBe('default-deny');
    expect(p.outcome.kind === 'dropped' && p.outcome.reason).toMatch(
      /^egress denied by default: pod default\/client/,
    );
  });

  it('egress rules see the endpoint pod and its target port, not the ClusterIP', () => {
    const w = withPolicies(world(), {
      'default/client-to-web-b': {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'web-b' } } }], ports: [{ port: 8080 }] }],
      },
    });
    const plans = planSeeds(w, CLIENT, '10.96.0.50:80');
    const toB = plans.filter((p) => p.seen.dst.ip === '10.244.2.7');
    const toA = plans.filter((p) => p.seen.dst.ip === '10.244.1.5');
    expect(toB.length).toBeGreaterThan(0);
    expect(toA.length).toBeGreaterThan(0);
    for (const p of toB) {
      expect(outcome(p)).toBe('pod web-b sees 10.244.1.9');
      expect(p.hops.find((h) => h.component === 'policy')?.summary).toBe(
        'Egress: allowed by NetworkPolicy default/client-to-web-b spec.egress[0]: to[0] podSelector app=web-b, ports[0] TCP 8080',
      );
    }
    for (const p of toA) expect(p.outcome.kind).toBe('dropped');
  });

  it('ingress denial drops on the destination node after the veth route, even where nothing listens', () => {
    const w = withPolicies(world(), { 'default/deny': DENY_INGRESS_ALL });
    const p = plan(w, CLIENT, '10.244.2.7:8080');
    expect(hopList(p)).toEqual([
      'pod:Forwarded@worker-1',
      'routing:Forwarded@worker-1',
      'tunnel:Forwarded@worker-1',
      'routing:Forwarded@worker-2',
      'policy:Dropped@worker-2',
    ]);
    expect(p.hops[4]?.summary).toBe(
      'Ingress: denied by default: pod default/web-b is selected by NetworkPolicy default/deny (Ingress) and no rule allows 10.244.1.9 → TCP 8080',
    );
    expect(outcome(plan(w, CLIENT, '10.244.2.7:9999'))).toBe('dropped');
  });

  it('an allowing rule is a Forwarded policy hop before delivery', () => {
    const w = withPolicies(world(), {
      'default/web-from-client': {
        podSelector: WEB_PODS,
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
      },
    });
    const p = plan(w, CLIENT, '10.244.1.5:8080');
    expect(outcome(p)).toBe('pod web-a sees 10.244.1.9');
    expect(hopList(p)).toEqual([
      'pod:Forwarded@worker-1',
      'routing:Forwarded@worker-1',
      'policy:Forwarded@worker-1',
      'pod:Delivered@worker-1',
    ]);
    expect(p.hops[2]?.summary).toBe(
      'Ingress: allowed by NetworkPolicy default/web-from-client spec.ingress[0]: from[0] podSelector app=client, ports[0] TCP http',
    );
  });

  it("the pod's own node gets in (kubelet probes); another node does not", () => {
    const w = withPolicies(world(), { 'default/deny': DENY_INGRESS_ALL });
    const local = plan(w, nodeOrigin('worker-2'), '10.244.2.7:8080');
    expect(outcome(local)).toBe('pod web-b sees 127.0.10.3');
    expect(local.hops.find((h) => h.component === 'policy')?.policy?.reason).toEqual({
      kind: 'local-node',
      node: 'worker-2',
    });
    expect(outcome(plan(w, nodeOrigin('worker-1'), '10.244.2.7:8080'))).toBe('dropped');
  });

  it('a pod reaching its own address is never policed', () => {
    const w = withPolicies(world(), {
      'default/deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const p = plan(w, WEB_A, '10.244.1.5:8080');
    expect(outcome(p)).toBe('pod web-a sees 10.244.1.5');
    expect(p.hops.some((h) => h.component === 'policy')).toBe(false);
  });

  it('NodePort with masquerade: ingress sees the client on the DNAT node, the node address across nodes', () => {
    const w = withPolicies(world(), {
      'default/laptop-only': {
        podSelector: WEB_PODS,
        ingress: [{ from: [{ ipBlock: { cidr: '127.0.0.1/32' } }] }],
      },
    });
    const plans = planSeeds(w, { kind: 'host' }, '127.0.10.2:30080');
    const local = plans.filter((p) => p.seen.dst.ip === '10.244.1.5');
    const remote = plans.filter((p) => p.seen.dst.ip === '10.244.2.7');
    expect(local.length).toBeGreaterThan(0);
    expect(remote.length).toBeGreaterThan(0);
    for (const p of local) {
      expect(outcome(p)).toBe('pod web-a sees 127.0.10.2');
      expect(p.hops.find((h) => h.component === 'policy')?.policy?.connection.srcIP).toBe('127.0.0.1');
    }
    for (const p of remote) {
      expect(p.outcome.kind).toBe('dropped');
      expect(p.hops.find((h) => h.component === 'policy')?.policy?.connection.srcIP).toBe('127.0.10.2');
    }
  });

  it('decides the same without building hops', () => {
    const w = withPolicies(world(), { 'default/deny': DENY_INGRESS_ALL });
    const tuple = { src: { ip: '10.244.1.9', port: 41001 }, dst: { ip: '10.244.2.7', port: 8080 } };
    const p = planPath(
      w,
      { origin: CLIENT, protocol: 'TCP', tuple },
      { random: seededRandom(1), allocatePort: () => 50000, hops: false },
    );
    expect(p.hops).toEqual([]);
    expect(p.outcome.kind).toBe('dropped');
  });
});
