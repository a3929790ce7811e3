/**
 * The SOCKS gateway of a whole `Dataplane`, with real simulated images
 * (traefik/whoami, redis) behind Services: bytes the client sends with its
 * CONNECT request, DROP and REJECT verdicts as a SOCKS server's connect()
 * reports them, and destinations on the laptop.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SLOTS, testNet } from '../../test/helpers/addresses.js';
import type { Service } from '../api/types.js';
import { setEmulatedRoutableRanges } from '../api/validation/ip.js';
import { NetworkReadModel } from '../cni/network-model.js';
import type { ClusterDnsView, ViewService } from '../dns/zone.js';
import { silentLogger } from '../log/index.js';
import { compileProxyRules } from '../proxy/compile.js';
import type { RuleSet } from '../proxy/ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../proxy/testing/fixtures.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { container, testCluster } from '../workloads/testing/cluster.js';
import { Dataplane } from './dataplane.js';
import { SOCKS_REPLY } from './socks.js';

const NET = testNet(SLOTS['src/dataplane/dataplane-socks.test.ts']);
const NODES = [
  { name: 'control-plane', address: NET.address(1), podCIDR: '10.244.0.0/24' },
  { name: 'worker-1', address: NET.address(2), podCIDR: '10.244.1.0/24' },
] as const;
const WHOAMI = { name: 'web-0', ip: '10.244.1.5', node: 'worker-1' } as const;
const REDIS = { name: 'redis-0', ip: '10.244.1.6', node: 'worker-1' } as const;
const WEB_IP = '10.96.0.80';
const REDIS_IP = '10.96.0.79';
/** internalTrafficPolicy Local, its only endpoint on worker-1: DROPped from the gateway's node. */
const WEB_LOCAL_IP = '10.96.0.82';
/** No endpoints: REJECTed. */
const EMPTY_IP = '10.96.0.81';
const NODE_PORT = 30080;

function services(): Service[] {
  return [
    makeTestService('default', 'web', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: WEB_IP,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: NODE_PORT }],
      };
    }),
    makeTestService('default', 'web-local', (s) => {
      s.spec = {
        type: 'ClusterIP',
        clusterIP: WEB_LOCAL_IP,
        internalTrafficPolicy: 'Local',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
      };
    }),
    makeTestService('default', 'empty', (s) => {
      s.spec = {
        type: 'ClusterIP',
        clusterIP: EMPTY_IP,
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      };
    }),
    makeTestService('default', 'redis', (s) => {
      s.spec = {
        type: 'ClusterIP',
        clusterIP: REDIS_IP,
        ports: [{ name: 'redis', port: 6379, protocol: 'TCP', targetPort: 6379 }],
      };
    }),
  ];
}

