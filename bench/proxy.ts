/**
 * kube-proxy rule-compile benchmark (issue 4, "Performance"): a full compile of
 * 10,000 Services and 100,000 endpoints (target < 2 s) and one endpoint change
 * reflected in a node's rules (target < 10 ms), plus the render and a packet trace
 * over the same rules for context.
 *
 * Run (Node 20; rolldown bundles the TypeScript):
 *
 *   npm run bench -- proxy [--services 10000] [--endpoints 10] [--runs 5]
 */
import { cpus, loadavg } from 'node:os';
import type { EndpointSlice, KubeObject, Service } from '../src/api/types.js';
import { silentLogger } from '../src/log/index.js';
import {
  compileProxyRules,
  type EndpointInfo,
  EndpointsChangeTracker,
  evaluatePacket,
  ProxyController,
  type ProxyMode,
  type ProxyState,
  recompileProxyRules,
  renderRules,
  ServiceChangeTracker,
  type ServicePortInfo,
} from '../src/proxy/index.js';
import { ObjectStore } from '../src/store/object-store.js';
import { realClock } from '../src/util/clock.js';
import { seededRandom } from '../src/util/random.js';

interface Options {
  readonly services: number;
  readonly endpoints: number;
  readonly runs: number;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  return { services: get('--services', 10_000), endpoints: get('--endpoints', 10), runs: get('--runs', 5) };
}

const NODES = ['worker-1', 'worker-2', 'worker-3'];

function service(i: number): Service & KubeObject {
  const nodePort = i % 4 === 0 ? { nodePort: 30000 + (i % 2768) } : {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: `ns${i % 100}`, name: `svc${i}` },
    spec: {
      type: i % 4 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, ...nodePort }],
    },
  };
}

/**
 * The slice of Service `i`. `generation` > 0 replaces its first endpoint by a new pod
 * (a new IP), the usual "one endpoint changed" event of a rolling update.
 */
function slice(i: number, endpoints: number, generation = 0): EndpointSlice & KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: `ns${i % 100}`,
      name: `svc${i}-abcde`,
      labels: { 'kubernetes.io/service-name': `svc${i}` },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: endpoints }, (_, e) => {
      const n = e === 0 && generation > 0 ? 4_000_000 + generation : i * endpoints + e;
      return {
        addresses: [`10.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`],
        nodeName: NODES[n % NODES.length] as string,
        conditions: { ready: true, serving: true, terminating: false },
      };
    }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Wall time, plus the process's CPU time (user + system): on a shared machine the
 * CPU time is the steadier figure, since wall time includes waiting for a core.
 */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

function report(label: string, samples: readonly { ms: number; cpuMs: number }[], digits = 0): void {
  const wall = median(samples.map((s) => s.ms)).toFixed(digits);
  const cpu = median(samples.map((s) => s.cpuMs)).toFixed(digits);
  console.log(`${label}: median of ${samples.length} ${wall} ms wall, ${cpu} ms CPU`);
}

function buildState(options: Options): { state: ProxyState; ms: number } {
  const services = new ServiceChangeTracker();
  const endpoints = new EndpointsChangeTracker();
  const state = {
    services: new Map<string, ServicePortInfo>(),
    endpoints: new Map<string, readonly EndpointInfo[]>(),
  };
  const { ms } = time(() => {
    for (let i = 0; i < options.services; i++) {
      services.update(undefined, service(i));
      endpoints.update(slice(i, options.endpoints), false);
    }
    services.apply(state.services);
    endpoints.apply(state.endpoints);
  });
  return { state, ms };
}

const nodeOptions = (mode: ProxyMode) => ({
  mode,
  nodeName: 'worker-1',
  nodeIPs: ['127.0.10.2'],
  podCIDR: '10.64.0.0/10',
  serviceCIDRs: ['10.96.0.0/12'],
  emulatedAddressRanges: ['127.0.10.0/24'],
});

