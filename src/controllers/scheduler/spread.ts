/**
 * PodTopologySpread (`plugins/podtopologyspread`): the pod's
 * `topologySpreadConstraints` (DoNotSchedule ones filter, ScheduleAnyway ones
 * score) and, for a pod without constraints, the system default spreading —
 * hostname maxSkew 3 and zone maxSkew 5, scoring only — over the pods of the
 * same owner (upstream counts `PodsWithOwnerRef`) or, for an unowned pod, of
 * the Services selecting it.
 */

import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { type Selector, selectorOf } from '../../api/labels.js';
import { compiledSelector } from '../runtime/selectors.js';
import type { SchedulerCache } from './cache.js';
import type { NodeMatcher } from './node-affinity.js';
import { scratchFloat64, scratchInt32 } from './scratch.js';
import { LABEL_HOSTNAME, LABEL_ZONE, MAX_NODE_SCORE, type NodeInfo, type PodInfo } from './types.js';

/** A spreading constraint as the plugin evaluates it. */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorTaints: boolean;
  /** Count the pods of this owner uid instead of evaluating the selector. */
  readonly ownerUid: string | undefined;
}

/** PodTopologySpread failure reasons. */
export const SpreadReason = {
  skew: "node(s) didn't match pod topology spread constraints",
  missingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
} as const;

/** The pod's own constraints with the given `whenUnsatisfiable`. */
export function podConstraints(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of (pod.pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]) {
    if (c.whenUnsatisfiable !== when) continue;
    let selector = compiledSelector(c.labelSelector);
    const extra = (c.matchLabelKeys ?? [])
      .filter((k) => pod.labels[k] !== undefined)
      .map((k) => ({ key: k, operator: 'In' as const, values: [pod.labels[k] as string] }));
    if (extra.length > 0) selector = selectorOf([...selector.requirements, ...extra]);
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
      ownerUid: undefined,
    });
  }
  return out;
}

/**
 * The system default constraints (`buildDefaultConstraints`), given the
 * pod's default selector (its owner's and Services' selectors); none when
 * that selector is empty.
 */
export function defaultConstraints(pod: PodInfo, defaultSelector: Selector | undefined): SpreadConstraint[] {
  if (!defaultSelector || defaultSelector.empty) return [];
  const constraint = (maxSkew: number, topologyKey: string): SpreadConstraint => ({
    maxSkew,
    topologyKey,
    selector: defaultSelector,
    minDomains: 1,
    honorNodeAffinity: true,
    honorTaints: false,
    ownerUid: pod.ownerUid,
  });
  return [constraint(3, LABEL_HOSTNAME), constraint(5, LABEL_ZONE)];
}

/** Matching pods of a constraint on one node (`countPodsMatchSelector`). */
export function countOnNode(c: SpreadConstraint, node: NodeInfo, pod: PodInfo): number {
  if (c.ownerUid !== undefined) return node.ownerCounts.get(c.ownerUid) ?? 0;
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.namespace !== pod.namespace || p.pod.metadata.deletionTimestamp) continue;
    if (c.selector.matches(p.labels)) n++;
  }
  return n;
}

/**
 * Score of the feasible nodes (PreScore + Score + NormalizeScore): per node,
 * Σ count × log(domains + 2) + maxSkew − 1 over the constraints whose key it
 * has, then inverted so fewer matching pods scores higher. Undefined when the
 * plugin skips. Runs once per scheduling attempt over hundreds of nodes, so it
 * is written as plain loops over typed arrays.
 */
export function scoreTopologySpread(
  pod: PodInfo,
  allConstraints: readonly SpreadConstraint[],
  feasible: readonly NodeInfo[],
  cache: SchedulerCache,
  matcher: NodeMatcher,
  systemDefaulted: boolean,
): Float64Array | undefined {
  // A key no node has contributes to no node's score (and, system-defaulted, ignores none).
  const constraints = systemDefaulted
    ? allConstraints.filter((c) => cache.nodesWithLabel(c.topologyKey) > 0)
    : allConstraints;
  if (constraints.length === 0) return undefined;
  const n = feasible.length;
  const { ignored, ignoredCount } = ignoredNodes(constraints, feasible, systemDefaulted);
  const valueCounts = domainCounts(pod, constraints, feasible, ignored, cache, matcher, !systemDefaulted);
  const weights = constraints.map((c, k) =>
    Math.log((c.topologyKey === LABEL_HOSTNAME ? n - ignoredCount : (valueCounts[k]?.size ?? 0)) + 2),
  );
  const hostCounts = constraints.map((c, k) =>
    c.topologyKey === LABEL_HOSTNAME ? hostnameCounts(c, feasible, cache, pod, `spreadHost${k}`) : undefined,
  );
  const raw = scratchFloat64('spread', n);
  const scoring: RawScoring = { constraints, feasible, ignored, valueCounts, weights, hostCounts };
  if (constraints.length === 1 && hostCounts[0]) hostOnlyScores(raw, scoring, hostCounts[0]);
  else rawScores(raw, scoring);
  return normalize(raw, ignored);
}

interface RawScoring {
  readonly constraints: readonly SpreadConstraint[];
  readonly feasible: readonly NodeInfo[];
  readonly ignored: Int32Array;
  readonly valueCounts: readonly (Map<string, number> | undefined)[];
  readonly weights: readonly number[];
  readonly hostCounts: readonly (Float64Array | undefined)[];
}

