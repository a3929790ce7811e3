/**
 * Records core/v1 Events the way client-go's EventRecorder and EventCorrelator
 * do: one Event per (object, reason, message, source); a repeat bumps `count`
 * and `lastTimestamp` instead of creating another. `kubectl describe` and
 * `netkube describe` show them under "Events:".
 *
 * Events are bounded: the oldest are deleted past `maxEvents` (the API server
 * expires them after an hour; netkube bounds by count so memory stays flat at
 * 100,000 pods).
 */
import { resourceForKind } from '../../api/resources.js';
import type { Event, KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { Registry } from '../../store/registry.js';
import { type Clock, rfc3339 } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  /** `kubelet`, `default-scheduler`, `deployment-controller`… */
  readonly component: string;
  /** Node name, for kubelet events. */
  readonly host?: string;
}

export interface EventRecorderConfig {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** @default 10_000 */
  readonly maxEvents?: number;
}

/** Emits Events; one recorder per process, shared by every controller. */
export class EventRecorder {
  readonly #registry: Registry;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxEvents: number;
  /** correlation key → event namespace/name, oldest first. */
  #byKey = new Map<string, { namespace: string; name: string }>();
  #seq = 0;

  constructor(config: EventRecorderConfig) {
    this.#registry = config.registry;
    this.#clock = config.clock;
    this.#logger = config.logger;
    this.#maxEvents = config.maxEvents ?? 10_000;
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
    const info = resourceForKind('Event');
    if (!info) return;
    const namespace = obj.metadata.namespace ?? 'default';
    const key = [
      obj.metadata.uid,
      namespace,
      obj.metadata.name,
      fieldPath ?? '',
      reason,
      message,
      source.component,
      source.host ?? '',
    ].join('\u0000');
    const now = this.#clock.now();
    const existingRef = this.#byKey.get(key);
    const existing = existingRef
      ? this.#registry.tryGet<Event & KubeObject>(info, existingRef.namespace, existingRef.name)
      : undefined;
    if (existing) {
      this.#byKey.delete(key);
      this.#byKey.set(key, existingRef as { namespace: string; name: string });
      this.#registry.update({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: rfc3339(now) });
      return;
    }
    const name = `${obj.metadata.name}.${(now * 1e6 + (this.#seq++ % 1e6)).toString(16)}`;
    const event: Event & KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
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
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    if (!this.#registry.tryGet(resourceForKind('Namespace') ?? info, undefined, namespace)) return;
    this.#registry.create(event);
    this.#byKey.set(key, { namespace, name });
    while (this.#byKey.size > this.#maxEvents) {
      const [oldestKey, ref] = this.#byKey.entries().next().value as [
        string,
        { namespace: string; name: string },
      ];
      this.#byKey.delete(oldestKey);
      if (this.#registry.tryGet(info, ref.namespace, ref.name))
        this.#registry.delete(info, ref.namespace, ref.name);
    }
  }
}
