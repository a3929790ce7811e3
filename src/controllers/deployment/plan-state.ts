/**
 * The working state of one Deployment sync plan: the Deployment as the plan
 * has changed it so far, the ordered actions for the runner, and the helpers
 * every step shares (scaling a ReplicaSet and recording the event, flushing
 * Deployment changes at the points where upstream calls UpdateStatus).
 *
 * Planning mirrors upstream's sync step by step on local copies, so later
 * steps see the ReplicaSets as earlier steps left them; the runner then
 * performs the same writes in the same order.
 */
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { deepEqual } from '../../store/equality.js';
import { setDeploymentReplicasAnnotations } from './annotations.js';
import { type DeploymentObject, REVISION_ANNOTATION, type ReplicaSetObject, rsReplicas } from './util.js';

/** One write or side effect the runner performs, in plan order. */
export type DeploymentAction =
  /** Emitted when no ReplicaSet has the Deployment's template: create this one. */
  | { readonly kind: 'createReplicaSet'; readonly replicaSet: ReplicaSetObject }
  /** Emitted when a ReplicaSet's replicas, annotations or minReadySeconds change: write it. */
  | { readonly kind: 'updateReplicaSet'; readonly replicaSet: ReplicaSetObject }
  /** Emitted by revision history cleanup for an old, empty ReplicaSet. */
  | { readonly kind: 'deleteReplicaSet'; readonly replicaSet: ReplicaSetObject }
  /** Emitted when the Deployment's revision annotation changes. */
  | { readonly kind: 'updateDeploymentAnnotations'; readonly annotations: Readonly<Record<string, string>> }
  /** Emitted when the Deployment's status changes. */
  | { readonly kind: 'updateDeploymentStatus'; readonly status: DeploymentStatus }
  /** Emitted for each Event upstream records on the Deployment. */
  | {
      readonly kind: 'event';
      readonly type: 'Normal' | 'Warning';
      readonly reason: string;
      readonly message: string;
    }
  /** Emitted when a rollout could time out later: sync again after `ms`. */
  | { readonly kind: 'requeueAfter'; readonly ms: number }
  /** Emitted when the deadline is less than a second away: sync again soon. */
  | { readonly kind: 'requeueSoon' };

/** Mutable state threaded through one plan; created by `newSyncState`. */
export interface SyncState {
  /** The Deployment as changed by the plan so far. */
  d: DeploymentObject;
  /** The Deployment as the runner will have written it at the current point. */
  written: DeploymentObject;
  readonly now: number;
  readonly actions: DeploymentAction[];
}

/** A fresh plan state for `d` at `now`. */
export function newSyncState(d: DeploymentObject, now: number): SyncState {
  return { d, written: d, now, actions: [] };
}

/** Replaces the working status. */
export function setStatus(state: SyncState, status: DeploymentStatus): void {
  state.d = { ...state.d, status };
}

/** `SetDeploymentRevision`: returns whether the annotation changed. */
export function setDeploymentRevision(state: SyncState, revision: string): boolean {
  const annotations = state.d.metadata.annotations ?? {};
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  state.d = {
    ...state.d,
    metadata: { ...state.d.metadata, annotations: { ...annotations, [REVISION_ANNOTATION]: revision } },
  };
  return true;
}

/**
 * Emits the Deployment writes pending since the last flush (where upstream
 * calls `UpdateStatus`): annotations first, then status.
 */
export function flushDeployment(state: SyncState): void {
  const annotations = state.d.metadata.annotations ?? {};
  if (!deepEqual(annotations, state.written.metadata.annotations ?? {})) {
    state.actions.push({ kind: 'updateDeploymentAnnotations', annotations });
  }
  if (!deepEqual(state.d.status ?? {}, state.written.status ?? {})) {
    state.actions.push({ kind: 'updateDeploymentStatus', status: state.d.status ?? {} });
  }
  state.written = state.d;
}

/** Plans an Event on the Deployment. */
export function recordEvent(
  state: SyncState,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
): void {
  state.actions.push({ kind: 'event', type, reason, message });
}

/**
 * `scaleReplicaSet`: writes the new size and the replica annotations when
 * either changed, and records `Scaled <up|down> replica set <name> from <a>
 * to <b>` when the size changed. Returns whether it scaled and the ReplicaSet
 * as written.
 */
export function scaleReplicaSet(
  state: SyncState,
  rs: ReplicaSetObject,
  newScale: number,
  operation: 'up' | 'down' | '',
): { scaled: boolean; rs: ReplicaSetObject } {
  const oldScale = rsReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  const annotations = { ...rs.metadata.annotations };
  const annotationsNeedUpdate = setDeploymentReplicasAnnotations(state.d, annotations);
  if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs };
  const updated: ReplicaSetObject = {
    ...rs,
    metadata: { ...rs.metadata, annotations },
    spec: { ...rs.spec, replicas: newScale } as NonNullable<ReplicaSetObject['spec']>,
  };
  state.actions.push({ kind: 'updateReplicaSet', replicaSet: updated });
  if (sizeNeedsUpdate) {
    recordEvent(
      state,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`,
    );
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/** `scaleReplicaSetAndRecordEvent`: no-op when the size is already right. */
export function scaleReplicaSetAndRecordEvent(
  state: SyncState,
  rs: ReplicaSetObject,
  newScale: number,
): { scaled: boolean; rs: ReplicaSetObject } {
  const current = rsReplicas(rs);
  if (current === newScale) return { scaled: false, rs };
  return scaleReplicaSet(state, rs, newScale, current < newScale ? 'up' : 'down');
}
