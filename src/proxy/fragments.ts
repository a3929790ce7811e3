/**
 * Incremental bookkeeping shared by the three compilers: per-service fragments indexed
 * by service port key and kept in canonical order, so a sync recompiles only the
 * changed service ports and reuses every other fragment as is.
 */
import { type BucketMap, bucketValues, emptyBucketMap, getBucket, updateBucketMap } from './bucket-map.js';
import type { EndpointInfo, ProxyState, ServicePortInfo } from './model.js';
import type { Chain } from './rules.js';
import type { ChainOwner, FragmentIndex } from './ruleset.js';

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
  const list = [...fragments];
  const byKey = updateBucketMap(
    emptyBucketMap<F>(),
    [],
    list.map((f) => [f.key, f] as const),
  );
  return { byKey, ordered: sorted(bucketValues(byKey)) };
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
  reuse?: (old: F, next: F) => F,
): FragmentDelta<F> {
  const removed: F[] = [];
  const added: F[] = [];
  const deletes: string[] = [];
  let reorder = false;
  for (const key of new Set(changed)) {
    const old = getBucket(previous.byKey, key);
    const svc = state.services.get(key);
    if (old) removed.push(old);
    if (!svc) {
      if (old) deletes.push(key);
      reorder ||= old !== undefined;
      continue;
    }
    const compiled = compile(svc, state.endpoints.get(key) ?? []);
    const next = old && reuse ? reuse(old, compiled) : compiled;
    added.push(next);
    reorder ||= old === undefined || old.sortKey !== next.sortKey;
  }
  const byKey = updateBucketMap(
    previous.byKey,
    deletes,
    added.map((f) => [f.key, f] as const),
  );
  const ordered = reorder ? sorted(bucketValues(byKey)) : replaced(previous.ordered, added);
  return { index: { byKey, ordered }, removed, added };
}

function sorted<F extends KeyedFragment>(fragments: Iterable<F>): F[] {
  return [...fragments].sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
}

/** `ordered` with fragments swapped for their replacements of the same sort key (binary search). */
function replaced<F extends KeyedFragment>(ordered: readonly F[], replacements: readonly F[]): readonly F[] {
  if (replacements.length === 0) return ordered;
  const out = ordered.slice();
  for (const f of replacements) {
    let lo = 0;
    let hi = out.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareSortKeys((out[mid] as F).sortKey, f.sortKey);
      if (c === 0) {
        out[mid] = f;
        break;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return out;
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
export function orderedFragments<F>(index: FragmentIndex<F>): readonly F[] {
  return index.ordered;
}

/** A fragment's chains keyed by name (built once per compiled fragment). */
export function chainsByName(chains: readonly Chain[]): ReadonlyMap<string, Chain> {
  return new Map(chains.map((c) => [c.name, c]));
}

/**
 * The chain-name → fragment-key index after `delta`: only names that appeared or
 * disappeared are written, so a recompile that keeps its chain names touches nothing.
 */
export function updateOwners<F extends KeyedFragment & ChainOwner>(
  owners: BucketMap<string>,
  delta: FragmentDelta<F>,
): BucketMap<string> {
  const before = new Map<string, string>();
  for (const f of delta.removed) for (const name of f.chainsByName.keys()) before.set(name, f.key);
  const sets: (readonly [string, string])[] = [];
  for (const f of delta.added) {
    for (const name of f.chainsByName.keys()) {
      if (before.get(name) === f.key) before.delete(name);
      else sets.push([name, f.key]);
    }
  }
  return updateBucketMap(owners, before.keys(), sets);
}
