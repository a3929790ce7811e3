/**
 * Incremental bookkeeping shared by the three compilers: per-service fragments indexed
 * by service port key and kept in canonical order, so a sync recompiles only the
 * changed service ports and reuses every other fragment as is.
 */
import type { EndpointInfo, ProxyState, ServicePortInfo } from './model.js';
import type { FragmentIndex } from './ruleset.js';

/** Anything a compiler produces per service port. */
export interface KeyedFragment {
  readonly key: string;
  readonly sortKey: string;
}

/** What changed between two fragment indexes. */
export interface FragmentDelta<F> {
  readonly index: FragmentIndex<F>;
  /** Fragments no longer present or replaced (their chains and elements must be dropped). */
  readonly removed: readonly F[];
  /** Fragments new or replaced. */
  readonly added: readonly F[];
}

function compareSortKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds an index from scratch. */
export function buildFragmentIndex<F extends KeyedFragment>(fragments: Iterable<F>): FragmentIndex<F> {
  const byKey = new Map<string, F>();
  for (const f of fragments) byKey.set(f.key, f);
  const order = [...byKey.values()].sort((a, b) => compareSortKeys(a.sortKey, b.sortKey)).map((f) => f.key);
  return { byKey, order };
}

/**
 * Recompiles the service ports in `changed` (present ones compiled, absent ones
 * removed) and returns the new index with the delta. Unchanged fragments are reused.
 */
export function updateFragmentIndex<F extends KeyedFragment>(
  previous: FragmentIndex<F>,
  state: ProxyState,
  changed: Iterable<string>,
  compile: (svc: ServicePortInfo, endpoints: readonly EndpointInfo[]) => F,
): FragmentDelta<F> {
  const byKey = new Map(previous.byKey);
  const removed: F[] = [];
  const added: F[] = [];
  let reorder = false;
  for (const key of new Set(changed)) {
    const old = byKey.get(key);
    const svc = state.services.get(key);
    if (old) removed.push(old);
    if (!svc) {
      if (old) byKey.delete(key);
      reorder ||= old !== undefined;
      continue;
    }
    const next = compile(svc, state.endpoints.get(key) ?? []);
    byKey.set(key, next);
    added.push(next);
    reorder ||= old === undefined || old.sortKey !== next.sortKey;
  }
  const order = reorder ? sortedKeys(byKey) : previous.order;
  return { index: { byKey, order }, removed, added };
}

function sortedKeys<F extends KeyedFragment>(byKey: ReadonlyMap<string, F>): string[] {
  const entries = [...byKey.values()];
  entries.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
  return entries.map((f) => f.key);
}

/** Compiles every service port of `state`. */
export function compileAllFragments<F extends KeyedFragment>(
  state: ProxyState,
  compile: (svc: ServicePortInfo, endpoints: readonly EndpointInfo[]) => F,
): FragmentIndex<F> {
  const fragments: F[] = [];
  for (const [key, svc] of state.services) fragments.push(compile(svc, state.endpoints.get(key) ?? []));
  return buildFragmentIndex(fragments);
}

/** The fragments of an index in canonical order. */
export function* orderedFragments<F>(index: FragmentIndex<F>): Generator<F> {
  for (const key of index.order) {
    const f = index.byKey.get(key);
    if (f !== undefined) yield f;
  }
}
