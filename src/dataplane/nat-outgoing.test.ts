/**
 * Calico's natOutgoing through the connection executor: a pod's connection to
 * another node's NodePort leaves its node with the node's address (calico.md
 * §2.3), so the other node's kube-proxy sees external traffic and
 * externalTrafficPolicy Local applies there (kube-proxy.md §2.7, cross-node
 * caveat). The app, the conntrack entry and the flow record must agree with
 * the plan. A Calico-mode network model with the default pool (natOutgoing
 * on), IPIP blocks and tunnel addresses, as the store sync builds it.
 */
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Service } from '../api/types.js';
import { NetworkReadModel } from '../cni/network-model.js';
import { silentLogger } from '../log/index.js';
import { AffinityTable, IpvsState } from '../proxy/affinity.js';
import { compileProxyRules } from '../proxy/compile.js';
import type { RuleSet } from '../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../proxy/testing/fixtures.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { App, VirtualTuple } from '../workloads/types.js';
import { ConnectionExecutor } from './connections.js';
import { ConntrackTable } from './conntrack.js';
import type { FlowRecord, FlowSink } from './flow.js';
import { createPathWorld, type NodeProxyState } from './world.js';

const NODES = [
  { name: 'worker-1', address: '127.0.10.2', block: 1, tunnel: '10.244.1.0' },
  { name: 'worker-2', address: '127.0.10.3', block: 2, tunnel: '10.244.2.0' },
  { name: 'worker-3', address: '127.0.10.4', block: 3, tunnel: '10.244.3.0' },
] as const;
const CLIENT = {
  kind: 'pod',
  namespace: 'default',
  name: 'client',
  ip: '10.244.1.9',
  node: 'worker-1',
} as const;
const SERVER = { name: 'server', ip: '10.244.2.5', node: 'worker-2' } as const;
const LOCAL_PORT = 30081;

function localService(natOutgoing: boolean) {
  const clock = new FakeClock();
  const network = new NetworkReadModel({ mode: 'calico', nodeSubnet: '127.0.10.0/24' });
  const ipip = { kind: 'IPIP', crossSubnet: false } as const;
  for (const n of NODES) {
    network.upsertNode(n.name, { address: n.address });
    network.upsertBlock(
      { network: (((10 << 24) | (244 << 16) | (n.block << 8)) >>> 0) >>> 0, prefix: 26 },
      n.name,
      ipip,
    );
    network.setTunnel(n.name, 'ipip', n.tunnel);
  }
  network.setPools([{ cidr: { network: ((10 << 24) | (244 << 16)) >>> 0, prefix: 16 }, natOutgoing }]);
  for (const p of [CLIENT, SERVER])
    network.addPod({ ip: p.ip, namespace: 'default', pod: p.name, node: p.node });
  const sandboxes = new PodSandboxRegistry();
  const seen: VirtualTuple[] = [];
  const app: App = {
    listens: [{ protocol: 'TCP', port: 8080 }],
    handleConnection: (conn) => {
      seen.push(conn.tuple);
      // Answers five bytes to whatever arrives, so byte counts have a direction.
      conn.socket.once('data', () => conn.socket.write('hello'));
    },
    terminate: () => {},
    kill: () => {},
  };
  sandboxes
    .ensure({
      namespace: 'default',
      name: SERVER.name,
      uid: SERVER.name,
      ip: SERVER.ip,
      nodeName: SERVER.node,
    })
    .bind({ container: 'app', app, faults: undefined }, app.listens);
  const service: Service = makeTestService('default', 'local', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '10.96.0.51',
      externalTrafficPolicy: 'Local',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: LOCAL_PORT }],
    };
  });
  const state = buildState(
    [service],
    [simpleSlice('default', 'local', { name: 'http', port: 8080 }, [[SERVER.ip, SERVER.node]])],
  );
  const ruleSets = new Map<string, RuleSet>();
  for (const n of NODES)
    ruleSets.set(
      n.name,
      compileProxyRules(state, {
        mode: 'iptables',
        nodeName: n.name,
        nodeIPs: [n.address],
        podCIDR: '10.244.0.0/16',
        emulatedAddressRanges: ['127.0.10.0/24'],
      }),
    );
  const nodeStates = new Map<string, NodeProxyState>();
  const nodeState = (node: string): NodeProxyState => {
    let s = nodeStates.get(node);
    if (!s) {
      s = { affinity: new AffinityTable(), ipvs: new IpvsState() };
      nodeStates.set(node, s);
    }
    return s;
  };
  const world = createPathWorld({
    nodes: NODES,
    ruleSet: (n) => ruleSets.get(n),
    network,
    sandboxes,
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/12',
    downNodes: new Set(),
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
    random: seededRandom(1),
    logger: silentLogger(),
    connectTimeoutMs: 50,
  });
  return { executor, conntrack, flows, seen, clock };
}

