/**
 * Which ReplicaSet to sync when something changes (the event handlers of
 * `replica_set.go`): the ReplicaSet itself; the controller of a pod that was
 * added, changed or deleted; for an orphan pod, every ReplicaSet whose
 * selector matches it (so one can adopt it); and, when a pod turns ready under
 * minReadySeconds, the ReplicaSet again once the pod can count as available.
 */

import { type OwnerReference, objectKey } from '../../api/types.js';
import { deepEqual } from '../../store/equality.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe } from '../../store/watch.js';
import { controllerRefOf } from '../runtime/controller-ref.js';
import { inform } from '../runtime/informer.js';
import { isPodReady, type PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import type { ReplicaSetObject } from './plan.js';

/** Store key of ReplicaSets. */
export const REPLICASETS = 'replicasets.apps';

/** How the handlers queue ReplicaSet keys. */
export interface ReplicaSetEnqueue {
  /** Syncs a ReplicaSet now. */
  readonly now: (key: string) => void;
  /** Syncs a ReplicaSet after `ms`. */
  readonly after: (key: string, ms: number) => void;
}

/** Subscribes the ReplicaSet controller's handlers. Returns the unsubscribe functions. */
export function watchReplicaSetInputs(store: ObjectStore, enqueue: ReplicaSetEnqueue): Unsubscribe[] {
  const owner = (pod: PodObject, ref = controllerRefOf(pod)) =>
    resolveReplicaSet(store, pod.metadata.namespace, ref);
  const enqueueOrphanMatches = (pod: PodObject) => {
    for (const rs of replicaSetsMatching(store, pod)) enqueue.now(objectKey(rs));
  };
  const onAdd = (pod: PodObject) => {
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = owner(pod, ref);
      if (rs) enqueue.now(objectKey(rs));
      return;
    }
    if (!pod.metadata.deletionTimestamp) enqueueOrphanMatches(pod);
  };
  const onUpdate = (old: PodObject, pod: PodObject) => {
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(pod);
    const refChanged = oldRef?.uid !== curRef?.uid;
    const labelsChanged = !deepEqual(old.metadata.labels, pod.metadata.labels);
    if (refChanged && oldRef) {
      const previous = owner(old, oldRef);
      if (previous) enqueue.now(objectKey(previous));
    }
    if (curRef) {
      const rs = owner(pod, curRef);
      if (!rs) return;
      enqueue.now(objectKey(rs));
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod))
        enqueue.after(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) enqueueOrphanMatches(pod);
  };
  return [
    inform<ReplicaSetObject>(store, REPLICASETS, {
      onAdd: (rs) => enqueue.now(objectKey(rs)),
      onUpdate: (_old, rs) => enqueue.now(objectKey(rs)),
      onDelete: (rs) => enqueue.now(objectKey(rs)),
    }),
    inform<PodObject>(store, 'pods', {
      onAdd,
      onUpdate,
      onDelete: (pod) => {
        const rs = owner(pod);
        if (rs) enqueue.now(objectKey(rs));
      },
    }),
  ];
}

function resolveReplicaSet(
  store: ObjectStore,
  namespace: string | undefined,
  ref: OwnerReference | undefined,
): ReplicaSetObject | undefined {
  if (ref?.kind !== 'ReplicaSet') return undefined;
  const rs = store.get<ReplicaSetObject>(REPLICASETS, namespace, ref.name);
  return rs && rs.metadata.uid === ref.uid ? rs : undefined;
}

/** `getPodReplicaSets`: ReplicaSets of the pod's namespace whose non-empty selector matches it. */
function replicaSetsMatching(store: ObjectStore, pod: PodObject): ReplicaSetObject[] {
  return store.list<ReplicaSetObject>(REPLICASETS, { namespace: pod.metadata.namespace }).filter((rs) => {
    const selector = compiledSelector(rs.spec?.selector);
    return !selector.empty && selector.matches(pod.metadata.labels);
  });
}
