import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Service } from '../api/types.js';
import { NetworkReadModel } from '../cni/network-model.js';
import type { ClusterDnsView } from '../dns/zone.js';
import { HOST_GATEWAY_IP } from '../dns/zone.js';
import { silentLogger } from '../log/index.js';
import { AffinityTable, IpvsState } from '../proxy/affinity.js';
import { compileProxyRules } from '../proxy/compile.js';
import type { ProxyState } from '../proxy/model.js';
import type { RuleSet } from '../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../proxy/testing/fixtures.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { App, VirtualTuple } from '../workloads/types.js';
import { ConnectionExecutor } from './connections.js';
import { ConntrackTable, formatConntrack } from './conntrack.js';
import { Dataplane, type ProxyView } from './dataplane.js';
import type { FlowRecord, FlowSink } from './flow.js';
import type { ListenKey } from './listeners.js';
import { createPathWorld, type NodeProxyState } from './world.js';

const NODES = [
  { name: 'worker-1', address: '127.0.10.2', podCIDR: '10.244.1.0/24' },
  { name: 'worker-2', address: '127.0.10.3', podCIDR: '10.244.2.0/24' },
] as const;
/** The three agnhost-like endpoints of `default/dns` (UDP 5353). */
const ENDPOINTS = [
  { name: 'dns-a', ip: '10.244.1.5', node: 'worker-1' },
  { name: 'dns-b', ip: '10.244.2.6', node: 'worker-2' },
  { name: 'dns-c', ip: '10.244.2.7', node: 'worker-2' },
] as const;
type EndpointName = (typeof ENDPOINTS)[number]['name'];
const CLIENT = {
  kind: 'pod',
  namespace: 'default',
  name: 'client',
  ip: '10.244.1.9',
  node: 'worker-1',
} as const;
const CLUSTER_IP = '10.96.0.53';
const LB_IP = '127.0.20.1';
const NODE_PORT: ListenKey = { address: '127.0.10.2', port: 30053, protocol: 'UDP' };
const LAPTOP = { ip: '127.0.0.1', port: 45678 };

interface Received {
  readonly pod: EndpointName;
  readonly tuple: VirtualTuple;
  readonly payload: string;
}

interface Options {
  /** Service type: LoadBalancer (NodePort 30053, VIP 127.0.20.1) or ClusterIP only. */
  readonly type?: 'LoadBalancer' | 'ClusterIP';
  readonly affinity?: boolean;
  /** Reply datagrams each endpoint sends per datagram it receives. */
  readonly replies?: number;
  readonly seed?: number;
}

function dnsService(options: Options): Service {
  return makeTestService('default', 'dns', (s) => {
    const lb = (options.type ?? 'LoadBalancer') === 'LoadBalancer';
    s.spec = {
      type: lb ? 'LoadBalancer' : 'ClusterIP',
      clusterIP: CLUSTER_IP,
      ports: [
        {
          name: 'dns',
          port: 53,
          protocol: 'UDP',
          targetPort: 5353,
          ...(lb ? { nodePort: NODE_PORT.port } : {}),
        },
      ],
      ...(options.affinity
        ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }
        : {}),
    };
    if (lb) s.status = { loadBalancer: { ingress: [{ ip: LB_IP }] } };
  });
}

