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
 *   2b. The accept path's own CPU per new connection, in process (bench/accept-cost.ts).
 *   4. Pod-to-pod over the virtual network (keep-alive, 50 connections): ≥ 0.8×
 *      the same client against the same app on a plain loopback socket.
 *   5. Flows on vs off (issue 7): the same NodePort with the flow log recording
 *      and not, keep-alive and a new connection per request, alternating order
 *      (bench/flows-on-off.ts): recording costs < 5% of the request rate.
 *
 * Each group runs its paths interleaved (one run of every path per round), so
 * the ratios compare runs made under the same machine load.
 *
 *   npm run bench -- dataplane [--runs 3] [--seconds 5] [--warmup 1] [--only keepalive|close|l4|accept|pod|flows|flows-cpu]
 */
import { Agent, request } from 'node:http';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import type { Duplex } from 'node:stream';
import { Emulator } from '../src/emulator/emulator.js';
import { silentLogger } from '../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../src/topology/index.js';
import { acceptCost, acceptTable } from './accept-cost.js';
import { flowsCpu, flowsCpuTable } from './flows-cpu.js';
import { flowsOnOff, flowsTable } from './flows-on-off.js';
import {
  ensureTools,
  haproxyTcp,
  machine,
  median,
  nginxProxy,
  nginxStatic,
  processCpuUs,
  type WrkResult,
  wrk,
} from './lib.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const RUNS = Number(args.get('--runs') ?? 3);
const SECONDS = Number(args.get('--seconds') ?? 5);
/** Seconds of wrk per path before the measured rounds (JIT, heap and flow-log warm-up). */
const WARMUP = Number(args.get('--warmup') ?? 1);
/** Only one group: `keepalive`, `close`, `l4`, `accept`, `pod` or `flows`. */
const ONLY = args.get('--only');
const SLOT = 240;
const loadStart = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');

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
  if (ONLY === 'flows' || ONLY === 'flows-cpu') {
    const inProcess = await flowsCpu({
      executor: c.dataplane.executor,
      key: { address: node, port: 30080, protocol: 'TCP' },
      entryNode: topology.nodes[1]?.name ?? '',
      flows: emulator.flows,
      rounds: Math.max(RUNS * 2, 6),
      requests: 20_000,
    });
    const modes =
      ONLY === 'flows'
        ? await flowsOnOff({
            url: `http://${node}:30080/bench`,
            flows: emulator.flows,
            runs: RUNS,
            seconds: SECONDS,
          })
        : [];
    direct.close();
    await emulator.stop();
    console.log(`\nMachine: ${machine()}; load average at start ${loadStart}.\n`);
    console.log(`Flow log on vs off, this process's CPU per request (alternating batches, medians):\n`);
    console.log(`${flowsCpuTable(inProcess)}\n`);
    if (modes.length) {
      console.log(`With wrk, ${RUNS} runs of ${SECONDS} s each per side, medians:\n`);
      console.log(flowsTable(modes));
    }
    return;
  }
  const haproxy = await haproxyTcp('127.0.0.1:18082', '127.0.0.1:18081');
  const nginx = await nginxProxy('127.0.0.1:18083', '127.0.0.1:18081');
  const laptop = await nginxStatic('127.0.0.1:18099');
  const haproxyLaptop = await haproxyTcp('127.0.0.1:18084', '127.0.0.1:18099');
  const cpuBefore = process.cpuUsage();
  const want = (mode: string) => ONLY === undefined || ONLY === mode;
  const groups: Group[] = [];
  if (want('keepalive'))
    groups.push(
      await interleaved('Keep-alive, 50 connections (wrk -t1 -c50)', false, [
        ['direct (same app, plain loopback socket)', 'http://127.0.0.1:18081/bench'],
        [`NodePort ${node}:30080`, `http://${node}:30080/bench`],
        ['HAProxy mode tcp → direct', 'http://127.0.0.1:18082/bench', haproxy.pid],
        ['nginx proxy_pass (keepalive upstream) → direct', 'http://127.0.0.1:18083/bench'],
      ]),
    );
  if (want('close'))
    groups.push(
      await interleaved('New connection per request (wrk -t1 -c50, Connection: close)', true, [
        ['direct, new connection per request', 'http://127.0.0.1:18081/bench'],
        [`NodePort ${node}:30080, new connection per request`, `http://${node}:30080/bench`],
        [
          'HAProxy mode tcp → direct, new connection per request',
          'http://127.0.0.1:18082/bench',
          haproxy.pid,
        ],
      ]),
    );
  if (want('l4'))
    groups.push(
      await interleaved('L4 forwarding to a real process (keep-alive, wrk -t1 -c50)', false, [
        ['nginx on the laptop, direct', 'http://127.0.0.1:18099/'],
        ['NodePort → host.netkube.internal → nginx (L4 forward)', `http://${node}:30090/`],
        ['HAProxy mode tcp → nginx', 'http://127.0.0.1:18084/', haproxyLaptop.pid],
      ]),
    );
  const virtual: number[] = [];
  const plain: number[] = [];
  if (want('pod')) {
    const client = c.network.model.pod('default', 'client');
    const podNet = c.dataplane.podNetwork({
      namespace: 'default',
      name: 'client',
      ip: client?.ip ?? '',
      node: 'worker-2',
    });
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
  }
  const accept = want('accept')
    ? await acceptCost({
        executor: c.dataplane.executor,
        sandbox,
        podIP: webIP,
        key: { address: node, port: 30080, protocol: 'TCP' },
        entryNode: topology.nodes[1]?.name ?? '',
        flows: emulator.flows,
        rounds: Math.max(RUNS * 3, 5),
        perBatch: 3000,
      })
    : [];
  const flowModes = want('flows')
    ? await flowsOnOff({
        url: `http://${node}:30080/bench`,
        flows: emulator.flows,
        runs: RUNS,
        seconds: SECONDS,
      })
    : [];
  const cpu = process.cpuUsage(cpuBefore);
  for (const p of [haproxy, nginx, laptop, haproxyLaptop]) p.kill();
  direct.close();
  await emulator.stop();
  console.log(`\nMachine: ${machine()}; ${RUNS} runs of ${SECONDS} s each per path, interleaved, medians.`);
  console.log(
    `Load average at start ${loadStart}; this process used ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU.\n`,
  );
  for (const g of groups) console.log(`${groupTable(g)}\n`);
  if (accept.length)
    console.log(
      `CPU per new connection in this process, in-memory connections (no wrk, no TCP):\n\n${acceptTable(accept)}\n`,
    );
  if (virtual.length)
    console.log(
      `Pod-to-pod, in-process client, keep-alive, 50 connections: virtual network ${Math.round(median(virtual))} req/s, plain loopback socket ${Math.round(median(plain))} req/s: ${(median(virtual) / median(plain)).toFixed(2)}×\n`,
    );
  if (flowModes.length) {
    console.log('Flows on vs off (same NodePort, alternating order):\n');
    console.log(flowsTable(flowModes));
  }
}

