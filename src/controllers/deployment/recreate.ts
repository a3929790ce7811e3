/**
 * The Recreate strategy (`recreate.go` upstream): scale every old ReplicaSet to
 * zero, wait until none of their pods is running any more (terminating pods
 * count), and only then create and scale up the new ReplicaSet.
 */
import type { PodObject } from '../runtime/pods.js';
import { deploymentComplete } from './conditions.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { type SyncState, scaleReplicaSetAndRecordEvent } from './plan-state.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment } from './scale.js';
import { activeReplicaSets, actualReplicaSum, desiredReplicas, type ReplicaSetObject } from './util.js';

/** `rolloutRecreate`: one step of a Recreate rollout, then the status. */
export function rolloutRecreate(
  state: SyncState,
  rsList: readonly ReplicaSetObject[],
  podsByReplicaSet: ReadonlyMap<string, readonly PodObject[]>,
): void {
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, false);
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if (scaleReplicaSetAndRecordEvent(state, rs, 0).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podsByReplicaSet)) {
    syncRolloutStatus(state, allRSs, newRS);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) scaleReplicaSetAndRecordEvent(state, newRS, desiredReplicas(state.d));
  if (deploymentComplete(state.d, state.d.status ?? {})) cleanupDeployment(state, oldRSs);
  syncRolloutStatus(state, allRSs, newRS);
}

/**
 * `oldPodsRunning`: old ReplicaSets still report replicas, or a pod of one of
 * them is in any phase but Succeeded/Failed.
 */
export function oldPodsRunning(
  newRS: ReplicaSetObject | undefined,
  oldRSs: readonly ReplicaSetObject[],
  podsByReplicaSet: ReadonlyMap<string, readonly PodObject[]>,
): boolean {
  if (actualReplicaSum(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByReplicaSet) {
    if (newRS?.metadata.uid !== undefined && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