function dnsView(): ClusterDnsView {
  const byName = new Map<string, ViewService>([
    [
      'web',
      {
        namespace: 'default',
        name: 'web',
        type: 'NodePort',
        clusterIPs: [WEB_IP],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
    ],
  ]);
  return {
    clusterDomain: 'cluster.local',
    dnsServiceIP: '10.96.0.10',
    serial: () => 1,
    namespaceExists: (ns) => ns === 'default',
    service: (ns, name) => (ns === 'default' ? byName.get(name) : undefined),
    readyEndpoints: () => [],
    serviceByClusterIP: () => undefined,
    endpointByIP: () => undefined,
  };
}

beforeAll(() => setEmulatedRoutableRanges([NET.cidr]));
afterAll(() => setEmulatedRoutableRanges([]));

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A two-node dataplane with whoami and redis pods, `default/web` and `default/redis`, and its SOCKS gateway. */
async function cluster(options: { connectTimeoutMs?: number } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
  const pods = testCluster({ clock });
  pods.startPod({
    name: WHOAMI.name,
    ip: WHOAMI.ip,
    nodeName: WHOAMI.node,
    containers: [container('app', 'traefik/whoami')],
  });
  pods.startPod({
    name: REDIS.name,
    ip: REDIS.ip,
    nodeName: REDIS.node,
    containers: [container('app', 'redis')],
  });
  const network = new NetworkReadModel({ mode: 'host-local', nodeSubnet: NET.cidr });
  for (const n of NODES) network.upsertNode(n.name, { address: n.address, podCIDR: n.podCIDR });
  for (const p of [WHOAMI, REDIS])
    network.addPod({ ip: p.ip, namespace: 'default', pod: p.name, node: p.node });
  const state = buildState(services(), [
    simpleSlice('default', 'web', { name: 'http', port: 80 }, [[WHOAMI.ip, WHOAMI.node]]),
    simpleSlice('default', 'web-local', { name: 'http', port: 80 }, [[WHOAMI.ip, WHOAMI.node]]),
    simpleSlice('default', 'redis', { name: 'redis', port: 6379 }, [[REDIS.ip, REDIS.node]]),
  ]);
  const ruleSets = new Map<string, RuleSet>(
    NODES.map((n) => [
      n.name,
      compileProxyRules(state, {
        mode: 'iptables',
        nodeName: n.name,
        nodeIPs: [n.address],
        podCIDR: '10.244.0.0/16',
        serviceCIDRs: ['10.96.0.0/12'],
        emulatedAddressRanges: [NET.cidr],
      }),
    ]),
  );
  const dataplane = new Dataplane({
    nodes: NODES,
    proxy: { ruleSet: (n) => ruleSets.get(n), state: () => state, onSynced: () => () => {} },
    network,
    sandboxes: pods.sandboxes,
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/12',
    dns: dnsView(),
    lookupExternal: async () => [],
    socks: { host: '127.0.0.1', port: 0 },
    gatewayNode: 'control-plane',
    clock,
    random: seededRandom(3),
    logger: silentLogger(),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
  await dataplane.start();
  stops.push(() => dataplane.stop());
  const socks = dataplane.socksAddress;
  if (!socks) throw new Error('no SOCKS address');
  return { clock, dataplane, socks };
}

/** The greeting, a CONNECT to `host:port` (IPv4 literal or name) and `payload`, as one write. */
function connectRequest(host: string, port: number, payload = ''): Buffer {
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  const address = /^\d+\.\d+\.\d+\.\d+$/.test(host)
    ? Buffer.from([0x01, ...host.split('.').map(Number)])
    : Buffer.concat([Buffer.from([0x03, host.length]), Buffer.from(host, 'latin1')]);
  return Buffer.concat([
    Buffer.from([0x05, 0x01, 0x00, 0x05, 0x01, 0x00]),
    address,
    portBytes,
    Buffer.from(payload, 'latin1'),
  ]);
}

/** A SOCKS client session: everything the gateway sent, and whether it closed. */
async function session(socks: { host: string; port: number }, request: Buffer) {
  const socket = connect(socks.port, socks.host);
  stops.push(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d]);
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  socket.write(request);
  return {
    socket,
    get received() {
      return received;
    },
    get closed() {
      return closed;
    },
    /** The reply code (byte 1 of the CONNECT reply, after the 2-byte method choice), if it came. */
    get reply(): number | undefined {
      return received.length >= 12 ? received[3] : undefined;
    },
    /** What came after the CONNECT reply. */
    get stream(): string {
      return received.subarray(12).toString('latin1');
    },
    async until(check: () => boolean, ms = 5000): Promise<void> {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end)
          throw new Error(`timed out; received ${JSON.stringify(received.toString('latin1'))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

const GET = 'GET / HTTP/1.0\r\n\r\n';

describe('SOCKS gateway: bytes sent with the CONNECT request reach the destination', () => {
  it.each([
    { name: 'a ClusterIP', host: WEB_IP, port: 80 },
    { name: 'a pod IP', host: WHOAMI.ip, port: 80 },
    { name: 'a NodePort', host: NODES[1].address, port: NODE_PORT },
    { name: 'a cluster DNS name', host: 'web.default.svc.cluster.local', port: 80 },
  ])('HTTP to $name', async ({ host, port }) => {
    const { socks } = await cluster();
    const s = await session(socks, connectRequest(host, port, GET));
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.succeeded);
    expect(s.stream).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\nHostname: web-0\n/);
  });

  it('a client that half-closes after its request still gets the answer', async () => {
    const { socks } = await cluster();
    const s = await session(socks, connectRequest(WEB_IP, 80, GET));
    s.socket.end();
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.succeeded);
    expect(s.stream).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*Hostname: web-0\n/);
  });

  it('a non-HTTP app (redis) gets the bytes too, and later ones', async () => {
    const { socks } = await cluster();
    const s = await session(socks, connectRequest(REDIS_IP, 6379, 'PING\r\n'));
    await s.until(() => s.stream.includes('+PONG\r\n'));
    s.socket.write('ECHO hi\r\n');
    await s.until(() => s.stream.includes('$2\r\nhi\r\n'));
    expect(s.reply).toBe(SOCKS_REPLY.succeeded);
    expect(s.stream).toBe('+PONG\r\n$2\r\nhi\r\n');
  });

  it('a process on the laptop gets them', async () => {
    const server: Server = createServer((c: Socket) => c.on('data', (d) => c.end(`echo:${d}`)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise<void>((r) => server.close(() => r())));
    const { port } = server.address() as { port: number };
    const { socks } = await cluster();
    const s = await session(socks, connectRequest('127.0.0.1', port, 'hello'));
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.succeeded);
    expect(s.stream).toBe('echo:hello');
  });
});

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('SOCKS gateway: failures answer as a SOCKS server whose connect() failed', () => {
  it.each([
    { name: 'a DROP (a ClusterIP port the Service does not have)', host: WEB_IP, port: 81 },
    { name: 'a DROP (internalTrafficPolicy Local, no endpoint on the node)', host: WEB_LOCAL_IP, port: 80 },
  ])('$name: nothing until the connect timeout, then 06 (ETIMEDOUT)', async ({ host, port }) => {
    const { clock, socks } = await cluster({ connectTimeoutMs: 2000 });
    const s = await session(socks, connectRequest(host, port, GET));
    await s.until(() => s.received.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    clock.step(1999);
    await new Promise((r) => setTimeout(r, 50));
    expect([...s.received]).toEqual([0x05, 0x00]);
    expect(s.closed).toBe(false);
    clock.step(1);
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.ttlExpired);
    expect(s.received).toHaveLength(12);
  });

  it('a DROP whose client gives up first gets no reply, and the gateway keeps serving', async () => {
    const { clock, socks } = await cluster({ connectTimeoutMs: 2000 });
    const dropped = await session(socks, connectRequest(WEB_IP, 81));
    await dropped.until(() => dropped.received.length >= 2);
    dropped.socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    clock.step(5000);
    const ok = await session(socks, connectRequest(WEB_IP, 80, GET));
    await ok.until(() => ok.closed);
    expect(ok.reply).toBe(SOCKS_REPLY.succeeded);
  });

  it.each([
    { name: 'a REJECT (a Service without endpoints)', host: () => EMPTY_IP, port: async () => 80 },
    { name: 'a pod port where nothing listens', host: () => WHOAMI.ip, port: async () => 81 },
    { name: 'a laptop port where nothing listens', host: () => '127.0.0.1', port: closedPort },
  ])('$name: 05 (connection refused) at once', async ({ host, port }) => {
    const { socks } = await cluster();
    const s = await session(socks, connectRequest(host(), await port()));
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.connectionRefused);
  });

  it('a name the cluster cannot resolve: 04 (host unreachable)', async () => {
    const { socks } = await cluster();
    const s = await session(socks, connectRequest('nothing.default.svc.cluster.local', 80));
    await s.until(() => s.closed);
    expect(s.reply).toBe(SOCKS_REPLY.hostUnreachable);
  });
});
