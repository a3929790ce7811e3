/**
 * The default profile's node filters, in upstream order: NodeUnschedulable,
 * TaintToleration, NodeAffinity (nodeSelector included), NodePorts,
 * NodeResourcesFit, PodTopologySpread, InterPodAffinity. The first failing
 * filter decides a node's status, as in the framework; the reason texts are
 * the ones `FailedScheduling` events print.
 */

import type { NodeMatcher } from './node-affinity.js';
import { type AffinityFilterState, filterInterPodAffinity } from './pod-affinity.js';
import { filterTopologySpread, type SpreadFilterState } from './spread-filter.js';
import { firstUntolerated, TAINT_UNSCHEDULABLE, tolerationsTolerate } from './taints.js';
import type { FilterFailure, NodeInfo, PodInfo } from './types.js';

/** What PreFilter computed for the pod being scheduled. */
export interface CycleState {
  readonly pod: PodInfo;
  readonly nodeMatcher: NodeMatcher;
  readonly toleratesUnschedulable: boolean;
  readonly affinity: AffinityFilterState | undefined;
  readonly spread: SpreadFilterState | undefined;
}

/** Filter failure reasons, as FailedScheduling events print them. */
export const ErrReason = {
  unschedulable: 'node(s) were unschedulable',
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  insufficientCPU: 'Insufficient cpu',
  insufficientMemory: 'Insufficient memory',
} as const;

/** Whether the pod tolerates `spec.unschedulable` (the unschedulable taint). */
export function toleratesUnschedulable(pod: PodInfo): boolean {
  return tolerationsTolerate(pod.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
}

/** Runs every filter; undefined when the node fits. */
export function runFilters(state: CycleState, node: NodeInfo): FilterFailure | undefined {
  if (node.unschedulable && !state.toleratesUnschedulable) {
    return { code: 'UnschedulableAndUnresolvable', reasons: [ErrReason.unschedulable] };
  }
  if (node.noScheduleTaints.length > 0) {
    const taint = firstUntolerated(node.noScheduleTaints, state.pod.tolerations);
    if (taint) {
      return {
        code: 'UnschedulableAndUnresolvable',
        reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
      };
    }
  }
  if (!state.nodeMatcher.matchesAll && !state.nodeMatcher.matches(node)) {
    return { code: 'UnschedulableAndUnresolvable', reasons: [ErrReason.nodeAffinity] };
  }
  if (state.pod.hostPorts.length > 0 && hasPortConflict(state.pod, node)) {
    return { code: 'Unschedulable', reasons: [ErrReason.nodePorts] };
  }
  const fit = fitResources(state.pod, node);
  if (fit) return fit;
  if (state.spread) {
    const spread = filterTopologySpread(state.spread, node);
    if (spread) return spread;
  }
  if (state.affinity) return filterInterPodAffinity(state.affinity, node);
  return undefined;
}

/**
 * NodeResourcesFit: pod count against allocatable pods, then CPU and memory
 * requests against allocatable minus what the node's pods request. A request
 * larger than the whole node is unresolvable (preemption cannot help).
 */
export function fitResources(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  const r = pod.requests;
  const tooMany = node.pods.size + 1 > node.allocatablePods;
  const cpu = r.milliCPU > 0 && r.milliCPU > node.allocatableCPU - node.requestedCPU;
  const memory = r.memory > 0 && r.memory > node.allocatableMemory - node.requestedMemory;
  if (!tooMany && !cpu && !memory) return undefined;
  const reasons: string[] = [];
  if (tooMany) reasons.push(ErrReason.tooManyPods);
  if (cpu) reasons.push(ErrReason.insufficientCPU);
  if (memory) reasons.push(ErrReason.insufficientMemory);
  const unresolvable =
    (cpu && r.milliCPU > node.allocatableCPU) || (memory && r.memory > node.allocatableMemory);
  return { code: unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons };
}

/**
 * NodePorts (`HostPortInfo.CheckConflict`): a wildcard host IP conflicts with
 * any use of the protocol and port; a specific IP with the same IP or the wildcard.
 */
export function hasPortConflict(pod: PodInfo, node: NodeInfo): boolean {
  for (const p of pod.hostPorts) {
    const ips = node.usedPorts.get(`${p.protocol}/${p.port}`);
    if (!ips) continue;
    if (p.ip === '0.0.0.0' || ips.has(p.ip) || ips.has('0.0.0.0')) return true;
  }
  return false;
}
