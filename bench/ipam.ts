/**
 * IPAM benchmark (issue 3, "Performance"): allocate and release 100,000 pod IPs
 * across 1,000 nodes (target < 1 s). Three measurements of the same churn,
 * round-robin over the nodes, then every handle released:
 *
 * - `memory`: the CalicoIpam allocator (pool choice, block picker, affinity
 *   claims, ordinals, handles, transactions) over the in-memory object backend;
 * - `registry`: the same allocator persisting IPPool/BlockAffinity/IPAMBlock/
 *   IPAMHandle as API objects through the Registry, as the emulator runs it
 *   (two Registry writes per allocation, two per release);
 * - `plugin`: the whole pod attach through the Calico NetworkPlugin with the
 *   read model (veths, routes) following the store.
 *
 * Each run starts from a fresh state with the nodes present (not timed); the
 * nodes' first block claims are timed. Go's rngCooked table is computed once
 * per process before the first run (its cost is printed separately). Wall
 * time and this process's CPU time are both reported: on a shared machine the
 * CPU time is the steadier figure.
 *
 * Run (scripts/bench.mjs bundles it with rolldown and runs it under Node):
 *
 *   npm run bench -- ipam [--pods 100000] [--nodes 1000] [--runs 5] [--only memory|registry|plugin]
 */
import { cpus, loadavg } from 'node:os';
import type { Pod } from '../src/api/types.js';
import { CalicoNetworkPlugin, NetworkReadModel, syncNetworkModel } from '../src/cni/index.js';
import { CalicoIpam } from '../src/ipam/allocator.js';
import { cookedTable } from '../src/ipam/cooked-table.js';
import { memoryBackend } from '../src/ipam/memory-backend.js';
import { newIpamFixture, podAttrs } from '../src/ipam/testing.js';
import { silentLogger } from '../src/log/index.js';
import { FakeClock } from '../src/util/clock.js';

type Kind = 'memory' | 'registry' | 'plugin';

interface Options {
  readonly pods: number;
  readonly nodes: number;
  readonly runs: number;
  readonly only: Kind | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] as Kind) : undefined;
  return { pods: get('--pods', 100_000), nodes: get('--nodes', 1000), runs: get('--runs', 5), only };
}

/** 10.0.0.0/12 holds 16,384 /26 blocks: room for 1,000 nodes × 2 blocks with the hostname-seeded picker. */
const POOL = { cidr: '10.0.0.0/12', blockSize: 26 };

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function nodeNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `worker-${i}`);
}

interface Result {
  readonly allocate: number;
  readonly release: number;
  readonly cpu: number;
  readonly note: string;
}

/** Allocates `pods` addresses round-robin over `names`, then releases them all. */
function churn(ipam: CalicoIpam, names: readonly string[], pods: number): Result {
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < pods; i++) {
    const node = names[i % names.length] as string;
    ipam.assign({ node, handleID: `k8s-pod-network.${i}`, attrs: podAttrs(node, `pod-${i}`) });
  }
  const t1 = performance.now();
  const blocks = ipam.io.blocks().length;
  for (let i = 0; i < pods; i++) ipam.releaseByHandle(`k8s-pod-network.${i}`);
  const t2 = performance.now();
  const cpu = cpuMs() - c0;
  if (ipam.io.handles().length !== 0) throw new Error('handles left after release');
  return { allocate: t1 - t0, release: t2 - t1, cpu, note: `${blocks} blocks` };
}

function runMemory(o: Options): Result {
  const ipam = new CalicoIpam({ objects: memoryBackend(), clock: new FakeClock(), logger: silentLogger() });
  ipam.io.createPool({
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'IPPool',
    metadata: { name: 'default-ipv4-ippool' },
    spec: POOL,
  });
  return churn(ipam, nodeNames(o.nodes), o.pods);
}

function registryFixture(o: Options) {
  const f = newIpamFixture({ freeze: false, pools: { 'default-ipv4-ippool': POOL } });
  const names = nodeNames(o.nodes);
  for (const [i, name] of names.entries()) f.addNode(name, { address: `127.1.${i >> 8}.${i & 255}` });
  return { f, names };
}

function runRegistry(o: Options): Result {
  const { f, names } = registryFixture(o);
  return churn(f.ipam, names, o.pods);
}

function pod(i: number): Pod {
  return { metadata: { name: `pod-${i}`, namespace: 'default', uid: `uid-${i}` }, spec: { containers: [] } };
}

function runPlugin(o: Options): Result {
  const { f, names } = registryFixture(o);
  const model = new NetworkReadModel({ mode: 'calico', nodeSubnet: '127.1.0.0/16' });
  const unsync = syncNetworkModel({ store: f.store, model, logger: silentLogger() });
  const plugin = new CalicoNetworkPlugin({ ipam: f.ipam, clock: f.clock, logger: silentLogger() });
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < o.pods; i++) plugin.setUp(pod(i), names[i % o.nodes] as string);
  const t1 = performance.now();
  const routes = model.routes(names[0] as string)?.length ?? 0;
  for (let i = 0; i < o.pods; i++) plugin.tearDown(pod(i), names[i % o.nodes] as string);
  const t2 = performance.now();
  const cpu = cpuMs() - c0;
  unsync();
  if (model.pods.size !== 0) throw new Error('pods left in the read model');
  return { allocate: t1 - t0, release: t2 - t1, cpu, note: `${routes} routes listed on worker-0 at peak` };
}

const RUNNERS: Readonly<Record<Kind, (o: Options) => Result>> = {
  memory: runMemory,
  registry: runRegistry,
  plugin: runPlugin,
};

/**
 * Two fixed loops, so figures from differently loaded machines can be
 * compared: pure integer arithmetic, and allocation with Map writes (what
 * the allocator mostly does).
 */
function calibrate(): { readonly alu: number; readonly alloc: number } {
  const c0 = cpuMs();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x = (x + i * 7) | 0;
  const c1 = cpuMs();
  const m = new Map<string, { a: number; b: number[] }>();
  for (let i = 0; i < 1e6; i++) m.set(`k${i % 1000}`, { a: i, b: [i, i + 1] });
  const c2 = cpuMs();
  if (x === 42 && m.size === 0) console.log('');
  return { alu: c1 - c0, alloc: c2 - c1 };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(`${o.pods} pods over ${o.nodes} nodes, ${o.runs} runs each\n`);
  const cal = calibrate();
  console.log(
    `calibration: 1e8-step integer loop ${cal.alu.toFixed(0)} ms CPU, 1e6 object+Map.set loop ${cal.alloc.toFixed(0)} ms CPU`,
  );
  const c0 = cpuMs();
  cookedTable();
  console.log(`one-time Go rngCooked computation: ${(cpuMs() - c0).toFixed(0)} ms CPU\n`);
  const summary: string[] = [];
  for (const kind of ['memory', 'registry', 'plugin'] as const) {
    if (o.only && o.only !== kind) continue;
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const res = RUNNERS[kind](o);
      wall.push(res.allocate + res.release);
      cpu.push(res.cpu);
      console.log(
        `${kind} run ${r + 1}: allocate ${res.allocate.toFixed(0)} ms + release ${res.release.toFixed(0)} ms = ${(res.allocate + res.release).toFixed(0)} ms wall, ${res.cpu.toFixed(0)} ms CPU (${res.note})`,
      );
    }
    summary.push(`median ${kind}: ${median(wall).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU`);
  }
  console.log(
    `\nload average: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs`,
  );
  for (const line of summary) console.log(line);
}

main();