/** Two nodes, the endpoints and a client pod, `default/dns` compiled for both nodes, and an executor. */
function cluster(options: Options = {}) {
  const clock = new FakeClock();
  const network = new NetworkReadModel({ mode: 'host-local', nodeSubnet: '127.0.10.0/24' });
  for (const n of NODES) network.upsertNode(n.name, { address: n.address, podCIDR: n.podCIDR });
  for (const p of [...ENDPOINTS, CLIENT])
    network.addPod({ ip: p.ip, namespace: 'default', pod: p.name, node: p.node });
  const sandboxes = new PodSandboxRegistry();
  const received: Received[] = [];
  for (const p of ENDPOINTS) {
    const app: App = {
      listens: [{ protocol: 'UDP', port: 5353 }],
      handleConnection: () => {},
      handleDatagram(message, tuple, reply) {
        received.push({ pod: p.name, tuple, payload: message.toString() });
        for (let i = 0; i < (options.replies ?? 1); i++) reply(Buffer.from(`${p.name}#${i}`));
      },
      terminate: () => {},
      kill: () => {},
    };
    sandboxes
      .ensure({ namespace: 'default', name: p.name, uid: p.name, ip: p.ip, nodeName: p.node })
      .bind({ container: 'app', app, faults: undefined }, app.listens);
  }
  const service = dnsService(options);
  const ruleSets = new Map<string, RuleSet>();
  let state: ProxyState = buildState([], []);
  const setEndpoints = (names: readonly EndpointName[]): ProxyState => {
    const eps = ENDPOINTS.filter((e) => names.includes(e.name));
    state = buildState(
      [service],
      [
        simpleSlice(
          'default',
          'dns',
          { name: 'dns', port: 5353, protocol: 'UDP' },
          eps.map((e) => [e.ip, e.node] as const),
        ),
      ],
    );
    for (const n of NODES) {
      ruleSets.set(
        n.name,
        compileProxyRules(state, {
          mode: 'iptables',
          nodeName: n.name,
          nodeIPs: [n.address],
          podCIDR: '10.244.0.0/16',
          serviceCIDRs: ['10.96.0.0/12'],
          emulatedAddressRanges: ['127.0.10.0/24', '127.0.20.0/24'],
        }),
      );
    }
    return state;
  };
  setEndpoints(ENDPOINTS.map((e) => e.name));
  const nodeStates = new Map<string, NodeProxyState>();
  const nodeState = (node: string): NodeProxyState => {
    let s = nodeStates.get(node);
    if (!s) {
      s = { affinity: new AffinityTable(), ipvs: new IpvsState() };
      nodeStates.set(node, s);
    }
    return s;
  };
  const down = new Set<string>();
  const world = createPathWorld({
    nodes: NODES,
    ruleSet: (n) => ruleSets.get(n),
    network,
    sandboxes,
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/12',
    downNodes: down,
    nodeState,
  });
  const conntrack = new ConntrackTable({ clock });
  const flows: FlowRecord[] = [];
  const sink: FlowSink = { enabled: true, record: (f) => flows.push(f) };
  const executor = new ConnectionExecutor({
    world,
    sandboxes,
    nodeState,
    conntrack,
    flows: sink,
    clock,
    random: seededRandom(options.seed ?? 7),
    logger: silentLogger(),
  });
  return {
    clock,
    network,
    sandboxes,
    received,
    conntrack,
    executor,
    flows,
    down,
    nodeState,
    setEndpoints,
    ruleSets,
    get state() {
      return state;
    },
    /** A datagram from the laptop to a NodePort or VIP listener; `entryNode` is asked for new flows only. */
    fromLaptop(
      key: ListenKey,
      payload: string,
      client = LAPTOP,
      entryNode: () => string | undefined = () => 'worker-1',
    ) {
      const replies: string[] = [];
      executor.hostDatagram(key, Buffer.from(payload), client, (d) => replies.push(d.toString()), entryNode);
      return replies;
    },
  };
}

/** The endpoint names in the order they received datagrams. */
function pods(received: readonly Received[]): EndpointName[] {
  return received.map((r) => r.pod);
}

