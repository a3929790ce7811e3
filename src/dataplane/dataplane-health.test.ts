/**
 * kube-proxy's health server as a whole `Dataplane` serves it: port 10256 on
 * every node address, `nodeEligible` from the Node object, a stopped node
 * silent, and a port that cannot be bound warned about once while the rest
 * keeps serving.
 */
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SLOTS, testNet } from '../../test/helpers/addresses.js';
import type { KubeObject, Node } from '../api/types.js';
import { NetworkReadModel } from '../cni/network-model.js';
import type { ClusterDnsView } from '../dns/zone.js';
import { compileProxyRules } from '../proxy/compile.js';
import { buildState } from '../proxy/testing/fixtures.js';
import { ObjectStore } from '../store/object-store.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { PodSandboxRegistry } from '../workloads/sandbox.js';
import { Dataplane } from './dataplane.js';
import type { ListenFailure } from './listeners.js';

const NET = testNet(SLOTS['src/dataplane/dataplane-health.test.ts']);
const NODES = [
  { name: 'control-plane', address: NET.address(1) },
  { name: 'worker-1', address: NET.address(2) },
  { name: 'worker-2', address: NET.address(3) },
] as const;
const STARTED = Date.UTC(2026, 10, 22, 12, 0, 0);

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function node(
  name: string,
  taints: Node['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never,
) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints } } as Node & KubeObject;
}

async function start() {
  const clock = new FakeClock(STARTED);
  const network = new NetworkReadModel({ mode: 'host-local', nodeSubnet: NET.cidr });
  for (const [i, n] of NODES.entries())
    network.upsertNode(n.name, { address: n.address, podCIDR: `10.244.${i}.0/24` });
  const store = new ObjectStore();
  store.create('nodes', node('control-plane', []));
  store.create(
    'nodes',
    node('worker-1', [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1', effect: 'NoSchedule' }]),
  );
  const state = buildState([], []);
  const synced = new Set<() => void>();
  const warnings: string[] = [];
  const logger = pino({ level: 'warn', base: null }, { write: (line: string) => warnings.push(line) });
  const failures: ListenFailure[][] = [];
  const dataplane = new Dataplane({
    nodes: NODES,
    proxy: {
      ruleSet: (n) =>
        compileProxyRules(state, {
          mode: 'iptables',
          nodeName: n,
          nodeIPs: [NODES.find((x) => x.name === n)?.address ?? ''],
          podCIDR: '10.244.0.0/16',
          serviceCIDRs: ['10.96.0.0/12'],
          emulatedAddressRanges: [NET.cidr],
        }),
      state: () => state,
      onSynced: (listener) => {
        synced.add(listener);
        return () => synced.delete(listener);
      },
    },
    network,
    sandboxes: new PodSandboxRegistry(),
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/12',
    dns: {} as ClusterDnsView,
    lookupExternal: async () => [],
    store,
    clock,
    random: seededRandom(1),
    logger,
    onListenFailures: (f) => failures.push([...f]),
  });
  await dataplane.start();
  stops.push(() => dataplane.stop());
  const sync = async () => {
    for (const listener of synced) listener();
    await dataplane.whenSettled();
  };
  return { clock, dataplane, warnings, failures, sync };
}

/** One request on a fresh connection (no pooled keep-alive connection survives a test's dataplane). */
function get(
  address: string,
  path: string,
  options: { timeoutMs?: number } = {},
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port: 10256, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe("kube-proxy's health server on every node (10256)", () => {
  it('answers /healthz and /livez on each node address, nodeEligible from its Node', async () => {
    const { clock } = await start();
    clock.step(90_500);
    const now = '2026-11-22 12:01:30.5 +0000 UTC m=+90.500000000';
    expect(await get(NODES[0].address, '/healthz')).toEqual({
      status: 200,
      type: 'application/json',
      body: `{"lastUpdated": "${now}","currentTime": "${now}", "nodeEligible": true}`,
    });
    // worker-1 is tainted ToBeDeletedByClusterAutoscaler: load balancers take it out, /livez stays up.
    expect(await get(NODES[1].address, '/healthz')).toEqual({
      status: 503,
      type: 'application/json',
      body: `{"lastUpdated": "2026-11-22 12:00:00 +0000 UTC m=+0.000000000","currentTime": "${now}", "nodeEligible": false}`,
    });
    expect((await get(NODES[1].address, '/livez')).status).toBe(200);
    expect(await get(NODES[2].address, '/')).toEqual({
      status: 404,
      type: 'text/plain; charset=utf-8',
      body: '404 page not found\n',
    });
  });

  it('says nothing while the node is stopped', async () => {
    const { dataplane } = await start();
    dataplane.stopNode('control-plane');
    const silent = await get(NODES[0].address, '/healthz', { timeoutMs: 300 }).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(silent).toBe('timed out');
    dataplane.startNode('control-plane');
    expect((await get(NODES[0].address, '/healthz')).status).toBe(200);
  });

  it('warns once when a node address cannot bind the port, and keeps serving the others', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen({ host: NODES[2].address, port: 10256 }, r));
    stops.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const { warnings, failures, sync } = await start();
    await sync();
    await sync();
    const ours = warnings.filter((w) => w.includes("Cannot serve kube-proxy's health check"));
    expect(ours).toHaveLength(1);
    expect(JSON.parse(ours[0] ?? '{}')).toMatchObject({
      listener: `${NODES[2].address}:10256`,
      code: 'EADDRINUSE',
    });
    expect(failures.flat()).toEqual([]);
    expect((await get(NODES[0].address, '/healthz')).status).toBe(200);
  });
});
