/**
 * Binding a pod to a node, as the API server's `pods/binding` subresource
 * does (`BindingREST.setPodHostAndAnnotations`): set `spec.nodeName` and the
 * PodScheduled=True condition in one write, refusing a pod that is already
 * assigned or being deleted.
 *
 * Why through the store and not `Registry.update`: binding is its own storage
 * path upstream, not a pod update — pod update validation forbids changing
 * `spec.nodeName` — and the Registry has no binding method yet. The checks
 * below are the binding path's own.
 */
import { conflict, notFound } from '../../api/errors.js';
import type { PodCondition } from '../../api/types.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { PodObject } from '../runtime/pods.js';
import { timestamp } from '../runtime/time.js';

const POD_INFO = { group: '', resource: 'pods' } as const;

/**
 * Binds the pod (`namespace/name`, uid checked) to `nodeName` at `now`.
 * Returns the stored pod; throws NotFound or Conflict as the API server does.
 */
export function bindPod(store: ObjectStore, pod: PodObject, nodeName: string, now: number): PodObject {
  const name = pod.metadata.name ?? '';
  const current = store.get<PodObject>('pods', pod.metadata.namespace, name);
  if (!current || (pod.metadata.uid && current.metadata.uid !== pod.metadata.uid))
    throw notFound(POD_INFO, name);
  if (current.metadata.deletionTimestamp) {
    throw conflict(POD_INFO, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (current.spec?.nodeName) {
    throw conflict(POD_INFO, name, `pod ${name} is already assigned to node "${current.spec.nodeName}"`);
  }
  const conditions = setPodCondition(
    current.status?.conditions,
    { type: 'PodScheduled', status: 'True' },
    now,
  );
  return store.update<PodObject>('pods', {
    ...current,
    spec: { ...current.spec, containers: current.spec?.containers ?? [], nodeName },
    status: { ...current.status, conditions },
  });
}

/**
 * `podutil.UpdatePodCondition`: replaces the condition of the same type; the
 * transition time moves only when the status changes.
 */
export function setPodCondition(
  conditions: readonly PodCondition[] | undefined,
  condition: PodCondition,
  now: number,
): PodCondition[] {
  const list = conditions ?? [];
  const existing = list.find((c) => c.type === condition.type);
  const lastTransitionTime =
    existing && existing.status === condition.status && existing.lastTransitionTime
      ? existing.lastTransitionTime
      : timestamp(now);
  const next: PodCondition = { ...condition, lastTransitionTime };
  if (!existing) return [...list, next];
  return list.map((c) => (c.type === condition.type ? next : c));
}
