/**
 * InterPodAffinity (`plugins/interpodaffinity`): required affinity and
 * anti-affinity of the pod being scheduled, the required anti-affinity of pods
 * already running, and the preferred terms' score. Counts are kept per
 * topology pair (`topologyKey=value` of the node a matching pod runs on).
 */
import type { SchedulerCache } from './cache.js';
import { termMatches } from './pod-info.js';
import type { AffinityTerm, FilterFailure, NodeInfo, PodInfo, WeightedAffinityTerm } from './types.js';

/** Namespace labels by namespace name (for namespaceSelector terms). */
export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

/** PreFilter result: counts per `topologyKey\0value` pair. */
export interface AffinityFilterState {
  readonly pod: PodInfo;
  readonly existingAntiAffinityCounts: ReadonlyMap<string, number>;
  readonly affinityCounts: ReadonlyMap<string, number>;
  readonly antiAffinityCounts: ReadonlyMap<string, number>;
}

/** InterPodAffinity failure reasons. */
export const AffinityReason = {
  affinity: "node(s) didn't match pod affinity rules",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
} as const;

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(m: Map<string, number>, node: NodeInfo, key: string, by: number): void {
  const value = node.labels[key];
  if (value === undefined) return;
  const p = pair(key, value);
  m.set(p, (m.get(p) ?? 0) + by);
}

/**
 * PreFilter: counts, per topology pair, the existing pods whose required
 * anti-affinity rejects the incoming pod, and the pods matching the incoming
 * pod's required affinity and anti-affinity terms. Undefined when there is
 * nothing to check (the plugin skips).
 */
export function preFilterInterPodAffinity(
  pod: PodInfo,
  cache: SchedulerCache,
  nsLabels: NamespaceLabels,
): AffinityFilterState | undefined {
  const existingAntiAffinityCounts = new Map<string, number>();
  const ownNsLabels = nsLabels(pod.namespace);
  for (const existing of cache.podsWithRequiredAntiAffinity) {
    const node = cache.node(cache.nodeOfPod(existing.uid) ?? '');
    if (!node?.node) continue;
    for (const t of existing.requiredAntiAffinity) {
      if (termMatches(t, pod, ownNsLabels)) bump(existingAntiAffinityCounts, node, t.topologyKey, 1);
    }
  }
  const affinityCounts = new Map<string, number>();
  const antiAffinityCounts = new Map<string, number>();
  if (pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0) {
    for (const node of cache.nodeList()) {
      for (const existing of node.pods.values()) {
        const labels = nsLabels(existing.namespace);
        if (
          pod.requiredAffinity.length > 0 &&
          pod.requiredAffinity.every((t) => termMatches(t, existing, labels))
        ) {
          for (const t of pod.requiredAffinity) bump(affinityCounts, node, t.topologyKey, 1);
        }
        for (const t of pod.requiredAntiAffinity) {
          if (termMatches(t, existing, labels)) bump(antiAffinityCounts, node, t.topologyKey, 1);
        }
      }
    }
  }
  if (
    existingAntiAffinityCounts.size === 0 &&
    pod.requiredAffinity.length === 0 &&
    pod.requiredAntiAffinity.length === 0
  ) {
    return undefined;
  }
  return { pod, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts };
}

/** Filter: affinity, then anti-affinity, then existing pods' anti-affinity. */
export function filterInterPodAffinity(
  state: AffinityFilterState,
  node: NodeInfo,
): FilterFailure | undefined {
  if (!satisfiesAffinity(state, node)) {
    return { code: 'UnschedulableAndUnresolvable', reasons: [AffinityReason.affinity] };
  }
  if (state.antiAffinityCounts.size > 0) {
    for (const t of state.pod.requiredAntiAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && (state.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0) {
        return { code: 'Unschedulable', reasons: [AffinityReason.antiAffinity] };
      }
    }
  }
  if (state.existingAntiAffinityCounts.size > 0) {
    for (const [k, v] of Object.entries(node.labels)) {
      if ((state.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0) {
        return { code: 'Unschedulable', reasons: [AffinityReason.existingAntiAffinity] };
      }
    }
  }
  return undefined;
}

/**
 * Every required affinity term's topology must exist on the node with a
 * matching pod in it — except for the first pod of a group that matches its
 * own terms while no pod matches them anywhere yet.
 */
function satisfiesAffinity(state: AffinityFilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of state.pod.requiredAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return false;
    if ((state.affinityCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return (
    state.affinityCounts.size === 0 &&
    state.pod.requiredAffinity.every((t) => termMatches(t, state.pod, undefined))
  );
}

/**
 * PreScore of the preferred terms: topologyKey → value → score, from the
 * incoming pod's preferred terms against existing pods, and the existing pods'
 * required affinity (weight 1) and preferred terms against the incoming pod.
 * Undefined when nothing contributes (the plugin skips).
 */
export function preScoreInterPodAffinity(
  pod: PodInfo,
  cache: SchedulerCache,
  nsLabels: NamespaceLabels,
): Map<string, Map<string, number>> | undefined {
  const hasConstraints = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  const scores = new Map<string, Map<string, number>>();
  const ownLabels = nsLabels(pod.namespace);
  const add = (
    terms: readonly WeightedAffinityTerm[] | readonly AffinityTerm[],
    target: PodInfo,
    labels: Readonly<Record<string, string>> | undefined,
    node: NodeInfo,
    sign: number,
  ) => {
    for (const t of terms) {
      if (!termMatches(t, target, labels)) continue;
      const v = node.labels[t.topologyKey];
      if (v === undefined) continue;
      let m = scores.get(t.topologyKey);
      if (!m) {
        m = new Map();
        scores.set(t.topologyKey, m);
      }
      m.set(v, (m.get(v) ?? 0) + ('weight' in t ? t.weight : 1) * sign);
    }
  };
  const visit = (existing: PodInfo, node: NodeInfo) => {
    if (Object.keys(node.labels).length === 0) return;
    const existingLabels = nsLabels(existing.namespace);
    add(pod.preferredAffinity, existing, existingLabels, node, 1);
    add(pod.preferredAntiAffinity, existing, existingLabels, node, -1);
    add(existing.requiredAffinity, pod, ownLabels, node, 1);
    add(existing.preferredAffinity, pod, ownLabels, node, 1);
    add(existing.preferredAntiAffinity, pod, ownLabels, node, -1);
  };
  if (hasConstraints) {
    for (const node of cache.nodeList()) for (const existing of node.pods.values()) visit(existing, node);
  } else {
    for (const existing of cache.podsWithAffinity) {
      const node = cache.node(cache.nodeOfPod(existing.uid) ?? '');
      if (node?.node) visit(existing, node);
    }
  }
  return scores.size > 0 ? scores : undefined;
}

/** Score of one node: the sum of its topology values' scores. */
export function scoreInterPodAffinity(scores: Map<string, Map<string, number>>, node: NodeInfo): number {
  let s = 0;
  for (const [key, values] of scores) {
    const v = node.labels[key];
    if (v !== undefined) s += values.get(v) ?? 0;
  }
  return s;
}
