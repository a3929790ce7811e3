/**
 * Plans the EndpointSlices of one Service (`k8s.io/endpointslice`
 * reconciler.go): endpoints grouped by their resolved port set, at most
 * `maxEndpointsPerSlice` per slice, keeping existing slices and endpoints in
 * place where possible so an unrelated pod change rewrites one slice, not all.
 * A Service without endpoints keeps one empty placeholder slice.
 */
import type { Endpoint, EndpointPort, EndpointSlice, KubeObject } from '../../api/types.js';
import { deepEqual } from '../../store/equality.js';
import { portMapKey } from './endpoint-model.js';

export type SliceObj = EndpointSlice & KubeObject;

export interface DesiredGroup {
  readonly ports: readonly EndpointPort[];
  readonly endpoints: readonly Endpoint[];
}

export interface SlicePlan {
  /** New slices (without names: created with generateName). */
  readonly create: ReadonlyArray<{
    readonly ports: readonly EndpointPort[];
    readonly endpoints: readonly Endpoint[];
  }>;
  /** Existing slices with new content. */
  readonly update: ReadonlyArray<{
    readonly slice: SliceObj;
    readonly ports: readonly EndpointPort[];
    readonly endpoints: readonly Endpoint[];
  }>;
  readonly delete: readonly SliceObj[];
}

function endpointKey(ep: Endpoint): string {
  return ep.targetRef?.uid ? `uid:${ep.targetRef.uid}` : `ip:${ep.addresses[0] ?? ''}`;
}

/**
 * Computes create/update/delete lists. `existing` are the slices this
 * controller manages for the Service; `labelsChanged` forces an update of every
 * kept slice (the caller rewrites their labels).
 */
export function planSlices(
  desired: readonly DesiredGroup[],
  existing: readonly SliceObj[],
  options: { readonly maxEndpointsPerSlice: number; readonly labelsChanged?: boolean },
): SlicePlan {
  const max = options.maxEndpointsPerSlice;
  const create: Array<{ ports: readonly EndpointPort[]; endpoints: Endpoint[] }> = [];
  const update: Array<{ slice: SliceObj; ports: readonly EndpointPort[]; endpoints: readonly Endpoint[] }> =
    [];
  const toDelete: SliceObj[] = [];
  const byKey = new Map<string, { ports: readonly EndpointPort[]; remaining: Map<string, Endpoint> }>();
  for (const g of desired) {
    if (g.endpoints.length === 0) continue;
    const key = portMapKey(g.ports);
    const entry = byKey.get(key) ?? { ports: g.ports, remaining: new Map<string, Endpoint>() };
    for (const ep of g.endpoints) entry.remaining.set(endpointKey(ep), ep);
    byKey.set(key, entry);
  }
  const kept: Array<{
    slice: SliceObj;
    key: string;
    ports: readonly EndpointPort[];
    endpoints: Endpoint[];
    changed: boolean;
  }> = [];
  for (const slice of existing) {
    const key = portMapKey(slice.ports ?? []);
    const group = byKey.get(key);
    if (!group) {
      toDelete.push(slice);
      continue;
    }
    const endpoints: Endpoint[] = [];
    let changed = options.labelsChanged === true;
    for (const ep of slice.endpoints ?? []) {
      const want = group.remaining.get(endpointKey(ep));
      if (!want) {
        changed = true;
        continue;
      }
      group.remaining.delete(endpointKey(ep));
      if (!deepEqual(want, ep)) changed = true;
      endpoints.push(want);
    }
    if (endpoints.length === 0) toDelete.push(slice);
    else kept.push({ slice, key, ports: slice.ports ?? [], endpoints, changed });
  }
  // Fill kept slices that have room (closest to full first), then create new ones.
  for (const [key, group] of byKey) {
    if (group.remaining.size === 0) continue;
    const leftovers = [...group.remaining.values()];
    const candidates = kept
      .filter((k) => k.key === key)
      .sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const k of candidates) {
      while (leftovers.length && k.endpoints.length < max) {
        k.endpoints.push(leftovers.shift() as Endpoint);
        k.changed = true;
      }
    }
    // Reuse a slice marked for deletion before creating a new one (fewer writes).
    while (leftovers.length) {
      const chunk = leftovers.splice(0, max);
      const reusable = toDelete.pop();
      if (reusable) kept.push({ slice: reusable, key, ports: group.ports, endpoints: chunk, changed: true });
      else create.push({ ports: group.ports, endpoints: chunk });
    }
  }
  for (const k of kept)
    if (k.changed) update.push({ slice: k.slice, ports: k.ports, endpoints: k.endpoints });
  // Placeholder: a Service with no endpoints keeps exactly one empty slice.
  const remainingSlices = existing.length - toDelete.length + create.length;
  if (remainingSlices === 0) {
    const reuse = toDelete.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    if (reuse) toDelete.splice(toDelete.indexOf(reuse), 1);
    else create.push({ ports: [], endpoints: [] });
  }
  return { create, update, delete: toDelete };
}
