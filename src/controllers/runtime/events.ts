/**
 * Records core/v1 Events the way client-go's EventRecorder does, through its
 * EventCorrelator (see event-correlator.ts): identical events bump `count` and
 * `lastTimestamp`; more than 10 distinct messages for one object and reason
 * are combined into one event; a source/object pair gets at most 25 events in
 * a burst. `kubectl describe` and `netkube describe` show them under "Events:".
 *
 * Events are bounded: the oldest are deleted past `maxEvents` (the API server
 * expires them after an hour; netkube bounds by count so memory stays flat at
 * 100,000 pods).
 */
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { Event, KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { Registry } from '../../store/registry.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { EventCorrelator, type EventCorrelatorConfig, type StoredEventRef } from './event-correlator.js';
import { timestamp } from './time.js';

/** Event type, as kubectl shows it in the TYPE column. */
export type EventType = 'Normal' | 'Warning';

/** Who reports an event (`source` and `reportingComponent`). */
export interface EventSource {
  /** `kubelet`, `default-scheduler`, `deployment-controller`… */
  readonly component: string;
  /** Node name, for kubelet events. */
  readonly host?: string;
}

/** What `new EventRecorder(config)` needs. */
export interface EventRecorderConfig {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** @default 10_000 */
  readonly maxEvents?: number;
  /** Aggregation and spam-filter settings; upstream's by default. */
  readonly correlator?: EventCorrelatorConfig;
}

/** Emits Events; one recorder per process, shared by every controller. */
export class EventRecorder {
  readonly #registry: Registry;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxEvents: number;
  readonly #correlator: EventCorrelator;
  readonly #info: ResourceInfo;
  readonly #nsInfo: ResourceInfo;
  /** Events this recorder created, oldest first (for the `maxEvents` bound). */
  #created: StoredEventRef[] = [];
  #createdHead = 0;
  #seq = 0;

  constructor(config: EventRecorderConfig) {
    this.#registry = config.registry;
    this.#clock = config.clock;
    this.#logger = config.logger;
    this.#maxEvents = config.maxEvents ?? 10_000;
    this.#correlator = new EventCorrelator(config.correlator);
    this.#info = resourceForKind('Event') as ResourceInfo;
    this.#nsInfo = resourceForKind('Namespace') as ResourceInfo;
  }

  /**
   * Records that `reason` happened to `obj`. Never throws: a failure to record
   * an event is logged and otherwise ignored, as in client-go.
   */
  record(
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    try {
      this.#record(obj, type, reason, message, source, fieldPath);
    } catch (err) {
      this.#logger.debug({ err: errorMessage(err), reason }, 'Could not record event');
    }
  }

  #record(
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath: string | undefined,
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const md = obj.metadata;
    // The uid names the object; kind/namespace/name stand in when it has none.
    const object = md.uid ?? `${obj.kind}/${namespace}/${md.name}`;
    // Usually just the component (a constant string): cheap to compare.
    const from =
      source.host || fieldPath
        ? `${source.component}\u0000${source.host ?? ''}\u0000${fieldPath ?? ''}`
        : source.component;
    const now = this.#clock.now();
    const c = this.#correlator.correlate({ object, source: from, type, reason, message }, now);
    if (!c.allowed) return;
    const existing =
      c.existing &&
      this.#registry.tryGet<Event & KubeObject>(this.#info, c.existing.namespace, c.existing.name);
    if (existing) {
      this.#registry.update({
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: timestamp(now),
        message: c.message,
      });
      return;
    }
    if (!this.#registry.tryGet(this.#nsInfo, undefined, namespace)) return;
    const created = this.#registry.create(
      this.#newEvent(obj, namespace, type, reason, c.message, source, fieldPath, now),
    );
    const ref = { namespace, name: created.metadata.name ?? '' };
    this.#correlator.remember(object, from, c.key, ref);
    this.#created.push(ref);
    this.#evict();
  }

  #newEvent(
    obj: KubeObject,
    namespace: string,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath: string | undefined,
    now: number,
  ): Event & KubeObject {
    // `<name>.<UnixNano in hex>` as client-go names events; BigInt keeps every
    // nanosecond digit (a float would round and make names collide).
    const nanos = BigInt(Math.trunc(now)) * 1_000_000n + BigInt(this.#seq++ % 1_000_000);
    const t = timestamp(now);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name}.${nanos.toString(16)}`, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name ?? '',
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
  }

  /** Deletes the oldest events this recorder created beyond `maxEvents`. */
  #evict(): void {
    while (this.#created.length - this.#createdHead > this.#maxEvents) {
      const ref = this.#created[this.#createdHead++] as StoredEventRef;
      if (this.#registry.tryGet(this.#info, ref.namespace, ref.name)) {
        this.#registry.delete(this.#info, ref.namespace, ref.name);
      }
    }
    if (this.#createdHead > 1024 && this.#createdHead * 2 > this.#created.length) {
      this.#created = this.#created.slice(this.#createdHead);
      this.#createdHead = 0;
    }
  }
}
