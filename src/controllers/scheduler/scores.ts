/**
 * Node scores of the default profile that need no cluster-wide state:
 * NodeResourcesFit (LeastAllocated), NodeResourcesBalancedAllocation, and the
 * normalisation helpers (`helper.DefaultNormalizeScore`). Scores are 0–100.
 */
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo } from './types.js';

/** Default-profile weights of the score plugins. */
export const ScoreWeight = {
  taintToleration: 3,
  nodeAffinity: 2,
  nodeResourcesFit: 1,
  podTopologySpread: 2,
  interPodAffinity: 2,
  balancedAllocation: 1,
} as const;

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * LeastAllocated over CPU and memory (weight 1 each), using the node's
 * non-zero requests plus the pod's: emptier nodes score higher.
 */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatableCPU;
  const mem = node.allocatableMemory;
  if (cpu > 0 && mem > 0) {
    const sum =
      leastRequested(node.nonZeroCPU + pod.nonZeroRequests.milliCPU, cpu) +
      leastRequested(node.nonZeroMemory + pod.nonZeroRequests.memory, mem);
    return Math.trunc(sum / 2);
  }
  if (cpu > 0) return leastRequested(node.nonZeroCPU + pod.nonZeroRequests.milliCPU, cpu);
  if (mem > 0) return leastRequested(node.nonZeroMemory + pod.nonZeroRequests.memory, mem);
  return 0;
}

/** Whether BalancedAllocation skips the pod: it requests nothing (best effort). */
export function isBestEffort(pod: PodInfo): boolean {
  return pod.requests.milliCPU === 0 && pod.requests.memory === 0;
}

/**
 * BalancedAllocation: 100 × (1 − std) of the CPU and memory fractions the node
 * would have with the pod (actual requests): balanced nodes score higher.
 */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatableCPU;
  const mem = node.allocatableMemory;
  // One resource alone has no deviation; none scores the same.
  if (cpu === 0 || mem === 0) return MAX_NODE_SCORE;
  const fc = Math.min(1, (node.requestedCPU + pod.requests.milliCPU) / cpu);
  const fm = Math.min(1, (node.requestedMemory + pod.requests.memory) / mem);
  return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
}

/**
 * `DefaultNormalizeScore`, in place: scales to 0–100 by the maximum; `reverse`
 * makes fewer better. All zero → 0 (or 100 when reversed).
 */
export function defaultNormalize(scores: Float64Array, reverse: boolean): Float64Array {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  for (let i = 0; i < scores.length; i++) {
    const v = max === 0 ? 0 : Math.trunc((MAX_NODE_SCORE * (scores[i] as number)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - v : v;
  }
  return scores;
}

/** InterPodAffinity's NormalizeScore, in place: min–max scaling to 0–100. */
export function minMaxNormalize(scores: Float64Array): Float64Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    min = Math.min(min, scores[i] as number);
    max = Math.max(max, scores[i] as number);
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * (((scores[i] as number) - min) / diff)) : 0;
  }
  return scores;
}
