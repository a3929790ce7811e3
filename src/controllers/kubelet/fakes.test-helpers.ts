/**
 * Fakes of the kubelet's seams and a store fixture for kubelet and node
 * lifecycle tests: a NetworkPlugin handing out 10.244.x.y (or failing on
 * demand), a ContainerRuntime whose containers exit when told (or by a
 * per-container script), a Prober answering from a table, and an
 * EventRecorder that keeps the order of every event it records.
 */
import type { Container, KubeObject, Pod } from '../../api/types.js';
import { silentLogger } from '../../log/index.js';
import { ObjectStore } from '../../store/object-store.js';
import { Registry } from '../../store/registry.js';
import type { TopologyNode } from '../../topology/types.js';
import { type Clock, FakeClock, rfc3339 } from '../../util/clock.js';
import { NetkubeError } from '../../util/errors.js';
import { seededRandom } from '../../util/random.js';
import { EventRecorder, type EventSource, type EventType } from '../runtime/events.js';
import type { StoredPod } from './pod-source.js';
import type {
  ContainerHandle,
  ContainerRuntime,
  ContainerStartRequest,
  NetworkPlugin,
  ProbeKind,
  ProbeOutcome,
  Prober,
} from './runtime.js';

export class FakePodNetworkError extends NetkubeError {
  constructor(message: string) {
    super('ERR_POD_NETWORK', message);
  }
}

/** CNI: IPs 10.244.<node>.<n> in order; `failNext` makes the next setUps throw. */
export class FakeNetwork implements NetworkPlugin {
  readonly ips = new Map<string, string>();
  readonly log: string[] = [];
  failures: string[] = [];
  #next = 2;

  failNext(...messages: string[]): void {
    this.failures.push(...messages);
  }

  setUp(pod: Pod, nodeName: string): { readonly ip: string } {
    const name = pod.metadata?.name ?? '';
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.log.push(`setUp-failed ${name}`);
      throw new FakePodNetworkError(failure);
    }
    const ip = `10.244.${nodeName.length}.${this.#next++}`;
    this.ips.set(pod.metadata?.uid ?? '', ip);
    this.log.push(`setUp ${name} ${ip}`);
    return { ip };
  }

  tearDown(pod: Pod): void {
    this.ips.delete(pod.metadata?.uid ?? '');
    this.log.push(`tearDown ${pod.metadata?.name}`);
  }
}

/** What a fake container does: exit on its own after `exitAfterMs`, and how it reacts to SIGTERM. */
export interface ContainerScript {
  /** Exit by itself this long after start (0: at once). */
  readonly exitAfterMs?: number;
  readonly exitCode?: number;
  /** After SIGTERM, exit with 0 after this long; undefined ignores SIGTERM (SIGKILL at the grace). */
  readonly termDelayMs?: number | undefined;
}

export class FakeContainer implements ContainerHandle {
  readonly request: ContainerStartRequest;
  readonly startedAt: number;
  terminatedWith: number | undefined;
  killed = false;
  exited: { code: number; reason: string } | undefined;
  readonly #clock: Clock;
  readonly #termDelay: number | undefined;
  #callback: ((code: number, reason: 'Completed' | 'Error' | 'OOMKilled') => void) | undefined;

  constructor(request: ContainerStartRequest, clock: Clock, script: ContainerScript) {
    this.request = request;
    this.#clock = clock;
    this.startedAt = clock.now();
    this.#termDelay = script.termDelayMs;
    if (script.exitAfterMs !== undefined) {
      const code = script.exitCode ?? 0;
      if (script.exitAfterMs === 0) this.exit(code);
      else clock.setTimeout(() => this.exit(code), script.exitAfterMs);
    }
  }

  onExit(callback: (code: number, reason: 'Completed' | 'Error' | 'OOMKilled') => void): void {
    this.#callback = callback;
    if (this.exited) callback(this.exited.code, this.exited.reason as 'Completed' | 'Error');
  }

