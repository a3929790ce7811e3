/**
 * The iptables compiler: full and incremental builds of an `IptablesRuleSet` from
 * per-service fragments plus the static chains, and the large-cluster switch.
 */

import { deepEqual } from '../../store/equality.js';
import { emptyBucketMap, getBucket } from '../bucket-map.js';
import {
  compileAllFragments,
  type FragmentDelta,
  orderedFragments,
  updateFragmentIndex,
  updateOwners,
} from '../fragments.js';
import type { ProxyState } from '../model.js';
import type { OptionProblem, ResolvedOptions } from '../options.js';
import type { Chain, Rule } from '../rules.js';
import {
  type ChainTable,
  type FragmentIndex,
  type IptablesFragment,
  type IptablesRuleSet,
  SHARED_CHAINS,
} from '../ruleset.js';
import {
  type IptablesContext,
  KUBE_EXTERNAL_SERVICES,
  KUBE_NODEPORTS,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  localhostNodePortsInEffect,
} from './context.js';
import { compileIptablesFragment } from './fragment.js';
import { filterStaticChains, hookChains, masqueradeChains, nodePortsTailRules } from './static-chains.js';

/** kube-proxy's `largeClusterEndpointsThreshold`. */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

function totalEndpoints(state: ProxyState): number {
  let total = 0;
  for (const key of state.services.keys()) total += state.endpoints.get(key)?.length ?? 0;
  return total;
}

/** The endpoint total after replacing `removed` fragments by the state's current endpoints of `changed`. */
function updatedTotal(previous: IptablesRuleSet, state: ProxyState, changed: ReadonlySet<string>): number {
  let total = previous.totalEndpoints;
  for (const key of changed) {
    total -= getBucket(previous.fragments.byKey, key)?.endpointCount ?? 0;
    if (state.services.has(key)) total += state.endpoints.get(key)?.length ?? 0;
  }
  return total;
}

function contextFor(options: ResolvedOptions, total: number): IptablesContext {
  return {
    options,
    largeClusterMode: total > LARGE_CLUSTER_ENDPOINTS,
    localhostNodePorts: localhostNodePortsInEffect(options),
  };
}

/** Every shared chain's per-service rules, concatenated in fragment order (one pass, no string keys). */
function sharedChainRules(fragments: FragmentIndex<IptablesFragment>): Rule[][] {
  const out: Rule[][] = SHARED_CHAINS.map(() => []);
  const ordered = orderedFragments(fragments);
  for (let i = 0; i < ordered.length; i++) {
    const shared = (ordered[i] as IptablesFragment).shared;
    for (let slot = 0; slot < shared.length; slot++) {
      const rules = shared[slot] as readonly Rule[];
      const into = out[slot] as Rule[];
      for (let r = 0; r < rules.length; r++) into.push(rules[r] as Rule);
    }
  }
  return out;
}

/**
 * Keeps the old fragment's shared-chain rules when the recompiled ones are equal (an
 * endpoint change rarely alters a service's KUBE-SERVICES entries), so `assemble` can
 * reuse the previous top-level chains instead of rebuilding them from every fragment.
 */
function reuseShared(old: IptablesFragment, next: IptablesFragment): IptablesFragment {
  return deepEqual(old.shared, next.shared) ? { ...next, shared: old.shared } : next;
}

/** Whether the delta leaves every shared chain as it was (same fragments, same order, same shared rules). */
function sharedUnchanged(delta: FragmentDelta<IptablesFragment>, previous: IptablesRuleSet): boolean {
  if (delta.index.ordered.length !== previous.fragments.ordered.length) return false;
  if (delta.removed.length !== delta.added.length) return false;
  return delta.added.every(
    (f, i) => delta.removed[i]?.key === f.key && delta.removed[i]?.shared === f.shared,
  );
}

function baseTables(fragments: FragmentIndex<IptablesFragment>, ctx: IptablesContext) {
  const shared = sharedChainRules(fragments);
  const get = (key: string) => {
    const slot = SHARED_CHAINS.findIndex((c) => `${c.table}/${c.chain}` === key);
    return shared[slot] ?? [];
  };
  const hooks = hookChains(ctx);
  const nat: Chain[] = [
    ...hooks.nat,
    { name: KUBE_SERVICES, rules: [...get(`nat/${KUBE_SERVICES}`), ...nodePortsTailRules(ctx)] },
    { name: KUBE_NODEPORTS, rules: get(`nat/${KUBE_NODEPORTS}`) },
    ...masqueradeChains(ctx.options),
  ];
  const filter: Chain[] = [
    ...hooks.filter,
    { name: KUBE_SERVICES, rules: get(`filter/${KUBE_SERVICES}`) },
    { name: KUBE_EXTERNAL_SERVICES, rules: get(`filter/${KUBE_EXTERNAL_SERVICES}`) },
    { name: KUBE_NODEPORTS, rules: get(`filter/${KUBE_NODEPORTS}`) },
    { name: KUBE_PROXY_FIREWALL, rules: get(`filter/${KUBE_PROXY_FIREWALL}`) },
    ...filterStaticChains(ctx),
  ];
  return { nat: new Map(nat.map((c) => [c.name, c])), filter: new Map(filter.map((c) => [c.name, c])) };
}

function assemble(
  ctx: IptablesContext,
  problems: readonly OptionProblem[],
  delta: FragmentDelta<IptablesFragment>,
  previous: IptablesRuleSet | undefined,
  total: number,
): IptablesRuleSet {
  const owners = updateOwners(previous?.tables.nat.owners ?? emptyBucketMap<string>(), delta);
  const base =
    previous && sharedUnchanged(delta, previous)
      ? { nat: previous.tables.nat.base, filter: previous.tables.filter.base }
      : baseTables(delta.index, ctx);
  const nat: ChainTable = { base: base.nat, owners, fragments: delta.index.byKey };
  const filter: ChainTable = { base: base.filter, owners: emptyBucketMap(), fragments: emptyBucketMap() };
  return {
    mode: 'iptables',
    options: ctx.options,
    problems,
    tables: { filter, nat },
    fragments: delta.index,
    totalEndpoints: total,
    largeClusterMode: ctx.largeClusterMode,
  };
}

/** Compiles every service port of `state` for the node described by `options`. */
export function compileIptables(
  state: ProxyState,
  options: ResolvedOptions,
  problems: readonly OptionProblem[],
): IptablesRuleSet {
  const total = totalEndpoints(state);
  const ctx = contextFor(options, total);
  const index = compileAllFragments(state, (svc, eps) => compileIptablesFragment(svc, eps, ctx));
  return assemble(ctx, problems, { index, removed: [], added: orderedFragments(index) }, undefined, total);
}

/**
 * Recompiles only `changed` service ports on top of `previous`. Falls back to a full
 * compile when the large-cluster threshold is crossed (every SVC/SEP rule changes shape).
 */
export function recompileIptables(
  previous: IptablesRuleSet,
  state: ProxyState,
  changed: Iterable<string>,
): IptablesRuleSet {
  const keys = new Set(changed);
  const total = updatedTotal(previous, state, keys);
  const ctx = contextFor(previous.options, total);
  if (ctx.largeClusterMode !== previous.largeClusterMode) {
    return compileIptables(state, previous.options, previous.problems);
  }
  const delta = updateFragmentIndex(
    previous.fragments,
    state,
    keys,
    (svc, eps) => compileIptablesFragment(svc, eps, ctx),
    reuseShared,
  );
  return assemble(ctx, previous.problems, delta, previous, total);
}
