/**
 * Dataplane benchmarks (issues 3 and 4), side by side in one run:
 *
 *   1. HTTP keep-alive to a simulated whoami pod: served directly (the same app
 *      instance, handed sockets from a plain loopback listener), through a
 *      NodePort, through HAProxy `mode tcp`, through nginx `proxy_pass` (keepalive
 *      upstream) — targets: NodePort ≥ 0.9× direct and ≥ 0.9× HAProxy.
 *   2. A new connection per request (the kube-proxy case): NodePort ≥ 1.0× HAProxy.
 *   3. L4 forwarding to a real process (nginx on the laptop, reached through a
 *      selectorless Service whose endpoint is host.netkube.internal): ≥ 0.75× HAProxy.
 *   4. Pod-to-pod over the virtual network (keep-alive, 50 connections): ≥ 0.8×
 *      the same client against the same app on a plain loopback socket.
 *   5. Flows on vs off (issue 7): the same NodePort with the flow log recording
 *      and not, keep-alive and a new connection per request, alternating order
 *      (bench/flows-on-off.ts): recording costs < 5% of the request rate.
 *
 *   npm run bench -- dataplane [--runs 3] [--seconds 5] [--only flows]
 */
import { Agent, request } from 'node:http';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Emulator } from '../src/emulator/emulator.js';
import { silentLogger } from '../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../src/topology/index.js';
import { flowsOnOff, flowsTable } from './flows-on-off.js';
import {
  ensureTools,
  haproxyTcp,
  machine,
  median,
  nginxProxy,
  nginxStatic,
  type WrkResult,
  wrk,
} from './lib.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const RUNS = Number(args.get('--runs') ?? 3);
const SECONDS = Number(args.get('--seconds') ?? 5);
/** `flows`: only the flows on/off comparison. */
const ONLY = args.get('--only');
const SLOT = 240;

const manifests = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          nodeName: 'worker-1',
          containers: [{ name: 'whoami', image: 'traefik/whoami:v1.10.3', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: 'default' },
    spec: {
      nodeName: 'worker-2',
      containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '86400'] }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'laptop', namespace: 'default' },
    spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090 }] },
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'laptop-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'laptop' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['192.168.65.254'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 18099, protocol: 'TCP' }],
  },
];

function best(label: string, results: WrkResult[]): { label: string; rps: number; p99: number } {
  return { label, rps: median(results.map((r) => r.rps)), p99: median(results.map((r) => r.p99ms)) };
}

