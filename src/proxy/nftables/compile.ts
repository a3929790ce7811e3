/**
 * The nftables compiler: full and incremental builds of an `NftablesRuleSet`.
 */
import { type BucketMap, emptyBucketMap, getBucket, updateBucketMap } from '../bucket-map.js';
import {
  compileAllFragments,
  type FragmentDelta,
  orderedFragments,
  updateFragmentIndex,
  updateOwners,
} from '../fragments.js';
import type { ProxyState } from '../model.js';
import type { OptionProblem, ResolvedOptions } from '../options.js';
import {
  elementKey,
  type NftablesRuleSet,
  type NftElement,
  type NftElementEntry,
  type NftFragment,
} from '../ruleset.js';
import type { NftContext } from './context.js';
import { compileNftFragment } from './fragment.js';
import { baseChains, nodePortIPElements, regularChains } from './static-chains.js';

function assemble(
  ctx: NftContext,
  problems: readonly OptionProblem[],
  delta: FragmentDelta<NftFragment>,
  previous: NftablesRuleSet | undefined,
): NftablesRuleSet {
  const owners = updateOwners(previous?.table.owners ?? emptyBucketMap<string>(), delta);
  const baseElements = nodePortIPElements(ctx.options);
  const added = [...(previous ? [] : baseElements), ...delta.added.flatMap((f) => f.elements)];
  const removed = delta.removed.flatMap((f) => f.elements);
  const elements = updateElements(previous?.elements ?? emptyBucketMap<NftElementEntry>(), removed, added);
  const base = new Map([...baseChains(), ...regularChains(ctx.options)].map((c) => [c.name, c]));
  return {
    mode: 'nftables',
    options: ctx.options,
    problems,
    table: { base, owners, fragments: delta.index.byKey },
    elements,
    baseElements,
    fragments: delta.index,
  };
}

/** Applies element removals and additions with reference counts (shared keys survive one owner leaving). */
function updateElements(
  map: BucketMap<NftElementEntry>,
  removed: readonly NftElement[],
  added: readonly NftElement[],
): BucketMap<NftElementEntry> {
  const changes = new Map<string, { delta: number; element: NftElement | undefined }>();
  for (const e of removed) {
    const key = elementKey(e.container, e.key);
    const c = changes.get(key) ?? { delta: 0, element: undefined };
    changes.set(key, { delta: c.delta - 1, element: c.element });
  }
  for (const e of added) {
    const key = elementKey(e.container, e.key);
    const c = changes.get(key) ?? { delta: 0, element: undefined };
    changes.set(key, { delta: c.delta + 1, element: e });
  }
  const deletes: string[] = [];
  const sets: [string, NftElementEntry][] = [];
  for (const [key, change] of changes) {
    const current = getBucket(map, key);
    const refs = (current?.refs ?? 0) + change.delta;
    const element = change.element ?? current?.element;
    if (refs <= 0 || element === undefined) deletes.push(key);
    else sets.push([key, { element, refs }]);
  }
  return updateBucketMap(map, deletes, sets);
}

/** Compiles every service port of `state` into kube-proxy's nftables table. */
export function compileNftables(
  state: ProxyState,
  options: ResolvedOptions,
  problems: readonly OptionProblem[],
): NftablesRuleSet {
  const ctx: NftContext = { options };
  const index = compileAllFragments(state, (svc, eps) => compileNftFragment(svc, eps, ctx));
  return assemble(ctx, problems, { index, removed: [], added: orderedFragments(index) }, undefined);
}

/** Recompiles only `changed` service ports on top of `previous`. */
export function recompileNftables(
  previous: NftablesRuleSet,
  state: ProxyState,
  changed: Iterable<string>,
): NftablesRuleSet {
  const ctx: NftContext = { options: previous.options };
  const delta = updateFragmentIndex(previous.fragments, state, changed, (svc, eps) =>
    compileNftFragment(svc, eps, ctx),
  );
  return assemble(ctx, previous.problems, delta, previous);
}