  terminate(gracePeriodMs: number): void {
    this.terminatedWith = gracePeriodMs;
    if (this.#termDelay !== undefined) {
      if (this.#termDelay === 0) this.exit(0);
      else this.#clock.setTimeout(() => this.exit(0), this.#termDelay);
    }
    // The runtime SIGKILLs when the grace period ends.
    this.#clock.setTimeout(() => this.kill(), gracePeriodMs);
  }

  kill(): void {
    if (this.exited) return;
    this.killed = true;
    this.exit(137);
  }

  /** The process ends with `code` (Completed for 0, Error otherwise). */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = { code, reason: code === 0 ? 'Completed' : 'Error' };
    this.#callback?.(code, code === 0 ? 'Completed' : 'Error');
  }
}

export class FakeRuntime implements ContainerRuntime {
  readonly started: FakeContainer[] = [];
  readonly removed: string[] = [];
  /** Per container name: what it does; the default runs until told and exits 0 on SIGTERM at once. */
  scripts = new Map<string, ContainerScript>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(request: ContainerStartRequest): ContainerHandle {
    const script = this.scripts.get(request.container.name) ?? { termDelayMs: 0 };
    const c = new FakeContainer(request, this.#clock, script);
    this.started.push(c);
    return c;
  }

  removePod(pod: Pod): void {
    this.removed.push(pod.metadata?.name ?? '');
  }

  /** The newest instance of a pod's container. */
  latest(podName: string, container: string): FakeContainer | undefined {
    return this.started.findLast(
      (c) => c.request.pod.metadata?.name === podName && c.request.container.name === container,
    );
  }

  /** Start times of every instance of a pod's container, relative to `origin`. */
  startTimes(podName: string, container: string, origin: number): number[] {
    return this.started
      .filter((c) => c.request.pod.metadata?.name === podName && c.request.container.name === container)
      .map((c) => c.startedAt - origin);
  }
}

/** Probes answered from `outcomes` (`<container>/<kind>`), success by default; every call is logged. */
export class FakeProber implements Prober {
  outcomes = new Map<string, ProbeOutcome>();
  readonly calls: Array<{ container: string; kind: ProbeKind; at: number }> = [];
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  set(container: string, kind: ProbeKind, outcome: ProbeOutcome): void {
    this.outcomes.set(`${container}/${kind}`, outcome);
  }

  probe(request: Parameters<Prober['probe']>[0]): Promise<ProbeOutcome> {
    this.calls.push({ container: request.container.name, kind: request.kind, at: this.#clock.now() });
    return Promise.resolve(
      this.outcomes.get(`${request.container.name}/${request.kind}`) ?? { result: 'success' },
    );
  }
}

export interface RecordedEvent {
  readonly object: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly component: string;
  readonly fieldPath: string | undefined;
  readonly uid: string | undefined;
}

/** An EventRecorder that also keeps every call in order. */
export class RecordingEvents extends EventRecorder {
  readonly log: RecordedEvent[] = [];

  override record(
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    this.log.push({
      object: `${obj.kind}/${obj.metadata.name}`,
      type,
      reason,
      message,
      component: source.component,
      fieldPath,
      uid: obj.metadata.uid,
    });
    super.record(obj, type, reason, message, source, fieldPath);
  }

  /** `Reason: message` of the events about one object, in order. */
  about(kindName: string): string[] {
    return this.log.filter((e) => e.object === kindName).map((e) => `${e.reason}: ${e.message}`);
  }
}

export function topologyNode(
  name: string,
  address: string,
  role: TopologyNode['role'] = 'worker',
): TopologyNode {
  return {
    name,
    role,
    address,
    capacity: { cpu: '4', memory: '8Gi', pods: 110 },
    labels: {},
    taints: [],
  };
}

/** A store with the system namespaces, a registry, a fake clock and a recording event recorder. */
export function clusterFixture() {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const store = new ObjectStore({ freeze: true });
  for (const ns of ['default', 'kube-system', 'kube-node-lease']) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const registry = new Registry({ store, clock, random: seededRandom(1) });
  const events = new RecordingEvents({ registry, clock, logger: silentLogger() });
  return { clock, store, registry, events, logger: silentLogger() };
}

/** A pod as the scheduler leaves it: bound to `nodeName`, PodScheduled True. */
export function scheduledPod(
  name: string,
  nodeName: string,
  containers: Container[],
  spec: Partial<NonNullable<Pod['spec']>> = {},
  now = 0,
): StoredPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers, nodeName, terminationGracePeriodSeconds: 30, ...spec },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: rfc3339(now) }],
    },
  };
}