/** A wrk run and this process's CPU time per request during it (emulator + simulated pod; not wrk, HAProxy, nginx). */
type Sample = WrkResult & {
  readonly cpuUs: number;
  /** CPU per request of the reference proxy process (HAProxy, nginx), when the path has one. */
  readonly proxyCpuUs: number | undefined;
};

/** Label, URL, and the pid of the reference proxy in front (whose CPU is measured too). */
type Path = readonly [string, string, (number | undefined)?];

interface Group {
  readonly title: string;
  readonly labels: readonly string[];
  /** runs[i][j]: run i of path j. */
  readonly runs: Sample[][];
  readonly loads: string[];
}

/**
 * Runs every path once per round, `RUNS` rounds after a short warm-up round, so
 * a change in the machine's load falls on every path of a round alike; the
 * ratios are taken within each round and their median reported.
 */
async function interleaved(title: string, close: boolean, paths: ReadonlyArray<Path>): Promise<Group> {
  for (const [, url] of paths) await wrk(url, { seconds: WARMUP, close });
  const runs: Sample[][] = [];
  const loads: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const round: Sample[] = [];
    // Rotate the order so no path always runs first after a quiet spell.
    for (let k = 0; k < paths.length; k++) {
      const j = (k + i) % paths.length;
      const [, url, pid] = paths[j] as Path;
      const cpu0 = process.cpuUsage();
      const proxy0 = processCpuUs(pid);
      const r = await wrk(url, { seconds: SECONDS, close });
      const cpu = process.cpuUsage(cpu0);
      const proxy1 = processCpuUs(pid);
      const requests = r.rps * SECONDS;
      round[j] = {
        ...r,
        cpuUs: (cpu.user + cpu.system) / requests,
        proxyCpuUs: proxy0 === undefined || proxy1 === undefined ? undefined : (proxy1 - proxy0) / requests,
      };
    }
    runs.push(round);
    loads.push(loadavg()[0]?.toFixed(1) ?? '?');
    console.error(
      `${title} round ${i + 1}: ${round.map((r) => Math.round(r.rps)).join(' / ')} req/s, load ${loads.at(-1)}`,
    );
  }
  return { title, labels: paths.map(([l]) => l), runs, loads };
}

function proxyCpu(rs: readonly Sample[]): string {
  const v = rs.map((r) => r.proxyCpuUs).filter((x): x is number => x !== undefined);
  return v.length ? median(v).toFixed(0) : '';
}

/** The group as a Markdown table: medians, ratios within each round, every run. */
function groupTable(g: Group): string {
  const col = (j: number) => g.runs.map((r) => r[j] as Sample);
  const ratio = (a: number, b: number) => median(g.runs.map((r) => (r[a]?.rps ?? 0) / (r[b]?.rps ?? 1)));
  const lines = [
    `${g.title}; load average (1 min) after each round: ${g.loads.join(', ')}`,
    '',
    '| path | req/s (median) | vs first row (median of per-round ratios) | p99 | node CPU µs/req | proxy process CPU µs/req | errors | every run (req/s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  g.labels.forEach((label, j) => {
    const rs = col(j);
    lines.push(
      `| ${label} | ${Math.round(median(rs.map((r) => r.rps)))} | ${ratio(j, 0).toFixed(2)}× | ${median(rs.map((r) => r.p99ms)).toFixed(2)} ms | ${median(rs.map((r) => r.cpuUs)).toFixed(0)} | ${proxyCpu(rs)} | ${rs.reduce((n, r) => n + r.errors, 0)} | ${rs.map((r) => Math.round(r.rps)).join(', ')} |`,
    );
  });
  // The emulated path is the second row; the HAProxy reference the third.
  if (g.labels.length >= 3) {
    const per = g.runs.map((r) => ((r[1]?.rps ?? 0) / (r[2]?.rps ?? 1)).toFixed(2));
    lines.push(
      '',
      `Second row vs HAProxy, per round: ${per.join(', ')}; median **${ratio(1, 2).toFixed(2)}×**`,
    );
  }
  return lines.join('\n');
}

await main();
