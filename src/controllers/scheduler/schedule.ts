/**
 * One scheduling decision (`schedulePod` in `schedule_one.go`): PreFilter,
 * filter nodes starting at a rotating index until enough feasible nodes are
 * found (`percentageOfNodesToScore`, adaptive by default: 50% − nodes/125,
 * at least 5% and 100 nodes), score them with the default profile's weights,
 * and pick the best (ties broken at random). Reads the cache; writes nothing.
 */
import type { Selector } from '../../api/labels.js';
import type { Random } from '../../util/random.js';
import type { PodObject } from '../runtime/pods.js';
import type { SchedulerCache } from './cache.js';
import { type CycleState, runFilters, toleratesUnschedulable } from './filters.js';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './fit-error.js';
import { compileNodeMatcher } from './node-affinity.js';
import {
  type NamespaceLabels,
  preFilterInterPodAffinity,
  preScoreInterPodAffinity,
  scoreInterPodAffinity,
} from './pod-affinity.js';
import {
  balancedAllocationScore,
  defaultNormalize,
  isBestEffort,
  leastAllocatedScore,
  minMaxNormalize,
  ScoreWeight,
} from './scores.js';
import { scratchFloat64 } from './scratch.js';
import { defaultConstraints, podConstraints, scoreTopologySpread } from './spread.js';
import { preFilterTopologySpread } from './spread-filter.js';
import { intolerablePreferNoSchedule } from './taints.js';
import type { FilterFailure, NodeInfo, PodInfo } from './types.js';

/** Cluster state beyond the cache that plugins read. */
export interface ClusterLister {
  readonly namespaceLabels: NamespaceLabels;
  /** The pod's default spreading selector (`helper.DefaultSelector`): owner's and Services' selectors. */
  defaultSpreadSelector(pod: PodObject): Selector | undefined;
}

/** One scheduling decision's inputs. */
export interface ScheduleInput {
  readonly pod: PodInfo;
  readonly cache: SchedulerCache;
  readonly lister: ClusterLister;
  readonly random: Random;
  /** 0 for the adaptive default. */
  readonly percentageOfNodesToScore: number;
  /** Where the node scan starts (the scheduler's `nextStartNodeIndex`). */
  readonly startIndex: number;
}

/** The outcome of one decision. */
export type ScheduleResult =
  /** Emitted when a node was chosen. */
  | {
      readonly kind: 'scheduled';
      readonly nodeName: string;
      readonly evaluatedNodes: number;
      readonly feasibleNodes: number;
      readonly nextStartIndex: number;
    }
  /** Emitted when no node fits; `message` is the FailedScheduling text. */
  | { readonly kind: 'unschedulable'; readonly message: string; readonly nextStartIndex: number }
  /** Emitted when the cluster has no nodes. */
  | { readonly kind: 'noNodes'; readonly message: string };

/** `numFeasibleNodesToFind`. */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < 100) return numAllNodes;
  let p = percentage;
  if (p === 0) p = Math.max(5, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * p) / 100);
  return Math.max(n, 100);
}

const feasibleScratch: NodeInfo[] = [];

/** Schedules one pod against the cache. */
export function schedulePod(input: ScheduleInput): ScheduleResult {
  const nodes = input.cache.nodeList();
  if (nodes.length === 0) return { kind: 'noNodes', message: NO_NODES_AVAILABLE };
  const state = preFilter(input);
  const toFind = numFeasibleNodesToFind(input.percentageOfNodesToScore, nodes.length);
  // Reused across decisions (schedulePod is never re-entered); only its first `count` entries are live.
  const feasible = feasibleScratch;
  let count = 0;
  const failures: FilterFailure[] = [];
  const start = input.startIndex % nodes.length;
  let processed = 0;
  for (let i = 0; i < nodes.length && count < toFind; i++) {
    const node = nodes[(start + i) % nodes.length] as NodeInfo;
    processed++;
    const failure = runFilters(state, node);
    if (failure) failures.push(failure);
    else feasible[count++] = node;
  }
  feasible.length = count;
  const nextStartIndex = (start + processed) % nodes.length;
  if (feasible.length === 0) {
    return {
      kind: 'unschedulable',
      message: fitErrorMessage(failures, input.pod.pod.spec?.preemptionPolicy),
      nextStartIndex,
    };
  }
  const chosen =
    feasible.length === 1
      ? (feasible[0] as NodeInfo)
      : selectHost(feasible, prioritize(input, state, feasible), input.random);
  return {
    kind: 'scheduled',
    nodeName: chosen.name,
    evaluatedNodes: processed,
    feasibleNodes: feasible.length,
    nextStartIndex,
  };
}

