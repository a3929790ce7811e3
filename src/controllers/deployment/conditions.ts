/**
 * Deployment status and conditions (`deploymentutil` conditions helpers,
 * `calculateStatus`, and the progress predicates of `progress.go`). The
 * condition reasons and messages are upstream's, because `kubectl rollout
 * status` and `describe` print them.
 */
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { rfc3339 } from '../../util/clock.js';
import {
  actualReplicaSum,
  availableReplicaSum,
  type DeploymentObject,
  desiredReplicas,
  maxUnavailable,
  progressDeadlineSeconds,
  type ReplicaSetObject,
  readyReplicaSum,
  specReplicaSum,
} from './util.js';

/** Condition reasons, as upstream names them. */
export const Reason = {
  /** Progressing=False: creating the new ReplicaSet failed. */
  FailedRSCreate: 'ReplicaSetCreateError',
  /** Progressing=True: the new ReplicaSet was just created. */
  NewReplicaSet: 'NewReplicaSetCreated',
  /** Progressing=True: the new ReplicaSet already existed when the controller looked. */
  FoundNewRS: 'FoundNewReplicaSet',
  /** Progressing=True: pods of the new ReplicaSet were added or became ready. */
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  /** Progressing=True: the rollout is complete. */
  NewRSAvailable: 'NewReplicaSetAvailable',
  /** Progressing=False: no progress within progressDeadlineSeconds. */
  TimedOut: 'ProgressDeadlineExceeded',
  /** Progressing=Unknown: `spec.paused` was set. */
  Paused: 'DeploymentPaused',
  /** Progressing=Unknown: `spec.paused` was cleared. */
  Resumed: 'DeploymentResumed',
  /** Available=True. */
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  /** Available=False. */
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** A status being built: its conditions array may be replaced. */
export type MutableStatus = { -readonly [K in keyof DeploymentStatus]: DeploymentStatus[K] };

/** `NewDeploymentCondition`: both timestamps now. */
export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** The condition of `type` in a status, if present. */
export function getCondition(
  status: DeploymentStatus | undefined,
  type: string,
): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * `SetDeploymentCondition`: no-op when status and reason are unchanged; keeps
 * lastTransitionTime when only the reason changes; the condition moves to the end.
 */
export function setCondition(status: MutableStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  let c = condition;
  if (current && current.status === condition.status && current.lastTransitionTime) {
    c = { ...condition, lastTransitionTime: current.lastTransitionTime };
  }
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), c];
}

/** `RemoveDeploymentCondition`: drops the condition of `type`. */
export function removeCondition(status: MutableStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/**
 * `calculateStatus`: replica counts summed over the ReplicaSets, the
 * observed generation, and the Available condition (minimum availability is
 * replicas − maxUnavailable).
 */
export function calculateStatus(
  allRSs: readonly (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
  d: DeploymentObject,
  now: number,
): MutableStatus {
  const available = availableReplicaSum(allRSs);
  const unavailable = Math.max(0, specReplicaSum(allRSs) - available);
  // Every count is `omitempty` upstream: a zero is absent from the stored status.
  const status: MutableStatus = omitZeros({
    observedGeneration: d.metadata.generation ?? 1,
    replicas: actualReplicaSum(allRSs),
    updatedReplicas: actualReplicaSum([newRS]),
    readyReplicas: readyReplicaSum(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  });
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = [...d.status.conditions];
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        'Available',
        'True',
        Reason.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        Reason.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

function omitZeros(counts: Record<string, number>): MutableStatus {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v !== 0) out[k] = v;
  return out as MutableStatus;
}

/** `DeploymentComplete`: every replica updated and available, and the generation observed. */
export function deploymentComplete(d: DeploymentObject, status: DeploymentStatus): boolean {
  const n = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === n &&
    (status.replicas ?? 0) === n &&
    (status.availableReplicas ?? 0) === n &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 1)
  );
}

/**
 * `DeploymentProgressing`: compared with the stored status, more updated,
 * ready or available replicas, or fewer old ones.
 */
export function deploymentProgressing(d: DeploymentObject, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * `DeploymentTimedOut`: the Progressing condition has not been updated for
 * longer than progressDeadlineSeconds (never after a completed rollout).
 */
export function deploymentTimedOut(d: DeploymentObject, status: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined) return false;
  const c = getCondition(status, 'Progressing');
  if (!c) return false;
  if (c.reason === Reason.NewRSAvailable) return false;
  if (c.reason === Reason.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + deadline * 1000 < now;
}