function fullCompile(state: ProxyState, options: Options): void {
  for (const mode of ['iptables', 'nftables', 'ipvs'] as const) {
    const cold = time(() => compileProxyRules(state, nodeOptions(mode)));
    console.log(
      `full compile ${mode}, first (cold name caches): ${cold.ms.toFixed(0)} ms wall, ${cold.cpuMs.toFixed(0)} ms CPU`,
    );
    const warm = Array.from({ length: options.runs }, () =>
      time(() => compileProxyRules(state, nodeOptions(mode))),
    );
    report(`full compile ${mode}`, warm);
  }
}

function incremental(state: ProxyState, options: Options): void {
  const endpoints = new EndpointsChangeTracker();
  for (let i = 0; i < options.services; i++) endpoints.update(slice(i, options.endpoints), false);
  endpoints.apply(state.endpoints as Map<string, readonly EndpointInfo[]>);
  let ruleSet = compileProxyRules(state, nodeOptions('iptables'));
  const samples = [];
  for (let run = 1; run <= 50; run++) {
    const i = (run * 7919) % options.services;
    samples.push(
      time(() => {
        endpoints.update(slice(i, options.endpoints, run * 1000), false);
        const changed = endpoints.apply(
          state.endpoints as Map<string, readonly EndpointInfo[]>,
        ).changedServicePorts;
        ruleSet = recompileProxyRules(ruleSet, state, changed);
      }),
    );
  }
  report('one endpoint change, one node (tracker + recompile)', samples, 2);
  const rendered = time(() => renderRules(ruleSet, 'restore'));
  const lines = rendered.value.split('\n').length;
  console.log(
    `render iptables-restore: ${rendered.ms.toFixed(0)} ms wall, ${rendered.cpuMs.toFixed(0)} ms CPU, ${lines} lines`,
  );
  const traces = Array.from({ length: 20 }, (_, n) =>
    time(() =>
      evaluatePacket(
        ruleSet,
        {
          protocol: 'TCP',
          srcIP: '10.64.0.9',
          srcPort: 40000,
          dstIP: `10.96.${(n * 97) >> 8}.${(n * 97) & 255}`,
          dstPort: 80,
          source: 'pod-local',
        },
        { random: seededRandom(n) },
      ),
    ),
  );
  report('evaluatePacket (pod → ClusterIP, every candidate explored)', traces, 2);
}

function controllerRoundTrip(options: Options): void {
  const store = new ObjectStore();
  for (let i = 0; i < options.services; i++) {
    store.create('services', service(i));
    store.create('endpointslices.discovery.k8s.io', slice(i, options.endpoints));
  }
  const controller = new ProxyController({
    store,
    nodes: NODES.map((name, n) => ({ name, ips: [`127.0.10.${n + 2}`] })),
    mode: 'iptables',
    podCIDR: '10.64.0.0/10',
    clock: realClock,
    logger: silentLogger(),
  });
  const start = time(() => controller.start());
  console.log(
    `controller start (replay + full sync of ${NODES.length} nodes): ${start.ms.toFixed(0)} ms wall, ${start.cpuMs.toFixed(0)} ms CPU`,
  );
  const samples = [];
  for (let run = 1; run <= 20; run++) {
    const i = (run * 104729) % options.services;
    samples.push(
      time(() => {
        store.update('endpointslices.discovery.k8s.io', slice(i, options.endpoints, run * 1000));
        controller.syncNow();
      }),
    );
  }
  controller.stop();
  report(`one endpoint change via the store, ${NODES.length} nodes synced`, samples, 2);
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`);
  console.log(
    `${options.services} Services × ${options.endpoints} endpoints = ${options.services * options.endpoints} endpoints`,
  );
  const { state, ms } = buildState(options);
  console.log(`change trackers (Services + EndpointSlices → state): ${ms.toFixed(0)} ms wall`);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  fullCompile(state, options);
  incremental(state, options);
  controllerRoundTrip(options);
}

main();