function preFilter(input: ScheduleInput): CycleState {
  const matcher = compileNodeMatcher(input.pod.pod);
  return {
    pod: input.pod,
    nodeMatcher: matcher,
    toleratesUnschedulable: toleratesUnschedulable(input.pod),
    affinity: preFilterInterPodAffinity(input.pod, input.cache, input.lister.namespaceLabels),
    spread: preFilterTopologySpread(input.pod, input.cache, matcher),
  };
}

/**
 * Weighted sum of the normalised plugin scores of each feasible node. The
 * per-node plugins run in one pass; the ones normalised across nodes keep
 * their raw scores in typed arrays.
 */
function prioritize(input: ScheduleInput, state: CycleState, feasible: readonly NodeInfo[]): Float64Array {
  const { pod, cache } = input;
  const n = feasible.length;
  const totals = scratchFloat64('totals', n);
  const taints = scratchFloat64('taints', n);
  const preferred = state.nodeMatcher.hasPreferred ? scratchFloat64('preferred', n) : undefined;
  const balanced = !isBestEffort(pod);
  let anyTaints = false;
  for (let i = 0; i < n; i++) {
    const node = feasible[i] as NodeInfo;
    let t = ScoreWeight.nodeResourcesFit * leastAllocatedScore(pod, node);
    if (balanced) t += ScoreWeight.balancedAllocation * balancedAllocationScore(pod, node);
    totals[i] = t;
    if (node.preferNoScheduleTaints.length > 0) {
      taints[i] = intolerablePreferNoSchedule(node.preferNoScheduleTaints, pod.tolerations);
      anyTaints = true;
    }
    if (preferred) preferred[i] = state.nodeMatcher.preferredScore(node);
  }
  // Without PreferNoSchedule taints every node scores 100 here: the same for
  // all, so adding it changes no choice and the pass is skipped.
  if (anyTaints) addWeighted(totals, defaultNormalize(taints, true), ScoreWeight.taintToleration);
  if (preferred) addWeighted(totals, defaultNormalize(preferred, false), ScoreWeight.nodeAffinity);
  const own = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
  const constraints = own
    ? podConstraints(pod, 'ScheduleAnyway')
    : defaultConstraints(pod, input.lister.defaultSpreadSelector(pod.pod));
  const spread = scoreTopologySpread(pod, constraints, feasible, cache, state.nodeMatcher, !own);
  if (spread) addWeighted(totals, spread, ScoreWeight.podTopologySpread);
  const affinity = preScoreInterPodAffinity(pod, cache, input.lister.namespaceLabels);
  if (affinity) {
    const raw = scratchFloat64('interPodAffinity', n);
    for (let i = 0; i < n; i++) raw[i] = scoreInterPodAffinity(affinity, feasible[i] as NodeInfo);
    addWeighted(totals, minMaxNormalize(raw), ScoreWeight.interPodAffinity);
  }
  return totals;
}

function addWeighted(totals: Float64Array, scores: Float64Array, weight: number): void {
  for (let i = 0; i < totals.length; i++) totals[i] = (totals[i] as number) + weight * (scores[i] as number);
}

/**
 * `selectHost`: the highest total; equals are picked uniformly at random (one
 * draw over the ties rather than upstream's reservoir of one draw per tie —
 * the same distribution, far fewer random numbers with hundreds of ties).
 */
function selectHost(feasible: readonly NodeInfo[], totals: Float64Array, random: Random): NodeInfo {
  let best = Number.NEGATIVE_INFINITY;
  let ties = 0;
  for (let i = 0; i < totals.length; i++) {
    const s = totals[i] as number;
    if (s > best) {
      best = s;
      ties = 1;
    } else if (s === best) ties++;
  }
  let pick = ties > 1 ? random.int(ties) : 0;
  for (let i = 0; i < totals.length; i++) {
    if (totals[i] === best && pick-- === 0) return feasible[i] as NodeInfo;
  }
  return feasible[0] as NodeInfo;
}