/** Requests over `connections` keep-alive connections for `seconds`, from an in-process client. */
async function inProcessLoad(
  connect: () => Promise<Duplex>,
  seconds: number,
  connections: number,
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  (
    agent as unknown as { createConnection: (o: unknown, cb: (e: Error | null, s?: Duplex) => void) => void }
  ).createConnection = (_o, cb) => {
    connect().then(
      (s) => cb(null, s),
      (e: Error) => cb(e),
    );
  };
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '10.0.0.1', path: '/bench', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            done++;
            resolve();
          });
        });
        req.on('error', reject);
        req.end();
      });
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return done / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  ensureTools();
  const topology = loadTopology({ text: defaultTopologyText(), slot: SLOT });
  const emulator = await Emulator.start({
    name: 'bench',
    topology,
    logger: silentLogger(),
    kubeletTiming: { imagePullMs: 0, containerStartMs: 0 },
  });
  emulator.apply(manifests as never);
  await emulator.waitReady({ timeoutMs: 30_000 });
  const c = emulator.cluster;
  const web = c.store.list('pods').find((p) => p.metadata.name?.startsWith('web-')) as
    | { status?: { podIP?: string } }
    | undefined;
  const webIP = web?.status?.podIP ?? '';
  const sandbox = c.sandboxes.get(webIP);
  if (!sandbox) throw new Error('no web pod');
  // The same app instance, served directly: a plain listener hands its sockets straight to the pod.
  const direct = createServer({ noDelay: true }, (socket: Socket) => {
    sandbox.deliver({
      socket,
      tuple: {
        protocol: 'TCP',
        srcIP: socket.remoteAddress ?? '',
        srcPort: socket.remotePort ?? 0,
        dstIP: webIP,
        dstPort: 80,
      },
    });
  });
  await new Promise<void>((r) => direct.listen(18081, '127.0.0.1', r));
  const node = topology.nodes[1]?.address ?? '';
  if (ONLY === 'flows') {
    const modes = await flowsOnOff({
      url: `http://${node}:30080/bench`,
      flows: emulator.flows,
      runs: RUNS,
      seconds: SECONDS,
    });
    direct.close();
    await emulator.stop();
    console.log(`\nMachine: ${machine()}; ${RUNS} runs of ${SECONDS} s each per side, medians.\n`);
    console.log(flowsTable(modes));
    return;
  }
  const haproxy = await haproxyTcp('127.0.0.1:18082', '127.0.0.1:18081');
  const nginx = await nginxProxy('127.0.0.1:18083', '127.0.0.1:18081');
  const laptop = await nginxStatic('127.0.0.1:18099');
  const haproxyLaptop = await haproxyTcp('127.0.0.1:18084', '127.0.0.1:18099');
  const runs = async (url: string, close = false) => {
    const out: WrkResult[] = [];
    for (let i = 0; i < RUNS; i++) out.push(await wrk(url, { seconds: SECONDS, close }));
    return out;
  };
  const keepalive = [
    best('direct (same app, plain loopback socket)', await runs('http://127.0.0.1:18081/bench')),
    best(`NodePort ${node}:30080`, await runs(`http://${node}:30080/bench`)),
    best('HAProxy mode tcp → direct', await runs('http://127.0.0.1:18082/bench')),
    best('nginx proxy_pass (keepalive upstream) → direct', await runs('http://127.0.0.1:18083/bench')),
  ];
  const perRequest = [
    best('direct, new connection per request', await runs('http://127.0.0.1:18081/bench', true)),
    best('NodePort, new connection per request', await runs(`http://${node}:30080/bench`, true)),
    best('HAProxy mode tcp, new connection per request', await runs('http://127.0.0.1:18082/bench', true)),
  ];
  const l4 = [
    best('nginx on the laptop, direct', await runs('http://127.0.0.1:18099/')),
    best('NodePort → host.netkube.internal → nginx (L4 forward)', await runs(`http://${node}:30090/`)),
    best('HAProxy mode tcp → nginx', await runs('http://127.0.0.1:18084/')),
  ];
  const client = c.network.model.pod('default', 'client');
  const podNet = c.dataplane.podNetwork({
    namespace: 'default',
    name: 'client',
    ip: client?.ip ?? '',
    node: 'worker-2',
  });
  const virtual: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    virtual.push(await inProcessLoad(() => podNet.connect(webIP, 80), SECONDS, 50));
    plain.push(
      await inProcessLoad(
        () =>
          new Promise<Duplex>((resolve, reject) => {
            const s = netConnect({ port: 18081, host: '127.0.0.1', noDelay: true }, () => resolve(s));
            s.on('error', reject);
          }),
        SECONDS,
        50,
      ),
    );
  }
  const flowModes = await flowsOnOff({
    url: `http://${node}:30080/bench`,
    flows: emulator.flows,
    runs: RUNS,
    seconds: SECONDS,
  });
  for (const p of [haproxy, nginx, laptop, haproxyLaptop]) p.kill();
  direct.close();
  await emulator.stop();
  const table = (rows: Array<{ label: string; rps: number; p99: number }>, base: number) =>
    rows
      .map(
        (r) =>
          `| ${r.label} | ${Math.round(r.rps)} | ${(r.rps / base).toFixed(2)}× | ${r.p99.toFixed(2)} ms |`,
      )
      .join('\n');
  console.log(`\nMachine: ${machine()}; ${RUNS} runs of ${SECONDS} s each, medians.\n`);
  console.log(
    'Keep-alive, 50 connections (wrk -t1 -c50):\n\n| path | req/s | vs direct | p99 |\n|---|---|---|---|',
  );
  console.log(table(keepalive, keepalive[0]?.rps ?? 1));
  console.log(`\nNodePort vs HAProxy: ${((keepalive[1]?.rps ?? 0) / (keepalive[2]?.rps ?? 1)).toFixed(2)}×`);
  console.log(
    '\nNew connection per request (wrk -c50, Connection: close):\n\n| path | req/s | vs direct | p99 |\n|---|---|---|---|',
  );
  console.log(table(perRequest, perRequest[0]?.rps ?? 1));
  console.log(
    `\nNodePort vs HAProxy, new connections: ${((perRequest[1]?.rps ?? 0) / (perRequest[2]?.rps ?? 1)).toFixed(2)}×`,
  );
  console.log(
    '\nL4 forwarding to a real process (keep-alive, 50 connections):\n\n| path | req/s | vs direct | p99 |\n|---|---|---|---|',
  );
  console.log(table(l4, l4[0]?.rps ?? 1));
  console.log(`\nL4 forward vs HAProxy: ${((l4[1]?.rps ?? 0) / (l4[2]?.rps ?? 1)).toFixed(2)}×`);
  console.log(
    `\nPod-to-pod, in-process client, keep-alive, 50 connections: virtual network ${Math.round(median(virtual))} req/s, plain loopback socket ${Math.round(median(plain))} req/s: ${(median(virtual) / median(plain)).toFixed(2)}×`,
  );
  console.log('\nFlows on vs off (same NodePort, alternating order):\n');
  console.log(flowsTable(flowModes));
}

await main();
