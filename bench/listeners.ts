/**
 * Listener scale (issue 4 (d)): "1,000 nodes × 50 NodePort Services (50,000
 * listeners) open in under 5 s; when the file-descriptor limit is too low, the
 * process raises its soft limit or fails with a message that names the limit
 * and the fix."
 *
 * What is measured: the dataplane's listener layer — `ListenerSet.reconcile`,
 * the very call `Dataplane` makes after each kube-proxy sync — asked for one
 * TCP listener per (node address, NodePort), with the node addresses that
 * `loadTopology` assigns to a 1,000-node topology (`networking.nodeSubnet`
 * 127.240.8.0/22, slot 240 like the other benchmarks). The control loop that
 * would create 1,000 Node objects and 50 Services first is not part of it
 * (`bench/control-loop.ts` measures that); planning the listener keys from
 * kube-proxy's state (`planListeners`) is timed on its own.
 *
 * File descriptors: Node.js raises its soft RLIMIT_NOFILE to the hard limit at
 * start-up, so only the hard limit matters. When 50,000 listeners cannot fit
 * under it (the hard limit is 20,000 on the machine the results were taken
 * on, and an unprivileged process cannot raise it), the benchmark prints what
 * `netkube up` says in that case, then measures (1) the largest multiple of
 * 1,000 nodes that fits in this process and (2) all 50,000 listeners opened
 * at once by as many child processes as the limit needs, each with its share
 * of the Services — the wall time of the slowest is reported.
 *
 *   npm run bench -- listeners [--nodes 1000] [--services 50] [--runs 3]
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { planListeners } from '../src/dataplane/listener-plan.js';
import { ListenerSet, type ListenKey } from '../src/dataplane/listeners.js';
import { BASE_FDS, fdLimitProblem, readFdLimits } from '../src/emulator/fd-limit.js';
import { silentLogger } from '../src/log/index.js';
import type { ProxyState } from '../src/proxy/model.js';
import { loadTopology } from '../src/topology/index.js';
import { machine, median } from './lib.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const NODES = Number(args.get('--nodes') ?? 1000);
const SERVICES = Number(args.get('--services') ?? 50);
const RUNS = Number(args.get('--runs') ?? 3);
const FIRST_PORT = 30000;
const SLOT = 240;

function topologyText(nodes: number): string {
  const lines = [
    'apiVersion: netkube.dev/v1alpha1',
    'kind: Cluster',
    'name: listeners',
    'networking:',
    `  nodeSubnet: 127.${SLOT}.8.0/22`,
    'nodes:',
  ];
  for (let i = 0; i < nodes; i++)
    lines.push(`  - name: node-${i}`, `    role: ${i === 0 ? 'control-plane' : 'worker'}`);
  return `${lines.join('\n')}\n`;
}

/** kube-proxy's view with `services` NodePort Services, one ready endpoint each (the fields planListeners reads). */
function proxyState(services: number, firstService: number): ProxyState {
  const svcs = new Map<string, unknown>();
  const endpoints = new Map<string, unknown>();
  for (let i = firstService; i < firstService + services; i++) {
    const key = `default/s${i}:80/TCP`;
    svcs.set(key, {
      key,
      name: { namespace: 'default', name: `s${i}` },
      protocol: 'TCP',
      port: 80,
      nodePort: FIRST_PORT + i,
      loadBalancerVIPs: [],
      externalIPs: [],
      healthCheckNodePort: 0,
    });
    endpoints.set(key, [{ ip: '10.244.0.10', port: 80, ready: true, serving: true, terminating: false }]);
  }
  return { services: svcs, endpoints } as unknown as ProxyState;
}

interface OpenResult {
  readonly planMs: number;
  readonly openMs: number;
  readonly openCpuMs: number;
  readonly closeMs: number;
  readonly listeners: number;
  readonly failed: number;
  readonly failCodes: string;
  readonly probes: string;
  readonly rssMiB: number;
}

async function probe(keys: readonly ListenKey[]): Promise<string> {
  let ok = 0;
  const sample = Array.from({ length: 20 }, (_, i) => keys[Math.floor((i * keys.length) / 20)] as ListenKey);
  for (const k of sample) {
    ok += await new Promise<number>((resolve) => {
      const s = connect(k.port, k.address, () => {
        s.destroy();
        resolve(1);
      });
      s.on('error', () => resolve(0));
    });
  }
  return `${ok}/${sample.length}`;
}

/** Plans and opens `services` × the topology's nodes, probes a sample, closes; one run. */
async function openOnce(nodes: ReadonlyArray<{ address: string }>, services: number, firstService: number) {
  const set = new ListenerSet({
    logger: silentLogger(),
    onConnection: (_k, socket) => socket.destroy(),
    onDatagram: () => {},
  });
  const p0 = performance.now();
  const plan = planListeners(proxyState(services, firstService), nodes);
  const planMs = performance.now() - p0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await set.reconcile(plan.keys);
  const openMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const probes = await probe(result.opened);
  const c0 = performance.now();
  await set.close();
  const codes = new Map<string, number>();
  for (const f of result.failed) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
  return {
    planMs,
    openMs,
    openCpuMs: (cpu.user + cpu.system) / 1000,
    closeMs: performance.now() - c0,
    listeners: result.opened.length,
    failed: result.failed.length,
    failCodes: [...codes].map(([c, n]) => `${c} ×${n}`).join(', ') || 'none',
    probes,
    rssMiB,
  } satisfies OpenResult;
}

