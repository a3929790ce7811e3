/**
 * Taints and tolerations (`v1helper.TolerationsTolerateTaint`,
 * `FindMatchingUntoleratedTaint`), and the taints a node carries for the
 * scheduler, including the ones the node lifecycle controller adds for a node
 * that is not Ready (TaintNodesByCondition).
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Toleration } from '../../api/types.js';
import type { NodeObject } from './types.js';

/** Taint of a node whose Ready condition is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Taint of a node whose Ready condition is Unknown. */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Taint of a cordoned node (`spec.unschedulable`). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** `Toleration.ToleratesTaint`. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether any toleration tolerates the taint. */
export function tolerationsTolerate(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** The first taint of `taints` that no toleration tolerates, if any. */
export function firstUntolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Taint | undefined {
  for (const taint of taints) if (!tolerationsTolerate(tolerations, taint)) return taint;
  return undefined;
}

/**
 * The node's taints with effect NoSchedule/NoExecute and PreferNoSchedule. A
 * node whose Ready condition is not True and that does not yet carry the
 * not-ready/unreachable taint gets it here, as the node lifecycle controller
 * would add it: `not-ready` for False (or no condition), `unreachable` for Unknown.
 */
export function schedulingTaints(node: NodeObject): { noSchedule: Taint[]; preferNoSchedule: Taint[] } {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (
    ready?.status !== 'True' &&
    !taints.some((t) => t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE)
  ) {
    taints.push({
      key: ready?.status === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY,
      effect: 'NoSchedule',
    });
  }
  return {
    noSchedule: taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    preferNoSchedule: taints.filter((t) => t.effect === 'PreferNoSchedule'),
  };
}

/**
 * TaintToleration's raw score: PreferNoSchedule taints not tolerated by a
 * toleration with effect PreferNoSchedule or none (fewer is better).
 */
export function intolerablePreferNoSchedule(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): number {
  if (taints.length === 0) return 0;
  const relevant = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const taint of taints) if (!tolerationsTolerate(relevant, taint)) n++;
  return n;
}
