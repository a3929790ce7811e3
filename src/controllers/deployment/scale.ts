/**
 * Scaling without rolling (`sync.go` upstream): a `kubectl scale` or a paused
 * Deployment changes replicas and the ReplicaSets follow — all of it to the one
 * active ReplicaSet, or proportionally to each during a rollout — plus the
 * revision history cleanup.
 */
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { type SyncState, scaleReplicaSet, scaleReplicaSetAndRecordEvent } from './plan-state.js';
import { syncDeploymentStatus } from './progress.js';
import {
  activeReplicaSets,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  DESIRED_REPLICAS_ANNOTATION,
  type DeploymentObject,
  desiredReplicas,
  intAnnotation,
  isRollingUpdate,
  MAX_REPLICAS_ANNOTATION,
  maxSurge,
  type ReplicaSetObject,
  revisionHistoryLimit,
  rsReplicas,
  specReplicaSum,
} from './util.js';

/** `sync`: scale, clean up history when paused, and write the status. */
export function syncScaling(state: SyncState, rsList: readonly ReplicaSetObject[]): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, false);
  scale(state, newRS, oldRSs);
  if (state.d.spec?.paused) cleanupDeployment(state, oldRSs);
  syncDeploymentStatus(state, [...oldRSs, newRS], newRS);
}

/**
 * `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs
 * from the Deployment's replicas, so the user scaled (rather than changed the
 * template).
 */
export function isScalingEvent(state: SyncState, rsList: readonly ReplicaSetObject[]): boolean {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, false);
  for (const rs of activeReplicaSets([...oldRSs, newRS])) {
    const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    if (desired !== undefined && desired !== desiredReplicas(state.d)) return true;
  }
  return false;
}

/** `scale`: brings the ReplicaSets' sizes in line with the Deployment's replicas. */
function scale(
  state: SyncState,
  newRS: ReplicaSetObject | undefined,
  oldRSs: readonly ReplicaSetObject[],
): void {
  const d = state.d;
  const desired = desiredReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if (rsReplicas(single) !== desired) scaleReplicaSetAndRecordEvent(state, single, desired);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) scaleReplicaSetAndRecordEvent(state, old, 0);
    return;
  }
  if (isRollingUpdate(d)) scaleProportionally(state, activeReplicaSets([...oldRSs, newRS]));
}

/**
 * Distributes the change in (replicas + maxSurge) over the active ReplicaSets in
 * proportion to their size (larger first; newer first when growing, older first
 * when shrinking); the rounding leftover goes to the first.
 */
function scaleProportionally(state: SyncState, active: ReplicaSetObject[]): void {
  const d = state.d;
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaSum(active);
  let operation: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    active.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    active.sort(bySizeOlder);
    operation = 'down';
  }
  const sizes: number[] = [];
  let added = 0;
  for (const rs of active) {
    const proportion = toAdd !== 0 ? replicaSetProportion(rs, d, toAdd, added) : 0;
    sizes.push(rsReplicas(rs) + proportion);
    added += proportion;
  }
  active.forEach((rs, i) => {
    let size = sizes[i] as number;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(state, rs, size, operation);
  });
}

/** `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is active. */
function findActiveOrLatest(
  newRS: ReplicaSetObject | undefined,
  oldRSs: readonly ReplicaSetObject[],
): ReplicaSetObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}

/** `IsSaturated`: the new ReplicaSet is at full size and all of it available. */
function isSaturated(d: DeploymentObject, rs: ReplicaSetObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicas(d);
  return (
    rsReplicas(rs) === desired &&
    intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION) === desired &&
    (rs.status?.availableReplicas ?? 0) === desired
  );
}

/** `GetReplicaSetProportion`: this ReplicaSet's share of `toAdd`, bounded by what is left. */
function replicaSetProportion(
  rs: ReplicaSetObject,
  d: DeploymentObject,
  toAdd: number,
  added: number,
): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * `getReplicaSetFraction`: the size this ReplicaSet would have at the new
 * (replicas + maxSurge), scaled from the max-replicas it was sized for.
 */
function replicaSetFraction(rs: ReplicaSetObject, d: DeploymentObject): number {
  const size = rsReplicas(rs);
  if (desiredReplicas(d) === 0) return -size;
  const deploymentMax = desiredReplicas(d) + maxSurge(d);
  let before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? 0;
  if (before === 0) before = d.status?.replicas ?? 0;
  if (before === 0) return 0;
  return roundHalfAwayFromZero((size * deploymentMax) / before) - size;
}

/** Go's `math.Round`. */
function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * `cleanupDeployment`: deletes the oldest revisions beyond revisionHistoryLimit,
 * skipping any ReplicaSet that still has replicas, is already being deleted, or
 * whose spec change the ReplicaSet controller has not observed yet.
 */
export function cleanupDeployment(state: SyncState, oldRSs: readonly ReplicaSetObject[]): void {
  const limit = revisionHistoryLimit(state.d);
  const cleanable = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 1) > (rs.status?.observedGeneration ?? 0)) continue;
    state.actions.push({ kind: 'deleteReplicaSet', replicaSet: rs });
  }
}