/** `--child <firstService> <services>`: one share of a split run; prints its result as JSON. */
async function child(): Promise<void> {
  const first = Number(args.get('--child'));
  const topology = loadTopology({ text: topologyText(NODES), slot: SLOT });
  const r = await openOnce(topology.nodes, SERVICES, first);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

function runChild(first: number, services: number): Promise<{ r: OpenResult; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(
      process.execPath,
      [
        process.argv[1] as string,
        '--child',
        String(first),
        '--services',
        String(services),
        '--nodes',
        String(NODES),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.on('error', reject);
    c.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}`));
      else resolve({ r: JSON.parse(out) as OpenResult, wallMs: performance.now() - t0 });
    });
  });
}

function row(label: string, rs: readonly OpenResult[]): string {
  const m = (f: (r: OpenResult) => number) => median(rs.map(f));
  const last = rs.at(-1) as OpenResult;
  return `| ${label} | ${last.listeners} | ${m((r) => r.planMs).toFixed(0)} ms | **${(m((r) => r.openMs) / 1000).toFixed(2)} s** | ${(m((r) => r.openCpuMs) / 1000).toFixed(2)} s | ${m((r) => r.closeMs).toFixed(0)} ms | ${m((r) => r.rssMiB).toFixed(0)} MiB | ${last.failCodes} | ${last.probes} | ${rs.map((r) => (r.openMs / 1000).toFixed(2)).join(', ')} |`;
}

async function main(): Promise<void> {
  const want = NODES * SERVICES;
  const limits = readFdLimits();
  const t0 = performance.now();
  const topology = loadTopology({ text: topologyText(NODES), slot: SLOT });
  const topoMs = performance.now() - t0;
  const first = topology.nodes[0]?.address;
  const lastNode = topology.nodes.at(-1)?.address;
  console.log(`\nMachine: ${machine()}`);
  console.log(
    `Topology: ${topology.nodes.length} nodes (${first} … ${lastNode}), loaded and validated in ${topoMs.toFixed(0)} ms`,
  );
  console.log(
    `Open-files limit of this process: soft ${limits?.soft}, hard ${limits?.hard} (Node raises the soft limit to the hard one at start-up)`,
  );
  const problem = fdLimitProblem(limits, want);
  const perProcess = Math.floor(((limits?.hard ?? Number.POSITIVE_INFINITY) - BASE_FDS) / NODES);
  const header = [
    '| what | listeners | plan keys | open (wall, median) | open (CPU) | close | RSS after open | failures | sample connects | every run (open) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  if (!problem) {
    const rs: OpenResult[] = [];
    for (let i = 0; i < RUNS; i++) rs.push(await openOnce(topology.nodes, SERVICES, 0));
    console.log(`\n${header.join('\n')}\n${row(`${NODES} nodes × ${SERVICES} NodePorts, one process`, rs)}`);
    return;
  }
  console.log(`\n${want} listeners do not fit; \`netkube up\` would say:\n\n> ${problem}\n`);
  const fits: OpenResult[] = [];
  for (let i = 0; i < RUNS; i++) fits.push(await openOnce(topology.nodes, Math.min(perProcess, SERVICES), 0));
  const processes = Math.ceil(SERVICES / perProcess);
  const share = Math.ceil(SERVICES / processes);
  const split: OpenResult[] = [];
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const parts = await Promise.all(
      Array.from({ length: processes }, (_, p) => runChild(p * share, Math.min(share, SERVICES - p * share))),
    );
    walls.push(performance.now() - t);
    const slowest = parts.reduce((a, b) => (b.r.openMs > a.r.openMs ? b : a)).r;
    split.push({
      ...slowest,
      listeners: parts.reduce((n, p) => n + p.r.listeners, 0),
      failed: parts.reduce((n, p) => n + p.r.failed, 0),
      probes: parts.map((p) => p.r.probes).join(' '),
    });
  }
  console.log(header.join('\n'));
  console.log(row(`${NODES} nodes × ${Math.min(perProcess, SERVICES)} NodePorts, one process`, fits));
  console.log(
    row(`${NODES} nodes × ${SERVICES} NodePorts, ${processes} processes at once (slowest process)`, split),
  );
  console.log(
    `\nSplit runs, wall time from spawning the ${processes} processes until all had opened, probed and closed: ${walls.map((w) => (w / 1000).toFixed(2)).join(', ')} s`,
  );
}

if (args.has('--child')) await child();
else await main();
