/**
 * `EndpointsChangeTracker` + `EndpointSliceCache` (pkg/proxy/endpointschangetracker.go,
 * endpointslicecache.go): slices are tracked per Service as applied and pending; a
 * checkout recomputes the endpoints of each touched Service from all of its slices and
 * `apply()` returns the service ports whose endpoints changed. Node-independent: an
 * endpoint keeps its `nodeName`, and locality is decided per node at compile time.
 */
import type { EndpointSlice } from '../api/types.js';
import { deepEqual } from '../store/equality.js';
import { endpointsFromSlices, sliceServiceName } from './endpoint-slices.js';
import type { EndpointInfo } from './model.js';

/** What one `apply()` changed. */
export interface EndpointsChangeResult {
  /** `namespace/name` of every Service whose endpoints changed. */
  readonly updatedServices: ReadonlySet<string>;
  /** Service port keys whose endpoint list changed. */
  readonly changedServicePorts: ReadonlySet<string>;
}

interface Tracker {
  applied: Map<string, EndpointSlice>;
  /** Slice name → new state, or null for a deleted slice. */
  readonly pending: Map<string, EndpointSlice | null>;
}

function sliceContent(slice: EndpointSlice | null | undefined): unknown {
  return slice ? { ports: slice.ports, endpoints: slice.endpoints, labels: slice.metadata?.labels } : null;
}

/** Accumulates EndpointSlice changes; one instance per EndpointsMap. Not safe for concurrent apply. */
export class EndpointsChangeTracker {
  #services = new Map<string, Tracker>();
  /** Services with pending slices, so `apply` does not scan every Service. */
  #dirty = new Set<string>();

  /**
   * Records a slice add/update (`removed` false) or delete (`removed` true). Returns
   * whether a change is pending for its Service. Slices kube-proxy ignores return false.
   */
  update(slice: EndpointSlice, removed: boolean): boolean {
    const service = sliceServiceName(slice);
    if (service === undefined) return false;
    const sliceName = slice.metadata?.name ?? '';
    let tracker = this.#services.get(service);
    if (!tracker) {
      tracker = { applied: new Map(), pending: new Map() };
      this.#services.set(service, tracker);
    }
    const next = removed ? null : slice;
    const base = tracker.pending.has(sliceName)
      ? tracker.pending.get(sliceName)
      : tracker.applied.get(sliceName);
    if (deepEqual(sliceContent(base), sliceContent(next))) return tracker.pending.size > 0;
    if (deepEqual(sliceContent(tracker.applied.get(sliceName)), sliceContent(next))) {
      tracker.pending.delete(sliceName);
    } else {
      tracker.pending.set(sliceName, next);
    }
    if (tracker.pending.size > 0) this.#dirty.add(service);
    else this.#dirty.delete(service);
    return tracker.pending.size > 0;
  }

  /** Number of Services with slice changes not yet applied. */
  get pending(): number {
    return this.#dirty.size;
  }

  /**
   * Forgets a slice that stopped matching kube-proxy's selector (e.g. it gained the
   * headless label): equivalent to deleting it under its old identity.
   */
  remove(previous: EndpointSlice): boolean {
    return this.update(previous, true);
  }

  /**
   * Applies pending changes to `map` (mutated in place): every port of a touched
   * Service gets its recomputed, sorted endpoint list (`EndpointsMap.Update`).
   */
  apply(map: Map<string, readonly EndpointInfo[]>): EndpointsChangeResult {
    const updatedServices = new Set<string>();
    const changedServicePorts = new Set<string>();
    for (const service of this.#dirty) {
      const tracker = this.#services.get(service);
      if (!tracker || tracker.pending.size === 0) continue;
      const previous = endpointsFromSlices(tracker.applied.values());
      for (const [name, slice] of tracker.pending) {
        if (slice) tracker.applied.set(name, slice);
        else tracker.applied.delete(name);
      }
      tracker.pending.clear();
      const current = endpointsFromSlices(tracker.applied.values());
      if (applyService(map, previous, current, changedServicePorts)) updatedServices.add(service);
      if (tracker.applied.size === 0) this.#services.delete(service);
    }
    this.#dirty.clear();
    return { updatedServices, changedServicePorts };
  }
}

function applyService(
  map: Map<string, readonly EndpointInfo[]>,
  previous: Map<string, EndpointInfo[]>,
  current: Map<string, EndpointInfo[]>,
  changed: Set<string>,
): boolean {
  let any = false;
  for (const key of previous.keys()) {
    if (current.has(key)) continue;
    map.delete(key);
    changed.add(key);
    any = true;
  }
  for (const [key, list] of current) {
    if (deepEqual(previous.get(key), list)) continue;
    map.set(key, list);
    changed.add(key);
    any = true;
  }
  return any;
}