describe('natOutgoing through real virtual connections', () => {
  it("pod to another node's eTP Local NodePort: the endpoint, conntrack and the flow see the pod's node", async () => {
    const c = localService(true);
    const { socket, plan } = await c.executor.connect(CLIENT, { ip: '127.0.10.3', port: LOCAL_PORT });
    expect(c.seen).toHaveLength(1);
    expect(c.seen[0]).toMatchObject({ srcIP: '127.0.10.2', dstIP: SERVER.ip, dstPort: 8080 });
    expect(plan.natOutgoing?.node).toBe('worker-1');
    // One entry, on worker-2 (kube-proxy's DNAT): it only ever saw worker-1's address.
    const entries = c.conntrack.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      node: 'worker-2',
      original: { src: '127.0.10.2', sport: c.seen[0]?.srcPort, dst: '127.0.10.3', dport: LOCAL_PORT },
      reply: { src: SERVER.ip, sport: 8080, dst: '127.0.10.2', dport: c.seen[0]?.srcPort },
      service: 'default/local:http',
      masqueraded: false,
    });
    socket.destroy();
    await new Promise((r) => setImmediate(r));
    expect(c.flows).toHaveLength(1);
    expect(c.flows[0]).toMatchObject({
      verdict: 'FORWARDED',
      IP: { source: CLIENT.ip, destination: SERVER.ip },
      translated: { src: { ip: '127.0.10.2' }, dst: { ip: SERVER.ip, port: 8080 } },
    });
    expect(c.flows[0]?.hops.some((h) => h.summary.startsWith('natOutgoing (cali-nat-outgoing)'))).toBe(true);
  });

  it('counts bytes in their direction: sent by the client, received from the pod', async () => {
    const c = localService(true);
    const { socket } = await c.executor.connect(CLIENT, { ip: '127.0.10.3', port: LOCAL_PORT });
    const reply = new Promise((r) => socket.once('data', r));
    socket.write('abc');
    expect(String(await reply)).toBe('hello');
    socket.destroy();
    await new Promise((r) => setImmediate(r));
    expect(c.flows[0]?.bytes).toEqual({ sent: 3, received: 5 });
  });

  it('pod to the laptop (host.netkube.internal): the laptop’s server sees the node’s address, as the trace says', async () => {
    const c = localService(true);
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const peer = new Promise<string | undefined>((r) => server.once('connection', (s) => r(s.remoteAddress)));
    try {
      const { socket, plan } = await c.executor.connect(CLIENT, { ip: '192.168.65.254', port });
      expect(plan.seen.src.ip).toBe('127.0.10.2');
      expect(await peer).toBe('127.0.10.2');
      socket.destroy();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("pod to a third node's eTP Local NodePort without a local endpoint times out, recorded as DROPPED", async () => {
    const c = localService(true);
    const attempt = c.executor.connect(CLIENT, { ip: '127.0.10.4', port: LOCAL_PORT });
    const failed = expect(attempt).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    c.clock.step(50);
    await failed;
    expect(c.seen).toEqual([]);
    expect(c.flows[0]).toMatchObject({
      verdict: 'DROPPED',
      drop_reason_desc: 'kube-proxy drops traffic to default/local:http on worker-3',
    });
  });

  it('a pool without natOutgoing keeps the pod address: the other node short-circuits it', async () => {
    const c = localService(false);
    const { socket } = await c.executor.connect(CLIENT, { ip: '127.0.10.4', port: LOCAL_PORT });
    expect(c.seen[0]?.srcIP).toBe(CLIENT.ip);
    expect(c.conntrack.list()[0]?.original.src).toBe(CLIENT.ip);
    socket.destroy();
  });
});
