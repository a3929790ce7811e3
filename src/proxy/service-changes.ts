/**
 * `ServiceChangeTracker` (pkg/proxy/servicechangetracker.go): accumulates Service
 * events as `{previous, current}` per Service between syncs, drops entries that end
 * where they began, and `apply()` moves them into the service port map, returning
 * exactly the service ports that changed so the compiler recompiles only those.
 */
import type { Service } from '../api/types.js';
import { deepEqual } from '../store/equality.js';
import type { ServicePortInfo } from './model.js';
import { buildServicePorts } from './service-port.js';

/** What one `apply()` changed. */
export interface ServiceChangeResult {
  /** `namespace/name` of every Service whose ports changed. */
  readonly updatedServices: ReadonlySet<string>;
  /** Service port keys added, removed or modified. */
  readonly changedServicePorts: ReadonlySet<string>;
}

interface Change {
  readonly previous: Map<string, ServicePortInfo>;
  current: Map<string, ServicePortInfo>;
}

function serviceKey(service: Service): string {
  return `${service.metadata?.namespace ?? 'default'}/${service.metadata?.name ?? ''}`;
}

/** Accumulates Service changes; one instance per ServicePortMap. Not safe for concurrent apply. */
export class ServiceChangeTracker {
  #items = new Map<string, Change>();

  /**
   * Records a Service event: `(undefined, svc)` for add, `(old, new)` for update,
   * `(svc, undefined)` for delete. Returns whether a change is now pending for that
   * Service (false when the event cancelled out earlier ones or changed nothing kube-proxy reads).
   */
  update(previous: Service | undefined, current: Service | undefined): boolean {
    const svc = current ?? previous;
    if (!svc) return false;
    const key = serviceKey(svc);
    let change = this.#items.get(key);
    if (!change) {
      change = { previous: buildServicePorts(previous), current: new Map() };
      this.#items.set(key, change);
    }
    change.current = buildServicePorts(current);
    if (samePorts(change.previous, change.current)) {
      this.#items.delete(key);
      return false;
    }
    return true;
  }

  /** Number of Services with pending changes. */
  get pending(): number {
    return this.#items.size;
  }

  /**
   * Applies every pending change to `map` (mutated in place) and forgets them
   * (`ServicePortMap.Update`). The caller must then recompile `changedServicePorts`.
   */
  apply(map: Map<string, ServicePortInfo>): ServiceChangeResult {
    const updatedServices = new Set<string>();
    const changedServicePorts = new Set<string>();
    for (const [key, change] of this.#items) {
      updatedServices.add(key);
      for (const portKey of change.previous.keys()) {
        map.delete(portKey);
        changedServicePorts.add(portKey);
      }
      for (const [portKey, info] of change.current) {
        map.set(portKey, info);
        changedServicePorts.add(portKey);
      }
    }
    this.#items.clear();
    return { updatedServices, changedServicePorts };
  }
}

function samePorts(
  a: ReadonlyMap<string, ServicePortInfo>,
  b: ReadonlyMap<string, ServicePortInfo>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [key, info] of a) {
    const other = b.get(key);
    if (!other || !deepEqual(info, other)) return false;
  }
  return true;
}