/** With user constraints, nodes missing any constraint's key are not scored. */
function ignoredNodes(
  constraints: readonly SpreadConstraint[],
  feasible: readonly NodeInfo[],
  systemDefaulted: boolean,
): { ignored: Int32Array; ignoredCount: number } {
  const ignored = scratchInt32('spreadIgnored', feasible.length, 0);
  let ignoredCount = 0;
  if (systemDefaulted) return { ignored, ignoredCount };
  for (let i = 0; i < feasible.length; i++) {
    const labels = (feasible[i] as NodeInfo).labels;
    if (!constraints.every((c) => labels[c.topologyKey] !== undefined)) {
      ignored[i] = 1;
      ignoredCount++;
    }
  }
  return { ignored, ignoredCount };
}

/** The common case — default spreading on nodes without zones — kept tight. */
function hostOnlyScores(raw: Float64Array, s: RawScoring, host: Float64Array): void {
  const w = s.weights[0] as number;
  const base = (s.constraints[0] as SpreadConstraint).maxSkew - 1;
  for (let i = 0; i < raw.length; i++) {
    if (!s.ignored[i] && (s.feasible[i] as NodeInfo).hostname !== undefined) {
      raw[i] = Math.round((host[i] as number) * w + base);
    }
  }
}

/** Σ count × weight + maxSkew − 1 over the constraints whose key the node has. */
function rawScores(raw: Float64Array, s: RawScoring): void {
  for (let i = 0; i < raw.length; i++) {
    if (s.ignored[i]) continue;
    const node = s.feasible[i] as NodeInfo;
    let score = 0;
    for (let k = 0; k < s.constraints.length; k++) {
      const c = s.constraints[k] as SpreadConstraint;
      const host = s.hostCounts[k];
      let cnt: number;
      if (host) {
        if (node.hostname === undefined) continue;
        cnt = host[i] as number;
      } else {
        const v = node.labels[c.topologyKey];
        if (v === undefined) continue;
        cnt = s.valueCounts[k]?.get(v) ?? 0;
      }
      score += cnt * (s.weights[k] as number) + (c.maxSkew - 1);
    }
    raw[i] = Math.round(score);
  }
}

/**
 * Matching pods on each feasible node for a hostname constraint. Counting by
 * owner visits only the nodes running the owner's pods (the cache keeps them),
 * not every feasible node.
 */
function hostnameCounts(
  c: SpreadConstraint,
  feasible: readonly NodeInfo[],
  cache: SchedulerCache,
  pod: PodInfo,
  slot: string,
): Float64Array {
  const counts = scratchFloat64(slot, feasible.length);
  if (c.ownerUid === undefined) {
    for (let i = 0; i < feasible.length; i++) counts[i] = countOnNode(c, feasible[i] as NodeInfo, pod);
    return counts;
  }
  const owned = cache.ownerNodes(c.ownerUid);
  if (!owned) return counts;
  const position = scratchInt32('position', cache.idLimit, -1);
  for (let i = 0; i < feasible.length; i++) position[(feasible[i] as NodeInfo).id] = i;
  for (const [node, n] of owned) {
    const i = position[node.id] ?? -1;
    if (i >= 0) counts[i] = n;
  }
  return counts;
}

/**
 * Matching pods per topology value of each non-hostname constraint, over
 * every node that passes the inclusion policy — only for values some
 * feasible node has (others are never looked up).
 */
function domainCounts(
  pod: PodInfo,
  constraints: readonly SpreadConstraint[],
  feasible: readonly NodeInfo[],
  ignored: Int32Array,
  cache: SchedulerCache,
  matcher: NodeMatcher,
  requireAll: boolean,
): (Map<string, number> | undefined)[] {
  const counts: (Map<string, number> | undefined)[] = constraints.map(() => undefined);
  let any = false;
  constraints.forEach((c, k) => {
    if (c.topologyKey === LABEL_HOSTNAME) return;
    for (let i = 0; i < feasible.length; i++) {
      const v = (feasible[i] as NodeInfo).labels[c.topologyKey];
      if (ignored[i] || v === undefined) continue;
      let m = counts[k];
      if (!m) {
        m = new Map();
        counts[k] = m;
      }
      m.set(v, 0);
      any = true;
    }
  });
  if (!any) return counts;
  for (const node of cache.nodeList()) {
    if (!matcher.matchesAll && !matcher.matches(node)) continue;
    if (requireAll && !constraints.every((c) => node.labels[c.topologyKey] !== undefined)) continue;
    constraints.forEach((c, k) => {
      const m = counts[k];
      const v = node.labels[c.topologyKey];
      if (!m || v === undefined || !m.has(v)) return;
      m.set(v, (m.get(v) ?? 0) + countOnNode(c, node, pod));
    });
  }
  return counts;
}

function normalize(raw: Float64Array, ignored: Int32Array): Float64Array {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < raw.length; i++) {
    if (ignored[i]) continue;
    const s = raw[i] as number;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  for (let i = 0; i < raw.length; i++) {
    if (ignored[i]) raw[i] = 0;
    else if (max === 0) raw[i] = MAX_NODE_SCORE;
    else raw[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (raw[i] as number))) / max);
  }
  return raw;
}
