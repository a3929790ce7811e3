/**
 * Finding or creating the new ReplicaSet of a Deployment and keeping revisions
 * in step (`getAllReplicaSetsAndSyncRevision`, `getNewReplicaSet`,
 * `NewRSNewReplicas` upstream). This is where a rollback revives an old
 * ReplicaSet: its template equals the Deployment's again, so it becomes the new
 * ReplicaSet and its revision is raised to max+1.
 */
import { newControllerRef } from '../runtime/controller-ref.js';
import { setNewReplicaSetAnnotations } from './annotations.js';
import { getCondition, type MutableStatus, newCondition, Reason, setCondition } from './conditions.js';
import {
  flushDeployment,
  recordEvent,
  type SyncState,
  setDeploymentRevision,
  setStatus,
} from './plan-state.js';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './template.js';
import {
  byCreation,
  type DeploymentObject,
  desiredReplicas,
  hasProgressDeadline,
  isRecreate,
  maxRevision,
  maxSurge,
  minReadySeconds,
  type ReplicaSetObject,
  rsReplicas,
  specReplicaSum,
} from './util.js';

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(
  d: DeploymentObject,
  rss: readonly ReplicaSetObject[],
): ReplicaSetObject | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** `FindOldReplicaSets`: every ReplicaSet other than the new one. */
export function findOldReplicaSets(
  d: DeploymentObject,
  rss: readonly ReplicaSetObject[],
): ReplicaSetObject[] {
  const newRS = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs !== newRS);
}

/**
 * `NewRSNewReplicas`: how big the new ReplicaSet may be now. RollingUpdate
 * grows it by what the surge allows; Recreate jumps to the full count.
 */
export function newRSNewReplicas(
  d: DeploymentObject,
  allRSs: readonly (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject,
): number {
  if (isRecreate(d)) return desiredReplicas(d);
  const desired = desiredReplicas(d);
  const maxTotal = desired + maxSurge(d);
  const current = specReplicaSum(allRSs);
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/**
 * Returns the new ReplicaSet (created in the plan when missing and
 * `createIfNotExisted`) and the old ones, with revisions synced.
 */
export function getAllReplicaSetsAndSyncRevision(
  state: SyncState,
  rsList: readonly ReplicaSetObject[],
  createIfNotExisted: boolean,
): { newRS: ReplicaSetObject | undefined; oldRSs: ReplicaSetObject[] } {
  const oldRSs = findOldReplicaSets(state.d, rsList);
  const newRS = getNewReplicaSet(state, rsList, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

function getNewReplicaSet(
  state: SyncState,
  rsList: readonly ReplicaSetObject[],
  oldRSs: readonly ReplicaSetObject[],
  createIfNotExisted: boolean,
): ReplicaSetObject | undefined {
  const existing = findNewReplicaSet(state.d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) return syncExistingNewReplicaSet(state, existing, newRevision);
  if (!createIfNotExisted) return undefined;
  return createNewReplicaSet(state, oldRSs, newRevision);
}

function syncExistingNewReplicaSet(
  state: SyncState,
  existing: ReplicaSetObject,
  newRevision: number,
): ReplicaSetObject {
  const annotations = { ...existing.metadata.annotations };
  const annotationsUpdated = setNewReplicaSetAnnotations(state.d, annotations, newRevision, true);
  const minReadyNeedsUpdate = (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds(state.d);
  if (annotationsUpdated || minReadyNeedsUpdate) {
    // Upstream returns the written ReplicaSet at once: the Deployment's own revision
    // annotation follows in the sync that this write triggers.
    const updated: ReplicaSetObject = {
      ...existing,
      metadata: { ...existing.metadata, annotations },
      spec: { ...existing.spec, minReadySeconds: minReadySeconds(state.d) } as NonNullable<
        ReplicaSetObject['spec']
      >,
    };
    state.actions.push({ kind: 'updateReplicaSet', replicaSet: updated });
    return updated;
  }
  let needsUpdate = setDeploymentRevision(state, annotations['deployment.kubernetes.io/revision'] ?? '');
  if (hasProgressDeadline(state.d) && !getCondition(state.d.status, 'Progressing')) {
    const msg = `Found new replica set "${existing.metadata.name}"`;
    const status: MutableStatus = { ...state.d.status };
    setCondition(status, newCondition('Progressing', 'True', Reason.FoundNewRS, msg, state.now));
    setStatus(state, status);
    needsUpdate = true;
  }
  if (needsUpdate) flushDeployment(state);
  return existing;
}

function createNewReplicaSet(
  state: SyncState,
  oldRSs: readonly ReplicaSetObject[],
  newRevision: number,
): ReplicaSetObject {
  const d = state.d;
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const labels = { ...d.spec?.template?.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = d.spec?.selector ?? {};
  const draft: ReplicaSetObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace ?? 'default',
      labels,
      ownerReferences: [newControllerRef(d)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: minReadySeconds(d),
      selector: { ...selector, matchLabels: { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
      template: { ...d.spec?.template, metadata: { ...d.spec?.template?.metadata, labels } },
    },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
  const annotations: Record<string, string> = {};
  setNewReplicaSetAnnotations(d, annotations, newRevision, false);
  const rs: ReplicaSetObject = {
    ...draft,
    metadata: { ...draft.metadata, annotations },
    spec: { ...draft.spec, replicas } as NonNullable<ReplicaSetObject['spec']>,
  };
  state.actions.push({ kind: 'createReplicaSet', replicaSet: rs });
  if (replicas > 0) {
    recordEvent(
      state,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
    );
  }
  setDeploymentRevision(state, String(newRevision));
  if (hasProgressDeadline(d)) {
    const status: MutableStatus = { ...state.d.status };
    const msg = `Created new replica set "${rs.metadata.name}"`;
    setCondition(status, newCondition('Progressing', 'True', Reason.NewReplicaSet, msg, state.now));
    setStatus(state, status);
  }
  flushDeployment(state);
  return rs;
}
