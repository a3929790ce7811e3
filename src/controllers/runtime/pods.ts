/**
 * Pod predicates shared by the controllers (k8s.io/kubernetes `pkg/api/v1/pod`
 * and `pkg/controller` helpers). Pure functions of the pod (and `now`).
 */
import type { Pod, PodCondition, Typed } from '../../api/types.js';

/** A stored Pod. */
export type PodObject = Typed<Pod>;

/**
 * Whether a pod still counts as a replica (`controller.IsPodActive`): not
 * Succeeded, not Failed and not being deleted.
 */
export function isPodActive(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

/** The pod's Ready condition, if reported. */
export function podReadyCondition(pod: PodObject): PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (!conditions) return undefined;
  for (const c of conditions) if (c.type === 'Ready') return c;
  return undefined;
}

/** Whether the Ready condition is True (`podutil.IsPodReady`). */
export function isPodReady(pod: PodObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (ms since epoch), or undefined when not ready or unknown. */
export function podReadyTime(pod: PodObject): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/**
 * Whether the pod is available (`podutil.IsPodAvailable`): ready, and ready for
 * at least `minReadySeconds` (strictly longer, as upstream compares with Before).
 */
export function isPodAvailable(pod: PodObject, minReadySeconds: number, now: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  if (!c.lastTransitionTime) return false;
  return Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 < now;
}
