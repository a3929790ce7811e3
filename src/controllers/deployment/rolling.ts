/**
 * The RollingUpdate strategy (`rolling.go` upstream): grow the new ReplicaSet
 * within maxSurge, shrink old ones within maxUnavailable (unhealthy replicas
 * first), and clean up history once the rollout is complete. Old ReplicaSets
 * of any age are scaled down together, which is what makes a rollover (a new
 * template while a rollout is in flight) work.
 */
import { deploymentComplete } from './conditions.js';
import { getAllReplicaSetsAndSyncRevision, newRSNewReplicas } from './new-replicaset.js';
import { type SyncState, scaleReplicaSetAndRecordEvent } from './plan-state.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment } from './scale.js';
import {
  activeReplicaSets,
  availableReplicaSum,
  byCreation,
  desiredReplicas,
  maxUnavailable,
  type ReplicaSetObject,
  rsReplicas,
  specReplicaSum,
} from './util.js';

/** `rolloutRolling`: one step of a rolling update, then the status. */
export function rolloutRolling(state: SyncState, rsList: readonly ReplicaSetObject[]): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, true);
  if (!newRS) return;
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(state, allRSs, newRS)) {
    syncRolloutStatus(state, allRSs, newRS);
    return;
  }
  if (reconcileOldReplicaSets(state, allRSs, activeReplicaSets(oldRSs), newRS)) {
    syncRolloutStatus(state, allRSs, newRS);
    return;
  }
  if (deploymentComplete(state.d, state.d.status ?? {})) cleanupDeployment(state, oldRSs);
  syncRolloutStatus(state, allRSs, newRS);
}

/** Scales the new ReplicaSet toward the desired count, as far as the surge allows. */
function reconcileNewReplicaSet(
  state: SyncState,
  allRSs: readonly ReplicaSetObject[],
  newRS: ReplicaSetObject,
): boolean {
  const desired = desiredReplicas(state.d);
  const current = rsReplicas(newRS);
  if (current === desired) return false;
  if (current > desired) return scaleReplicaSetAndRecordEvent(state, newRS, desired).scaled;
  return scaleReplicaSetAndRecordEvent(state, newRS, newRSNewReplicas(state.d, allRSs, newRS)).scaled;
}

/**
 * Scales old ReplicaSets down as far as availability allows: never below
 * replicas − maxUnavailable available pods, counting the new ReplicaSet's
 * unavailable pods against the budget.
 */
function reconcileOldReplicaSets(
  state: SyncState,
  allRSs: readonly ReplicaSetObject[],
  oldRSs: ReplicaSetObject[],
  newRS: ReplicaSetObject,
): boolean {
  if (specReplicaSum(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(state.d) - maxUnavailable(state.d);
  const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaSum(allRSs) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleanup = cleanupUnhealthyReplicas(state, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(state, [...oldRSs, newRS], oldRSs);
  return cleanup + scaledDown > 0;
}

/**
 * Removes replicas of old ReplicaSets that are not available, oldest
 * ReplicaSet first, up to `maxCleanup`; they would otherwise block the rollout.
 * Replaces entries of `oldRSs` (sorted in place) with their written versions.
 */
function cleanupUnhealthyReplicas(state: SyncState, oldRSs: ReplicaSetObject[], maxCleanup: number): number {
  oldRSs.sort(byCreation);
  let total = 0;
  for (let i = 0; i < oldRSs.length; i++) {
    const rs = oldRSs[i] as ReplicaSetObject;
    if (total >= maxCleanup) break;
    const replicas = rsReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    oldRSs[i] = scaleReplicaSetAndRecordEvent(state, rs, replicas - count).rs;
    total += count;
  }
  return total;
}

/** Scales old ReplicaSets down, oldest first, by what the available pods above the minimum allow. */
function scaleDownOldReplicaSetsForRollingUpdate(
  state: SyncState,
  allRSs: readonly ReplicaSetObject[],
  oldRSs: ReplicaSetObject[],
): number {
  const minAvailable = desiredReplicas(state.d) - maxUnavailable(state.d);
  const available = availableReplicaSum(allRSs);
  if (available <= minAvailable) return 0;
  oldRSs.sort(byCreation);
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= budget) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, budget - total);
    scaleReplicaSetAndRecordEvent(state, rs, replicas - count);
    total += count;
  }
  return total;
}
