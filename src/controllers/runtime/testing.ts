/**
 * Controller test fixtures in the sample-controller style: a frozen store, a
 * Registry, a FakeClock, an EventRecorder, and a recorder of the ordered store
 * writes (`create pods default/web-abc`) and Events (`Normal ScalingReplicaSet
 * Scaled up …`). Used by the controllers' unit tests and the benchmark; it
 * imports nothing from vitest.
 */
import type { KubeObject } from '../../api/types.js';
import { type Logger, silentLogger } from '../../log/index.js';
import { ObjectStore } from '../../store/object-store.js';
import { type AdmissionPlugin, Registry } from '../../store/registry.js';
import { FakeClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { EventRecorder } from './events.js';

export interface RecordedEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** `Kind/name` of the involved object. */
  readonly object: string;
}

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
