/**
 * The text of a scheduling failure (`framework.FitError.Error` plus the
 * DefaultPreemption PostFilter's message), exactly as `kubectl describe pod`
 * shows it in the FailedScheduling event:
 *
 *   0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 *   2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for
 *   scheduling, 2 No preemption victims found for incoming pod.
 *
 * Preemption itself is not emulated: a node where preemption could help (its
 * failure is resolvable) reports that no victims were found, which is what
 * upstream reports while every pod shares the default priority.
 */
import type { FilterFailure } from './types.js';

/** Preemption diagnostics for a node whose failure preemption cannot fix. */
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** Preemption diagnostics for a full node with no lower-priority pods to evict. */
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** Message when the cluster has no nodes at all (`ErrNoNodesAvailable`). */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** `0/N nodes are available: <count> <reason>, …` sorted as upstream sorts the strings. */
function histogram(reasons: Iterable<string>, numAllNodes: number): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numAllNodes} nodes are available:${parts.length ? ` ${parts.join(', ')}.` : ''}`;
}

/**
 * The FailedScheduling message for a pod that fits no node. `failures` has one
 * entry per node; `preemptionPolicy` is the pod's.
 */
export function fitErrorMessage(
  failures: readonly FilterFailure[],
  preemptionPolicy: string | undefined,
): string {
  const n = failures.length;
  const filterMsg = histogram(
    failures.flatMap((f) => f.reasons),
    n,
  );
  if (preemptionPolicy === 'Never')
    return `${filterMsg} preemption: not eligible due to preemptionPolicy=Never.`;
  const preemption = histogram(
    failures.map((f) =>
      f.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS,
    ),
    n,
  );
  return `${filterMsg} preemption: ${preemption}`;
}
