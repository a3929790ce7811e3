/**
 * The annotations the Deployment controller keeps on ReplicaSets
 * (`deploymentutil.SetNewReplicaSetAnnotations`, `SetReplicasAnnotations`):
 * the revision, the revision history of a revived ReplicaSet, the desired and
 * max replicas used for proportional scaling, and the Deployment's own
 * annotations (which carry `kubernetes.io/change-cause` into `rollout history`).
 *
 * Each function edits a mutable copy of an annotation map and reports whether
 * it changed anything.
 */
import {
  DESIRED_REPLICAS_ANNOTATION,
  type DeploymentObject,
  desiredReplicas,
  MAX_REPLICAS_ANNOTATION,
  maxSurge,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from './util.js';

/** Longest `revision-history` value kept, in characters (`maxRevHistoryLengthInChars`). */
const MAX_REVISION_HISTORY_CHARS = 2000;

/** Deployment annotations never copied to ReplicaSets (`annotationsToSkip`). */
const SKIPPED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** Copies the Deployment's annotations (minus the skipped ones) onto `annotations`. */
export function copyDeploymentAnnotations(d: DeploymentObject, annotations: Record<string, string>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Sets desired-replicas and max-replicas (the Deployment's replicas and
 * replicas + maxSurge at the time of the last scaling).
 */
export function setReplicasAnnotations(
  annotations: Record<string, string>,
  desired: number,
  max: number,
): boolean {
  let changed = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** `SetReplicasAnnotations` with the Deployment's current replicas and maxSurge. */
export function setDeploymentReplicasAnnotations(
  d: DeploymentObject,
  annotations: Record<string, string>,
): boolean {
  const desired = desiredReplicas(d);
  return setReplicasAnnotations(annotations, desired, desired + maxSurge(d));
}

/**
 * Brings the new ReplicaSet's annotations up to date (`SetNewReplicaSetAnnotations`):
 * copies the Deployment's annotations; raises the revision to `newRevision`
 * when it is higher, and then — the ReplicaSet being revived by a rollback —
 * appends the old revision to `revision-history` (oldest entries dropped past
 * 2000 characters); sets the replica annotations on a ReplicaSet about to be
 * created (`exists` false).
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentObject,
  annotations: Record<string, string>,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotations(d, annotations);
  const had = REVISION_ANNOTATION in annotations;
  const oldText = annotations[REVISION_ANNOTATION] ?? '';
  let oldRevision = 0;
  if (oldText !== '') {
    if (!/^[+-]?\d+$/.test(oldText)) return false;
    oldRevision = Number(oldText);
  }
  if (oldRevision < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had) appendRevisionHistory(annotations, oldText);
  }
  if (!exists && setDeploymentReplicasAnnotations(d, annotations)) changed = true;
  return changed;
}

function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
  if (history === '') {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > MAX_REVISION_HISTORY_CHARS && start < revisions.length) {
    total -= (revisions[start] ?? '').length + 1;
    start++;
  }
  if (total <= MAX_REVISION_HISTORY_CHARS) {
    annotations[REVISION_HISTORY_ANNOTATION] = [...revisions.slice(start), oldRevision].join(',');
  }
}
