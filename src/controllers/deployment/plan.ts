/**
 * `planDeploymentSync`: the whole decision of one Deployment sync
 * (`syncDeployment` upstream) as a pure function from the Deployment, its
 * ReplicaSets and (for Recreate) their pods to an ordered list of writes,
 * events and requeues. The DeploymentController performs them.
 */
import { deepEqual } from '../../store/equality.js';
import type { PodObject } from '../runtime/pods.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import {
  type DeploymentAction,
  flushDeployment,
  newSyncState,
  recordEvent,
  type SyncState,
  setStatus,
} from './plan-state.js';
import { checkPausedConditions, syncDeploymentStatus } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { isScalingEvent, syncScaling } from './scale.js';
import { type DeploymentObject, isRecreate, type ReplicaSetObject } from './util.js';

/** Everything one sync decides from. */
export interface DeploymentSyncInput {
  /** The Deployment as stored. */
  readonly deployment: DeploymentObject;
  /** The ReplicaSets it controls (after adoption and release). */
  readonly replicaSets: readonly ReplicaSetObject[];
  /** Pods of those ReplicaSets by ReplicaSet uid; only Recreate reads it. */
  readonly podsByReplicaSet?: ReadonlyMap<string, readonly PodObject[]>;
  /** The current time, ms since the epoch (condition timestamps, deadlines). */
  readonly now: number;
}

/** What a sync decided. */
export interface DeploymentPlan {
  /** Writes, events and requeues, in the order the runner must perform them. */
  readonly actions: readonly DeploymentAction[];
}

/**
 * Plans one sync. The order of checks is upstream's: a selector that selects
 * everything is refused with a SelectingAll warning; a Deployment being
 * deleted only gets its status; paused conditions; paused → scale only;
 * a scaling event → scale only; otherwise a Recreate or RollingUpdate step.
 */
export function planDeploymentSync(input: DeploymentSyncInput): DeploymentPlan {
  const state = newSyncState(input.deployment, input.now);
  const d = input.deployment;
  if (d.spec?.selector && deepEqual(d.spec.selector, {})) {
    planSelectingAll(state);
    return { actions: state.actions };
  }
  let rsList = input.replicaSets;
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(state, rsList, false);
    syncDeploymentStatus(state, [...oldRSs, newRS], newRS);
    return { actions: state.actions };
  }
  checkPausedConditions(state);
  if (state.d.spec?.paused) {
    syncScaling(state, rsList);
    return { actions: state.actions };
  }
  const scaling = isScalingEvent(state, rsList);
  rsList = latestReplicaSets(state, rsList);
  if (scaling) syncScaling(state, rsList);
  else if (isRecreate(state.d)) rolloutRecreate(state, rsList, input.podsByReplicaSet ?? new Map());
  else rolloutRolling(state, rsList);
  return { actions: state.actions };
}

function planSelectingAll(state: SyncState): void {
  recordEvent(
    state,
    'Warning',
    'SelectingAll',
    'This deployment is selecting all pods. A non-empty selector is required.',
  );
  const generation = state.d.metadata.generation ?? 1;
  if ((state.d.status?.observedGeneration ?? 0) < generation) {
    setStatus(state, { ...state.d.status, observedGeneration: generation });
    flushDeployment(state);
  }
}

/**
 * The ReplicaSets as the plan has written them so far. (Upstream re-reads
 * nothing here and relies on a conflict and requeue when it writes a
 * ReplicaSet twice in one sync; planning on the written versions reaches the
 * same state in one pass.)
 */
function latestReplicaSets(state: SyncState, rsList: readonly ReplicaSetObject[]): ReplicaSetObject[] {
  const latest = new Map<string, ReplicaSetObject>();
  for (const a of state.actions)
    if (a.kind === 'updateReplicaSet') latest.set(a.replicaSet.metadata.name ?? '', a.replicaSet);
  return rsList.map((rs) => latest.get(rs.metadata.name ?? '') ?? rs);
}
