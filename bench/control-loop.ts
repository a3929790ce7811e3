/**
 * Control-loop scale benchmark (issue 2, "Control-loop scale"): N nodes and
 * D Deployments × R replicas created, scheduled and Ready, through the real
 * Registry, Deployment, ReplicaSet, Scheduler, GC and Namespace controllers.
 *
 * Run (Node 20; rolldown bundles the TypeScript):
 *
 *   npm run bench -- control-loop [--nodes 1000] [--deployments 1000] [--replicas 100]
 *
 * The kubelet is not part of this benchmark: `KubeletStandIn` below is a
 * TEST STAND-IN, not netkube's kubelet. It only marks each bound pod
 * Running and Ready in one status write, so the numbers measure the control
 * loop (API writes, controllers, scheduler), not the simulated containers.
 */
import type { KubeObject } from '../src/api/types.js';
import { splitKey } from '../src/api/types.js';
import { DeploymentController } from '../src/controllers/deployment/index.js';
import { GarbageCollector } from '../src/controllers/gc/index.js';
import { NamespaceController } from '../src/controllers/namespace/index.js';
import { ReplicaSetController } from '../src/controllers/replicaset/index.js';
import {
  Controller,
  ControllerManager,
  EventRecorder,
  inform,
  type ManagedController,
  type PodObject,
  timestamp,
} from '../src/controllers/runtime/index.js';
import { Scheduler } from '../src/controllers/scheduler/index.js';
import { silentLogger } from '../src/log/index.js';
import { ObjectStore } from '../src/store/object-store.js';
import { Registry } from '../src/store/registry.js';
import type { Unsubscribe } from '../src/store/watch.js';
import { realClock } from '../src/util/clock.js';
import { seededRandom } from '../src/util/random.js';

interface Options {
  readonly nodes: number;
  readonly deployments: number;
  readonly replicas: number;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  return {
    nodes: get('--nodes', 1000),
    deployments: get('--deployments', 1000),
    replicas: get('--replicas', 100),
  };
}

/**
 * TEST STAND-IN for the kubelet (benchmark only): when a pod is bound to a
 * node, writes phase Running with Ready conditions at once.
 */
class KubeletStandIn implements ManagedController {
  readonly name = 'kubelet-stand-in';
  readonly #registry: Registry;
  readonly #controller: Controller<string>;
  #unsubscribe: Unsubscribe | undefined;
  #ip = 0;

  constructor(registry: Registry) {
    this.#registry = registry;
    this.#controller = new Controller<string>({
      name: 'kubelet-stand-in',
      clock: realClock,
      logger: silentLogger(),
      reconcile: (key) => this.#run(key),
    });
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  get reconcileCount(): number {
    return this.#controller.reconcileCount;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  start(signal: AbortSignal): void {
    this.#unsubscribe = inform<PodObject>(this.#registry.store, 'pods', {
      onAdd: (p) => this.#maybe(p),
      onUpdate: (_o, p) => this.#maybe(p),
    });
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#controller.stop();
  }

  #maybe(p: PodObject): void {
    if (p.spec?.nodeName && p.status?.phase !== 'Running' && !p.metadata.deletionTimestamp) {
      this.#controller.enqueue(`${p.metadata.namespace}/${p.metadata.name}`);
    }
  }

  #run(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.#registry.store.get<PodObject>('pods', namespace, name);
    if (!pod?.spec?.nodeName || pod.status?.phase === 'Running') return;
    const now = timestamp(Date.now());
    const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
    const n = this.#ip++;
    this.#registry.update(
      {
        ...pod,
        status: {
          ...pod.status,
          phase: 'Running',
          podIP: `10.244.${(n >> 8) & 255}.${n & 255}`,
          startTime: now,
          conditions: [
            ...(pod.status?.conditions ?? []),
            cond('Initialized'),
            cond('ContainersReady'),
            cond('Ready'),
          ],
        },
      },
      { subresource: 'status' },
    );
  }
}

function node(i: number): KubeObject {
  const name = `worker-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    },
  } as KubeObject;
}

function deployment(i: number, replicas: number): KubeObject {
  const app = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.25', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
          ],
        },
      },
    },
  } as KubeObject;
}

/** The controllers under test, wired as the emulator wires them. */
function controlLoop(registry: Registry): ControllerManager {
  const store = registry.store;
  const logger = silentLogger();
  const events = new EventRecorder({ registry, clock: realClock, logger });
  const base = { registry, store, clock: realClock, logger };
  return new ControllerManager({
    logger,
    controllers: [
      new DeploymentController({ ...base, events }),
      new ReplicaSetController({ ...base, events }),
      new Scheduler({ ...base, events, random: seededRandom(7) }),
      new GarbageCollector(base),
      new NamespaceController(base),
      new KubeletStandIn(registry),
    ],
  });
}

/** Registers the nodes (create, then status, as a kubelet does) and creates the Deployments. */
function seed(registry: Registry, opts: Options): void {
  for (let i = 0; i < opts.nodes; i++) {
    const spec = node(i) as KubeObject & { status?: unknown };
    const created = registry.create(spec);
    registry.update({ ...created, status: spec.status }, { subresource: 'status' });
  }
  for (let i = 0; i < opts.deployments; i++) registry.create(deployment(i, opts.replicas));
}

/** What the store holds once the loop has settled. */
function outcome(store: ObjectStore, opts: Options) {
  const pods = store.list<PodObject>('pods');
  const readyPods = pods.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  const availableDeployments = store
    .list<KubeObject & { status?: { availableReplicas?: number } }>('deployments.apps')
    .filter((d) => d.status?.availableReplicas === opts.replicas).length;
  return { pods: pods.length, readyPods: readyPods.length, availableDeployments };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const store = new ObjectStore();
  const registry = new Registry({ store, clock: realClock, random: seededRandom(42) });
  registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const manager = controlLoop(registry);
  manager.start();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  seed(registry, opts);
  const tCreated = performance.now();
  await manager.settle();
  const tDone = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const result = outcome(store, opts);
  await manager.stop();
  const seconds = (tDone - t0) / 1000;
  console.log(
    JSON.stringify({
      ...opts,
      ...result,
      createSeconds: Number(((tCreated - t0) / 1000).toFixed(2)),
      totalSeconds: Number(seconds.toFixed(2)),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      podsPerSecond: Math.round(result.readyPods / seconds),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      node: process.version,
      reconciles: Object.fromEntries(manager.controllers.map((c) => [c.name, c.reconcileCount ?? 0])),
    }),
  );
  if (result.readyPods !== opts.deployments * opts.replicas) process.exitCode = 1;
}

await main();