describe('UDP flows through conntrack', () => {
  it('keeps one 5-tuple on one endpoint with one SNAT source port, datagram after datagram', () => {
    const c = cluster();
    for (let i = 0; i < 8; i++) expect(c.fromLaptop(NODE_PORT, `q${i}`)).toHaveLength(1);
    expect(new Set(pods(c.received)).size).toBe(1);
    // Masqueraded (external → NodePort): every datagram shows the pod the same node address and port.
    const sources = new Set(c.received.map((r) => `${r.tuple.srcIP}:${r.tuple.srcPort}`));
    expect(sources.size).toBe(1);
    expect([...sources][0]).toMatch(/^127\.0\.10\.2:\d+$/);
    expect(c.received.map((r) => r.payload)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7']);
    const entries = c.conntrack.list('worker-1');
    expect(entries).toHaveLength(1);
    const pod = ENDPOINTS.find((e) => e.name === c.received[0]?.pod);
    expect(entries[0]).toMatchObject({
      protocol: 'UDP',
      state: 'ESTABLISHED',
      original: { src: '127.0.0.1', sport: 45678, dst: '127.0.10.2', dport: 30053 },
      reply: { src: pod?.ip, sport: 5353, dst: '127.0.10.2', dport: c.received[0]?.tuple.srcPort },
      service: 'default/dns:dns',
      masqueraded: true,
      bytesOriginal: 16,
      bytesReply: 8 * 'dns-a#0'.length,
    });
    // One flow record per datagram, all of the one plan.
    expect(c.flows).toHaveLength(8);
    expect(new Set(c.flows.map((f) => `${f.translated.src.port}>${f.translated.dst.ip}`)).size).toBe(1);
  });

  it('gives another client port its own entry and its own load-balancing decision', () => {
    const c = cluster({ seed: 3 });
    const byPort = new Map<number, EndpointName[]>();
    for (let round = 0; round < 3; round++) {
      for (let port = 40000; port < 40008; port++) {
        const before = c.received.length;
        c.fromLaptop(NODE_PORT, 'q', { ip: '127.0.0.1', port });
        byPort.set(port, [...(byPort.get(port) ?? []), ...pods(c.received.slice(before))]);
      }
    }
    for (const seen of byPort.values()) expect(new Set(seen).size).toBe(1);
    const chosen = new Set([...byPort.values()].map((seen) => seen[0]));
    expect(chosen.size).toBeGreaterThan(1);
    expect(c.conntrack.list().map((e) => e.original.sport)).toEqual([
      40000, 40001, 40002, 40003, 40004, 40005, 40006, 40007,
    ]);
    expect(new Set(c.conntrack.list().map((e) => e.reply.dport)).size).toBe(8);
  });

  it('keeps a LoadBalancer flow on the node that holds its entry', () => {
    const c = cluster();
    const entry = vi.fn(() => (entry.mock.calls.length % 2 === 1 ? 'worker-1' : 'worker-2'));
    for (let i = 0; i < 8; i++)
      c.fromLaptop({ address: LB_IP, port: 53, protocol: 'UDP' }, 'q', LAPTOP, entry);
    expect(entry).toHaveBeenCalledTimes(1);
    expect(new Set(pods(c.received)).size).toBe(1);
    expect(c.conntrack.list('worker-1')).toHaveLength(1);
    expect(c.conntrack.list('worker-2')).toHaveLength(0);
  });

  it('carries every reply datagram back to the client through the reverse NAT', async () => {
    const c = cluster({ replies: 3 });
    const replies = c.fromLaptop(NODE_PORT, 'q');
    const pod = c.received[0]?.pod;
    expect(replies).toEqual([`${pod}#0`, `${pod}#1`, `${pod}#2`]);

    // A pod's request/response helper resolves with the first reply; the flow stays tracked.
    const first = await c.executor.datagram(CLIENT, { ip: CLUSTER_IP, port: 53 }, Buffer.from('x'), 1000);
    expect(first?.toString()).toMatch(/^dns-[abc]#0$/);
    expect(c.conntrack.list().filter((e) => e.original.dst === CLUSTER_IP)).toHaveLength(1);
    // A reply sent later (an app answering from a timer) still reaches the client while the entry lives.
    const late: string[] = [];
    let replyLater: ((d: Buffer) => void) | undefined;
    const sandbox = c.sandboxes.get(ENDPOINTS[0].ip);
    sandbox?.release('app');
    sandbox?.bind(
      {
        container: 'app',
        faults: undefined,
        app: {
          listens: [{ protocol: 'UDP', port: 5353 }],
          handleConnection: () => {},
          handleDatagram: (_m, _t, reply) => {
            replyLater = reply;
          },
          terminate: () => {},
          kill: () => {},
        },
      },
      [{ protocol: 'UDP', port: 5353 }],
    );
    const tuple = { src: { ip: CLIENT.ip, port: 50000 }, dst: { ip: ENDPOINTS[0].ip, port: 5353 } };
    expect(c.executor.sendDatagram(CLIENT, tuple, Buffer.from('q'), (d) => late.push(d.toString()))).toBe(
      true,
    );
    c.clock.step(10_000);
    replyLater?.(Buffer.from('one'));
    replyLater?.(Buffer.from('two'));
    expect(late).toEqual(['one', 'two']);
    // Replies 10 s in made the flow a stream ([ASSURED], 120 s); once that timed out, a reply has no flow to go back by.
    expect(c.conntrack.list().find((e) => e.original.sport === 50000)).toMatchObject({ assured: true });
    c.clock.step(119_999);
    replyLater?.(Buffer.from('still'));
    expect(late).toEqual(['one', 'two', 'still']);
    c.clock.step(120_000);
    replyLater?.(Buffer.from('three'));
    expect(late).toEqual(['one', 'two', 'still']);
  });

  it('lists the entry as conntrack -L does and expires it after 30 s idle', () => {
    const c = cluster({ replies: 0 });
    c.fromLaptop(NODE_PORT, 'q');
    const [entry] = c.conntrack.list('worker-1');
    const r = entry?.reply;
    expect(formatConntrack(c.conntrack.list('worker-1'), c.clock.now())).toBe(
      `udp      17 30 src=127.0.0.1 dst=127.0.10.2 sport=45678 dport=30053 [UNREPLIED] src=${r?.src} dst=127.0.10.2 sport=5353 dport=${r?.dport} mark=0 use=1\n` +
        'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
    );
    c.clock.step(12_000);
    expect(formatConntrack(c.conntrack.list('worker-1'), c.clock.now())).toMatch(
      /^udp {6}17 18 src=127\.0\.0\.1 /,
    );
    c.clock.step(18_000);
    expect(c.conntrack.list()).toEqual([]);
    expect(c.conntrack.size).toBe(0);
    expect(c.clock.pending).toBe(0);
    // The next datagram of the same 5-tuple is a new flow: a new entry, a new decision.
    c.fromLaptop(NODE_PORT, 'q');
    expect(c.conntrack.list()).toHaveLength(1);
    expect(c.conntrack.list()[0]?.id).not.toBe(entry?.id);
  });

  it('stays alive while datagrams keep coming, and becomes ASSURED with replies after 2 s', () => {
    const c = cluster();
    for (let i = 0; i < 5; i++) {
      c.fromLaptop(NODE_PORT, 'q');
      c.clock.step(25_000);
    }
    const [entry] = c.conntrack.list();
    expect(entry).toMatchObject({ state: 'ESTABLISHED', assured: true });
    expect(formatConntrack([entry as NonNullable<typeof entry>], c.clock.now())).toMatch(
      /^udp {6}17 95 .* \[ASSURED\] mark=/,
    );
    expect(new Set(pods(c.received)).size).toBe(1);
  });

  it('flushes the entries of a removed endpoint at the next sync, so the next datagram picks a live one', () => {
    const c = cluster();
    c.fromLaptop(NODE_PORT, 'q');
    const victim = c.received[0]?.pod as EndpointName;
    const survivors = ENDPOINTS.map((e) => e.name).filter((n) => n !== victim);
    // The pod goes away: without conntrack cleanup the flow would keep sending it datagrams (a blackhole).
    const gone = ENDPOINTS.find((e) => e.name === victim);
    c.sandboxes.remove('default', victim);
    c.network.removePod(gone?.ip ?? '');
    const state = c.setEndpoints(survivors);
    expect(c.fromLaptop(NODE_PORT, 'lost')).toEqual([]);
    expect(c.flows.at(-1)).toMatchObject({ verdict: 'DROPPED', drop_reason_desc: `no pod has ${gone?.ip}` });
    expect(c.conntrack.cleanStaleEntries(state)).toBe(1);
    expect(c.conntrack.list()).toEqual([]);
    for (let i = 0; i < 4; i++) expect(c.fromLaptop(NODE_PORT, 'q')).toHaveLength(1);
    const after = pods(c.received.slice(1));
    expect(after).toHaveLength(4);
    expect(new Set(after).size).toBe(1);
    expect(survivors).toContain(after[0]);
    expect(c.conntrack.list()).toHaveLength(1);
  });

  it('keeps ClientIP session affinity across flows, recorded once per flow, not per datagram', () => {
    const c = cluster({ affinity: true, seed: 11 });
    const commits = vi.spyOn(c.nodeState('worker-1').affinity, 'commit');
    for (let port = 41000; port < 41006; port++) {
      for (let i = 0; i < 3; i++) c.fromLaptop(NODE_PORT, 'q', { ip: '127.0.0.1', port });
    }
    expect(c.received).toHaveLength(18);
    expect(new Set(pods(c.received)).size).toBe(1);
    expect(commits).toHaveBeenCalledTimes(6);
    expect(c.conntrack.list()).toHaveLength(6);
  });

  it('delivers a pod datagram that stays in the pod without an entry', () => {
    const c = cluster();
    const replies: string[] = [];
    // dns-a to its own address: its network namespace, never the node's netfilter.
    const self = {
      kind: 'pod' as const,
      namespace: 'default',
      name: 'dns-a',
      ip: ENDPOINTS[0].ip,
      node: 'worker-1',
    };
    const tuple = { src: { ip: self.ip, port: 50001 }, dst: { ip: self.ip, port: 5353 } };
    expect(c.executor.sendDatagram(self, tuple, Buffer.from('q'), (d) => replies.push(d.toString()))).toBe(
      true,
    );
    expect(replies).toEqual(['dns-a#0']);
    expect(c.conntrack.list()).toEqual([]);
  });

  it('gets no entry for a datagram refused by kube-proxy', () => {
    const c = cluster();
    c.setEndpoints([]);
    expect(c.fromLaptop(NODE_PORT, 'q')).toEqual([]);
    expect(c.conntrack.list()).toEqual([]);
    expect(c.flows.at(-1)).toMatchObject({ verdict: 'DROPPED' });
  });

  it('re-plans a flow whose node went down', () => {
    const c = cluster();
    c.setEndpoints(['dns-b', 'dns-c']);
    const lb = { address: LB_IP, port: 53, protocol: 'UDP' } as const;
    c.fromLaptop(lb, 'q', LAPTOP, () => 'worker-1');
    expect(c.conntrack.list('worker-1')).toHaveLength(1);
    c.down.add('worker-1');
    c.fromLaptop(lb, 'q', LAPTOP, () => 'worker-2');
    expect(c.conntrack.list('worker-1')).toHaveLength(0);
    expect(c.conntrack.list('worker-2')).toHaveLength(1);
    expect(c.received).toHaveLength(2);
  });
});

describe('UDP flows to the host', () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  it('use one real socket per flow, so the server sees one source port and may answer many times', async () => {
    const server = createSocket('udp4');
    closers.push(() => server.close());
    const seenBy = new Set<number>();
    server.on('message', (m, remote) => {
      seenBy.add(remote.port);
      server.send(`${m}:1`, remote.port, remote.address);
      server.send(`${m}:2`, remote.port, remote.address);
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const port = server.address().port;
    const c = cluster();
    closers.push(() => c.conntrack.stop());
    const replies: string[] = [];
    const tuple = { src: { ip: CLIENT.ip, port: 50002 }, dst: { ip: HOST_GATEWAY_IP, port } };
    const got = new Promise<void>((resolve) => {
      const onReply = (d: Buffer) => {
        replies.push(d.toString());
        if (replies.length === 6) resolve();
      };
      for (const m of ['a', 'b', 'c']) c.executor.sendDatagram(CLIENT, tuple, Buffer.from(m), onReply);
    });
    await got;
    expect(replies.sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2', 'c:1', 'c:2']);
    expect(seenBy.size).toBe(1);
    const [entry] = c.conntrack.list();
    expect(entry).toMatchObject({
      protocol: 'UDP',
      state: 'ESTABLISHED',
      original: { dst: HOST_GATEWAY_IP, dport: port },
    });
    // The flow's socket closes with its entry.
    c.clock.step(30_000);
    expect(c.conntrack.list()).toEqual([]);
  });
});

describe('Dataplane and UDP conntrack', () => {
  it("runs kube-proxy's conntrack cleanup after every sync and ends every flow on stop", async () => {
    const c = cluster({ type: 'ClusterIP' });
    const synced = new Set<() => void>();
    const proxy: ProxyView = {
      ruleSet: (n) => c.ruleSets.get(n),
      state: () => c.state,
      onSynced: (listener) => {
        synced.add(listener);
        return () => synced.delete(listener);
      },
    };
    const dataplane = new Dataplane({
      nodes: NODES,
      proxy,
      network: c.network,
      sandboxes: c.sandboxes,
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      dns: {} as ClusterDnsView,
      lookupExternal: async () => [],
      clock: c.clock,
      random: seededRandom(5),
      logger: silentLogger(),
    });
    await dataplane.start();
    try {
      const net = dataplane.podNetwork(CLIENT);
      const first = (await net.udpRequest(CLUSTER_IP, 53, Buffer.from('q'), 1000))?.toString();
      const victim = ENDPOINTS.find((e) => first?.startsWith(e.name));
      expect(victim).toBeDefined();
      expect(dataplane.conntrack.list('worker-1')).toMatchObject([
        {
          protocol: 'UDP',
          original: { src: CLIENT.ip, dst: CLUSTER_IP, dport: 53 },
          reply: { src: victim?.ip },
        },
      ]);
      c.setEndpoints(ENDPOINTS.map((e) => e.name).filter((n) => n !== victim?.name));
      for (const listener of synced) listener();
      expect(dataplane.conntrack.list()).toEqual([]);
      for (let i = 0; i < 6; i++) {
        const reply = (await net.udpRequest(CLUSTER_IP, 53, Buffer.from('q'), 1000))?.toString();
        expect(reply?.startsWith(victim?.name ?? '?')).toBe(false);
      }
      expect(dataplane.conntrack.list()).toHaveLength(6);
    } finally {
      await dataplane.stop();
    }
    expect(dataplane.conntrack.size).toBe(0);
    expect(c.clock.pending).toBe(0);
  });
});
