/**
 * Controller test fixtures in the sample-controller style: a frozen store, a
 * Registry, a FakeClock, an EventRecorder, and a recorder of the ordered store
 * writes (`create pods default/web-abc`) and Events (`Normal ScalingReplicaSet
 * Scaled up …`). Used by the controllers' unit tests and the benchmark; it
 * imports nothing from vitest.
 */
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import { type KubeObject, splitKey } from '../../api/types.js';
import { type Logger, silentLogger } from '../../log/index.js';
import { ObjectStore } from '../../store/object-store.js';
import { type AdmissionPlugin, Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import { type Clock, FakeClock, rfc3339 } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { Controller } from './controller.js';
import { EventRecorder } from './events.js';
import { inform } from './informer.js';
import type { ManagedController } from './manager.js';
import type { PodObject } from './pods.js';

/** One Event occurrence as a test sees it. */
export interface RecordedEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** `Kind/name` of the involved object. */
  readonly object: string;
}

/** A seeded control plane for one test. */
export interface Fixture {
  readonly clock: FakeClock;
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly events: EventRecorder;
  readonly logger: Logger;
  /** Store writes since the last `reset`, as `create|update|delete <resource> <key>`; Events excluded. */
  actions(): string[];
  /** Events recorded since the last `reset` (repeats included), as `Type Reason Message`. */
  eventLines(): string[];
  recordedEvents(): RecordedEvent[];
  /** Forgets recorded actions and events. */
  reset(): void;
  /** Creates objects through the Registry, in order, and returns them as stored. */
  seed<T extends KubeObject>(...objects: T[]): T[];
}

/** Options of `newFixture`. */
export interface FixtureOptions {
  /** Namespaces to create. @default ['default'] */
  readonly namespaces?: readonly string[];
  /** Deep-freeze stored objects. @default true */
  readonly freeze?: boolean;
  /** Seed of the Registry's name generator. @default 1 */
  readonly seed?: number;
  /** Admission plugins of the Registry (e.g. to make writes fail). */
  readonly admission?: readonly AdmissionPlugin[];
}

/** Builds a fixture. Namespaces are created before recording starts. */
export function newFixture(options: FixtureOptions = {}): Fixture {
  const clock = new FakeClock();
  const store = new ObjectStore({ freeze: options.freeze ?? true });
  const registry = new Registry({
    store,
    clock,
    random: seededRandom(options.seed ?? 1),
    ...(options.admission ? { admission: options.admission } : {}),
  });
  const logger = silentLogger();
  const events = new EventRecorder({ registry, clock, logger });
  for (const ns of options.namespaces ?? ['default']) {
    registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  let actions: string[] = [];
  let recorded: RecordedEvent[] = [];
  store.subscribe('*', (e) => {
    if (e.resource === 'events') {
      const ev = e.object as KubeObject & {
        type?: string;
        reason?: string;
        message?: string;
        count?: number;
        involvedObject?: { kind?: string; name?: string };
      };
      const prevCount = e.type === 'MODIFIED' ? ((e.previous as { count?: number }).count ?? 1) : 0;
      if (e.type === 'DELETED' || (ev.count ?? 1) <= prevCount) return;
      recorded.push({
        type: ev.type ?? '',
        reason: ev.reason ?? '',
        message: ev.message ?? '',
        object: `${ev.involvedObject?.kind}/${ev.involvedObject?.name}`,
      });
      return;
    }
    const verb = e.type === 'ADDED' ? 'create' : e.type === 'MODIFIED' ? 'update' : 'delete';
    const md = e.object.metadata;
    actions.push(`${verb} ${e.resource} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`);
  });
  return {
    clock,
    store,
    registry,
    events,
    logger,
    actions: () => [...actions],
    recordedEvents: () => [...recorded],
    eventLines: () => recorded.map((e) => `${e.type} ${e.reason} ${e.message}`),
    reset() {
      actions = [];
      recorded = [];
    },
    seed<T extends KubeObject>(...objects: T[]): T[] {
      return objects.map((o) => registry.create(o));
    },
  };
}

/**
 * TEST STAND-IN for the kubelet (tests and benchmarks only, not netkube's
 * kubelet): marks each bound pod Running and Ready at once, and removes pods
 * being deleted gracefully as if their containers stopped immediately.
 */
export class TestKubelet implements ManagedController {
  readonly name = 'test-kubelet';
  readonly #registry: Registry;
  readonly #clock: Clock;
  readonly #controller: Controller<string>;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: { readonly registry: Registry; readonly clock: Clock; readonly logger: Logger }) {
    this.#registry = config.registry;
    this.#clock = config.clock;
    this.#controller = new Controller<string>({
      name: 'test-kubelet',
      clock: config.clock,
      logger: config.logger,
      reconcile: (key) => this.#sync(key),
    });
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  start(signal: AbortSignal): void {
    const maybe = (p: PodObject) => {
      if (p.spec?.nodeName && (p.metadata.deletionTimestamp || p.status?.phase !== 'Running')) {
        this.#controller.enqueue(`${p.metadata.namespace}/${p.metadata.name}`);
      }
    };
    this.#unsubscribe = inform<PodObject>(this.#registry.store, 'pods', {
      onAdd: maybe,
      onUpdate: (_o, p) => maybe(p),
    });
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#controller.stop();
  }

  #sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.#registry.store.get<PodObject>('pods', namespace, name);
    if (!pod?.spec?.nodeName) return;
    const info = resourceForKind('Pod') as ResourceInfo;
    if (pod.metadata.deletionTimestamp) {
      this.#registry.delete(info, namespace, name, { gracePeriodSeconds: 0 });
      return;
    }
    if (pod.status?.phase === 'Running') return;
    const t = rfc3339(this.#clock.now());
    const ready = ['Initialized', 'ContainersReady', 'Ready'].map((type) => ({
      type,
      status: 'True',
      lastTransitionTime: t,
    }));
    this.#registry.update(
      {
        ...pod,
        status: {
          ...pod.status,
          phase: 'Running',
          startTime: t,
          conditions: [...(pod.status?.conditions ?? []), ...ready],
        },
      },
      { subresource: 'status' },
    );
  }
}
