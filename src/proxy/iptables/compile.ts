/**
 * The iptables compiler: full and incremental builds of an `IptablesRuleSet` from
 * per-service fragments plus the static chains, and the large-cluster switch.
 */
import { emptyBucketMap, updateBucketMap } from '../bucket-map.js';
import {
  compileAllFragments,
  type FragmentDelta,
  orderedFragments,
  updateFragmentIndex,
} from '../fragments.js';
import type { ProxyState } from '../model.js';
import type { OptionProblem, ResolvedOptions } from '../options.js';
import type { Chain, Rule } from '../rules.js';
import type { ChainTable, FragmentIndex, IptablesFragment, IptablesRuleSet } from '../ruleset.js';
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

function contextFor(options: ResolvedOptions, state: ProxyState): IptablesContext {
  return {
    options,
    largeClusterMode: totalEndpoints(state) > LARGE_CLUSTER_ENDPOINTS,
    localhostNodePorts: localhostNodePortsInEffect(options),
  };
}

function sharedChainRules(fragments: FragmentIndex<IptablesFragment>): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  for (const f of orderedFragments(fragments)) {
    for (const entry of f.entries) {
      const key = `${entry.table}/${entry.chain}`;
      let rules = out.get(key);
      if (!rules) {
        rules = [];
        out.set(key, rules);
      }
      for (const r of entry.rules) rules.push(r);
    }
  }
  return out;
}

function baseTables(fragments: FragmentIndex<IptablesFragment>, ctx: IptablesContext) {
  const shared = sharedChainRules(fragments);
  const get = (key: string) => shared.get(key) ?? [];
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
): IptablesRuleSet {
  const removedChains = delta.removed.flatMap((f) => f.natChains.map((c) => c.name));
  const addedChains = delta.added.flatMap((f) => f.natChains.map((c) => [c.name, c] as const));
  const services = updateBucketMap(
    previous?.tables.nat.services ?? emptyBucketMap<Chain>(),
    removedChains,
    addedChains,
  );
  const base = baseTables(delta.index, ctx);
  const nat: ChainTable = { base: base.nat, services };
  const filter: ChainTable = { base: base.filter, services: emptyBucketMap() };
  return {
    mode: 'iptables',
    options: ctx.options,
    problems,
    tables: { filter, nat },
    fragments: delta.index,
    largeClusterMode: ctx.largeClusterMode,
  };
}

/** Compiles every service port of `state` for the node described by `options`. */
export function compileIptables(
  state: ProxyState,
  options: ResolvedOptions,
  problems: readonly OptionProblem[],
): IptablesRuleSet {
  const ctx = contextFor(options, state);
  const index = compileAllFragments(state, (svc, eps) => compileIptablesFragment(svc, eps, ctx));
  return assemble(ctx, problems, { index, removed: [], added: [...orderedFragments(index)] }, undefined);
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
  const ctx = contextFor(previous.options, state);
  if (ctx.largeClusterMode !== previous.largeClusterMode)
    return compileIptables(state, previous.options, previous.problems);
  const delta = updateFragmentIndex(previous.fragments, state, changed, (svc, eps) =>
    compileIptablesFragment(svc, eps, ctx),
  );
  return assemble(ctx, previous.problems, delta, previous);
}
