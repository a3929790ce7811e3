/**
 * The ReplicaSet controller's decisions (`manageReplicas` and
 * `calculateStatus` in `replica_set.go` upstream), as pure functions: how many
 * pods to create, which to delete, and the status to report.
 */
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { selectorFromMap } from '../../api/labels.js';
import type { Typed } from '../../api/types.js';
import { rfc3339 } from '../../util/clock.js';
import { isPodAvailable, isPodReady, type PodObject } from '../runtime/pods.js';
import { podsToDelete } from './ranking.js';

/** A stored ReplicaSet. */
export type ReplicaSetObject = Typed<ReplicaSet>;

/** Most pods created or deleted in one sync (`BurstReplicas`). */
export const BURST_REPLICAS = 500;

/** What one ReplicaSet sync does to pods. */
export interface ReplicaSetPlan {
  /** Pods to create now. */
  readonly create: number;
  /** Pods to delete now, in deletion order. */
  readonly delete: readonly PodObject[];
}

/**
 * Compares the ReplicaSet's active pods with `spec.replicas` and plans at most
 * 500 creations or deletions; deletions follow upstream's ranking (see
 * ranking.ts), with `relatedPods` the active pods of sibling ReplicaSets.
 */
export function planReplicaSet(
  rs: ReplicaSetObject,
  pods: readonly PodObject[],
  relatedPods: readonly PodObject[],
  now: number,
): ReplicaSetPlan {
  const diff = pods.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), delete: [] };
  if (diff > 0)
    return { create: 0, delete: podsToDelete(pods, relatedPods, Math.min(diff, BURST_REPLICAS), now) };
  return { create: 0, delete: [] };
}

/**
 * `calculateStatus`: counts over the ReplicaSet's active pods (fully labeled
 * by the template's labels, ready, available after minReadySeconds) and the
 * ReplicaFailure condition, set when managing replicas failed and removed once
 * it succeeds. Zero counts are omitted, as upstream serialises them.
 */
export function calculateReplicaSetStatus(
  rs: ReplicaSetObject,
  pods: readonly PodObject[],
  manageError: Error | undefined,
  now: number,
): ReplicaSetStatus {
  const template = selectorFromMap(rs.spec?.template?.metadata?.labels);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabelled = Object.keys(rs.spec?.template?.metadata?.labels ?? {}).length > 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (!templateLabelled || template.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] | undefined = rs.status?.conditions
    ? [...rs.status.conditions]
    : undefined;
  const failure = conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [
      ...(conditions ?? []),
      {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: rfc3339(now),
        reason,
        message: manageError.message,
      },
    ];
  } else if (!manageError && failure) {
    conditions = conditions?.filter((c) => c.type !== 'ReplicaFailure');
  }
  const status: { -readonly [K in keyof ReplicaSetStatus]: ReplicaSetStatus[K] } = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions && conditions.length > 0) status.conditions = conditions;
  return status;
}

/**
 * Whether a status write is due (`updateReplicaSetStatus`): the counts or
 * conditions changed, or the generation has not been observed yet.
 */
export function statusNeedsUpdate(rs: ReplicaSetObject, next: ReplicaSetStatus): boolean {
  const cur = rs.status;
  return (
    (cur?.replicas ?? 0) !== next.replicas ||
    (cur?.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur?.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur?.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (rs.metadata.generation ?? 1) !== (cur?.observedGeneration ?? 0) ||
    JSON.stringify(cur?.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}
