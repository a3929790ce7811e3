/**
 * PodTopologySpread's filter: the pod's DoNotSchedule constraints. PreFilter
 * counts matching pods per topology domain over the nodes the inclusion
 * policies admit; a node passes when placing the pod there keeps every
 * constraint's skew within maxSkew.
 */
import type { SchedulerCache } from './cache.js';
import type { NodeMatcher } from './node-affinity.js';
import { countOnNode, podConstraints, type SpreadConstraint, SpreadReason } from './spread.js';
import { firstUntolerated } from './taints.js';
import type { FilterFailure, NodeInfo, PodInfo } from './types.js';

function included(c: SpreadConstraint, node: NodeInfo, pod: PodInfo, matcher: NodeMatcher): boolean {
  if (c.honorNodeAffinity && !matcher.matchesAll && !matcher.matches(node)) return false;
  if (c.honorTaints && firstUntolerated(node.noScheduleTaints, pod.tolerations)) return false;
  return true;
}

/** PreFilter result for the DoNotSchedule constraints. */
export interface SpreadFilterState {
  readonly pod: PodInfo;
  readonly constraints: readonly SpreadConstraint[];
  /** `key\0value` → matching pods. */
  readonly matchNum: ReadonlyMap<string, number>;
  /** Per constraint, the smallest count over its domains. */
  readonly minMatch: readonly number[];
}

/** PreFilter of the DoNotSchedule constraints; undefined when there are none. */
export function preFilterTopologySpread(
  pod: PodInfo,
  cache: SchedulerCache,
  matcher: NodeMatcher,
): SpreadFilterState | undefined {
  const constraints = podConstraints(pod, 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  const matchNum = new Map<string, number>();
  for (const node of cache.nodeList()) {
    if (!constraints.every((c) => node.labels[c.topologyKey] !== undefined)) continue;
    for (const c of constraints) {
      if (!included(c, node, pod, matcher)) continue;
      const key = `${c.topologyKey}\u0000${node.labels[c.topologyKey]}`;
      matchNum.set(key, (matchNum.get(key) ?? 0) + countOnNode(c, node, pod));
    }
  }
  const minMatch = constraints.map((c) => {
    let min = Number.POSITIVE_INFINITY;
    let domains = 0;
    for (const [k, n] of matchNum) {
      if (!k.startsWith(`${c.topologyKey}\u0000`)) continue;
      domains++;
      min = Math.min(min, n);
    }
    return domains < c.minDomains || domains === 0 ? 0 : min;
  });
  return { pod, constraints, matchNum, minMatch };
}

/** Filter: every constraint's key on the node, and skew (with this pod) within maxSkew. */
export function filterTopologySpread(state: SpreadFilterState, node: NodeInfo): FilterFailure | undefined {
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i] as SpreadConstraint;
    const value = node.labels[c.topologyKey];
    if (value === undefined)
      return { code: 'UnschedulableAndUnresolvable', reasons: [SpreadReason.missingLabel] };
    const self = c.selector.matches(state.pod.labels) ? 1 : 0;
    const skew =
      (state.matchNum.get(`${c.topologyKey}\u0000${value}`) ?? 0) + self - (state.minMatch[i] ?? 0);
    if (skew > c.maxSkew) return { code: 'Unschedulable', reasons: [SpreadReason.skew] };
  }
  return undefined;
}
