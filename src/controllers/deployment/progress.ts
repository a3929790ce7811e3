/**
 * Status writes of a sync (`syncRolloutStatus`, `syncDeploymentStatus`,
 * `requeueStuckDeployment`, `checkPausedConditions` upstream): the Progressing
 * condition with its deadline, the Available condition, ReplicaSet failures
 * surfaced as ReplicaFailure, and the requeue that lets a stuck rollout time out.
 */
import type { DeploymentCondition } from 'kubernetes-types/apps/v1.js';
import { deepEqual } from '../../store/equality.js';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  type MutableStatus,
  newCondition,
  Reason,
  removeCondition,
  setCondition,
} from './conditions.js';
import { flushDeployment, type SyncState, setStatus } from './plan-state.js';
import { hasProgressDeadline, progressDeadlineSeconds, type ReplicaSetObject } from './util.js';

/** `syncDeploymentStatus`: writes the calculated status when it changed. */
export function syncDeploymentStatus(
  state: SyncState,
  allRSs: readonly (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
): void {
  const status = calculateStatus(allRSs, newRS, state.d, state.now);
  if (deepEqual(state.d.status ?? {}, status)) return;
  setStatus(state, status);
  flushDeployment(state);
}

/**
 * `syncRolloutStatus`: the calculated status plus the Progressing condition
 * (complete → NewReplicaSetAvailable; progress → ReplicaSetUpdated with a fresh
 * lastUpdateTime; no progress past the deadline → ProgressDeadlineExceeded) and
 * ReplicaFailure copied from the ReplicaSets. When nothing changed, plans the
 * requeue that will notice a timeout.
 */
export function syncRolloutStatus(
  state: SyncState,
  allRSs: readonly (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
): void {
  const d = state.d;
  const status = calculateStatus(allRSs, newRS, d, state.now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete =
    status.replicas === status.updatedReplicas &&
    current !== undefined &&
    current.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) updateProgressing(state, status, newRS, current);
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  if (deepEqual(d.status ?? {}, status)) {
    requeueStuckDeployment(state, status);
    return;
  }
  setStatus(state, status);
  flushDeployment(state);
}

function updateProgressing(
  state: SyncState,
  status: MutableStatus,
  newRS: ReplicaSetObject | undefined,
  current: DeploymentCondition | undefined,
): void {
  const d = state.d;
  const name = d.metadata.name;
  if (deploymentComplete(d, status)) {
    const msg = newRS
      ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
      : `Deployment "${name}" has successfully progressed.`;
    setCondition(status, newCondition('Progressing', 'True', Reason.NewRSAvailable, msg, state.now));
  } else if (deploymentProgressing(d, status)) {
    const msg = newRS
      ? `ReplicaSet "${newRS.metadata.name}" is progressing.`
      : `Deployment "${name}" is progressing.`;
    let cond = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, msg, state.now);
    // Unlike other conditions, Progressing is rewritten with the same reason so
    // that lastUpdateTime moves whenever progress is seen.
    if (current) {
      if (current.status === 'True' && current.lastTransitionTime) {
        cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
      }
      removeCondition(status, 'Progressing');
    }
    setCondition(status, cond);
  } else if (deploymentTimedOut(d, status, state.now)) {
    const msg = newRS
      ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
      : `Deployment "${name}" has timed out progressing.`;
    setCondition(status, newCondition('Progressing', 'False', Reason.TimedOut, msg, state.now));
  }
}

/** `getReplicaFailures`: the new ReplicaSet's ReplicaFailure first, else any old one's. */
function replicaFailure(
  allRSs: readonly (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
): DeploymentCondition | undefined {
  const toDeployment = (rs: ReplicaSetObject | undefined): DeploymentCondition | undefined => {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (!c) return undefined;
    const t = c.lastTransitionTime;
    return {
      type: 'ReplicaFailure',
      status: c.status,
      ...(t ? { lastUpdateTime: t, lastTransitionTime: t } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    };
  };
  const fromNew = toDeployment(newRS);
  if (fromNew) return fromNew;
  for (const rs of allRSs) {
    const c = toDeployment(rs);
    if (c) return c;
  }
  return undefined;
}

/**
 * `requeueStuckDeployment`: while a rollout is in progress, syncs again when
 * the Progressing condition's lastUpdateTime + deadline arrives.
 */
function requeueStuckDeployment(state: SyncState, status: MutableStatus): void {
  const d = state.d;
  const current = getCondition(d.status, 'Progressing');
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined || !current) return;
  if (deploymentComplete(d, status) || current.reason === Reason.TimedOut) return;
  const after = Date.parse(current.lastUpdateTime ?? '') + deadline * 1000 - state.now;
  if (!Number.isFinite(after)) return;
  if (after < 1000) state.actions.push({ kind: 'requeueSoon' });
  else state.actions.push({ kind: 'requeueAfter', ms: after });
}

/**
 * `checkPausedConditions`: Progressing=Unknown DeploymentPaused when paused,
 * DeploymentResumed when resumed, so the deadline does not run while paused.
 * Leaves a timed-out deployment alone.
 */
export function checkPausedConditions(state: SyncState): void {
  const d = state.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === Reason.TimedOut) return;
  const pausedCondExists = cond?.reason === Reason.Paused;
  const status: MutableStatus = { ...d.status };
  if (d.spec?.paused && !pausedCondExists) {
    setCondition(
      status,
      newCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', state.now),
    );
  } else if (!d.spec?.paused && pausedCondExists) {
    setCondition(
      status,
      newCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', state.now),
    );
  } else {
    return;
  }
  setStatus(state, status);
  flushDeployment(state);
}
