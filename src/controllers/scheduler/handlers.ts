/**
 * Keeps the scheduler cache and queue in step with the store (the scheduler's
 * `addAllEventHandlers`): assigned pods are counted on their node (until they
 * finish or are deleted), unassigned pods this scheduler is responsible for
 * are queued, and node or pod changes that may let a waiting pod fit move the
 * unschedulable pods back to the queue.
 */
import { deepEqual } from '../../store/equality.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe } from '../../store/watch.js';
import { inform } from '../runtime/informer.js';
import type { PodObject } from '../runtime/pods.js';
import type { SchedulerCache } from './cache.js';
import type { NodeObject, PodInfo } from './types.js';

/** How the handlers reach into the Scheduler's queue. */
export interface SchedulerHooks {
  /** Queues an unassigned pod (`namespace/name`). */
  readonly enqueue: (key: string) => void;
  /** Forgets a pod that no longer needs scheduling. */
  readonly forget: (key: string) => void;
  /** Something changed that may make unschedulable pods fit. */
  readonly moveAllToActiveOrBackoff: () => void;
  /** A waiting pod's own spec or labels changed. */
  readonly podUpdated: (key: string) => void;
  /** Whether this scheduler schedules the pod (`spec.schedulerName`). */
  readonly responsibleFor: (pod: PodObject) => boolean;
  /** The PodInfo to count an assigned pod with (the one computed when scheduling it, if any). */
  readonly podInfo: (pod: PodObject) => PodInfo;
}

function keyOf(pod: PodObject): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

function isTerminal(pod: PodObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function needsScheduling(pod: PodObject, hooks: SchedulerHooks): boolean {
  return (
    !pod.spec?.nodeName && !isTerminal(pod) && !pod.metadata.deletionTimestamp && hooks.responsibleFor(pod)
  );
}

/** What of a node matters to filters and scores (heartbeats do not). */
function schedulingView(node: NodeObject): unknown {
  return [
    node.metadata.labels,
    node.spec?.taints,
    node.spec?.unschedulable,
    node.status?.allocatable,
    node.status?.conditions?.find((c) => c.type === 'Ready')?.status,
  ];
}

/** Subscribes the scheduler to nodes and pods. Returns the unsubscribe functions. */
export function watchSchedulerInputs(
  store: ObjectStore,
  cache: SchedulerCache,
  hooks: SchedulerHooks,
): Unsubscribe[] {
  const nodes = inform<NodeObject>(store, 'nodes', {
    onAdd: (node) => {
      cache.upsertNode(node);
      hooks.moveAllToActiveOrBackoff();
    },
    onUpdate: (old, node) => {
      cache.upsertNode(node);
      if (!deepEqual(schedulingView(old), schedulingView(node))) hooks.moveAllToActiveOrBackoff();
    },
    onDelete: (node) => cache.removeNode(node.metadata.name ?? ''),
  });
  const pods = inform<PodObject>(store, 'pods', {
    onAdd: (pod) => {
      if (pod.spec?.nodeName) {
        if (!isTerminal(pod)) cache.addPod(hooks.podInfo(pod), pod.spec.nodeName);
      } else if (needsScheduling(pod, hooks)) {
        hooks.enqueue(keyOf(pod));
      }
    },
    onUpdate: (old, pod) => onPodUpdate(old, pod, cache, hooks),
    onDelete: (pod) => {
      const uid = pod.metadata.uid ?? '';
      if (cache.nodeOfPod(uid) !== undefined) {
        cache.removePod(uid);
        hooks.moveAllToActiveOrBackoff();
      }
      if (!pod.spec?.nodeName) hooks.forget(keyOf(pod));
    },
  });
  return [nodes, pods];
}

function onPodUpdate(old: PodObject, pod: PodObject, cache: SchedulerCache, hooks: SchedulerHooks): void {
  const nodeName = pod.spec?.nodeName;
  const uid = pod.metadata.uid ?? '';
  if (nodeName) {
    if (isTerminal(pod)) {
      if (cache.nodeOfPod(uid) !== undefined) {
        cache.removePod(uid);
        hooks.moveAllToActiveOrBackoff();
      }
      return;
    }
    const labelsChanged = !deepEqual(old.metadata.labels, pod.metadata.labels);
    if (
      cache.nodeOfPod(uid) !== nodeName ||
      labelsChanged ||
      old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp
    ) {
      cache.addPod(hooks.podInfo(pod), nodeName);
    }
    if (!old.spec?.nodeName) hooks.forget(keyOf(pod));
    else if (labelsChanged) hooks.moveAllToActiveOrBackoff();
    return;
  }
  const key = keyOf(pod);
  if (!needsScheduling(pod, hooks)) {
    hooks.forget(key);
    return;
  }
  // Our own status writes (PodScheduled=False) must not requeue the pod.
  if (!deepEqual(old.spec, pod.spec) || !deepEqual(old.metadata.labels, pod.metadata.labels))
    hooks.podUpdated(key);
  else hooks.enqueue(key);
}
