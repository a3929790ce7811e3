/**
 * Deployment arithmetic (k8s.io/kubernetes `pkg/controller/deployment/util`):
 * spec fields with their API defaults, the maxSurge/maxUnavailable
 * fenceposts, replica sums over ReplicaSets and the orderings the controller
 * relies on. Pure functions.
 *
 * The accessors apply the apps/v1 defaults themselves (replicas 1,
 * RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600)
 * so the controller behaves the same whether or not the object went through
 * API defaulting.
 */
import type { Deployment, ReplicaSet, Typed } from '../../api/types.js';

/** A stored Deployment. */
export type DeploymentObject = Typed<Deployment>;
/** A stored ReplicaSet. */
export type ReplicaSetObject = Typed<ReplicaSet>;

/** `math.MaxInt32`: a progressDeadlineSeconds of this value means "no deadline". */
const MAX_INT32 = 2147483647;

/** `spec.replicas`, default 1. */
export function desiredReplicas(d: DeploymentObject): number {
  return d.spec?.replicas ?? 1;
}

/** A ReplicaSet's `spec.replicas`, default 1. */
export function rsReplicas(rs: ReplicaSetObject | undefined): number {
  return rs ? (rs.spec?.replicas ?? 1) : 0;
}

/** Strategy RollingUpdate (the default). */
export function isRollingUpdate(d: DeploymentObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** Strategy Recreate. */
export function isRecreate(d: DeploymentObject): boolean {
  return d.spec?.strategy?.type === 'Recreate';
}

/** `spec.minReadySeconds`, default 0. */
export function minReadySeconds(d: DeploymentObject): number {
  return d.spec?.minReadySeconds ?? 0;
}

/** `spec.revisionHistoryLimit`, default 10. */
export function revisionHistoryLimit(d: DeploymentObject): number {
  return d.spec?.revisionHistoryLimit ?? 10;
}

/** `progressDeadlineSeconds`, default 600; undefined when it disables the deadline. */
export function progressDeadlineSeconds(d: DeploymentObject): number | undefined {
  const v = d.spec?.progressDeadlineSeconds ?? 600;
  return v === MAX_INT32 ? undefined : v;
}

/** `HasProgressDeadline`. */
export function hasProgressDeadline(d: DeploymentObject): boolean {
  return progressDeadlineSeconds(d) !== undefined;
}

/**
 * `intstr.GetScaledValueFromIntOrPercent`: an int is taken as is; `"N%"` is N% of
 * `total`, rounded up or down. A malformed value counts as 0 (validation
 * rejects it before it can be stored).
 */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return 0;
  const v = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(v) : Math.floor(v);
}

/**
 * `ResolveFenceposts`: maxSurge rounded up, maxUnavailable rounded down; when
 * both resolve to zero, maxUnavailable becomes 1 so a rollout can progress.
 */
export function resolveFenceposts(d: DeploymentObject): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const desired = desiredReplicas(d);
  const surge = scaledValue(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** `MaxSurge`: 0 unless RollingUpdate. */
export function maxSurge(d: DeploymentObject): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

/** `MaxUnavailable`: 0 unless RollingUpdate with replicas; never more than the replicas. */
export function maxUnavailable(d: DeploymentObject): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

/** Sum of `spec.replicas` (`GetReplicaCountForReplicaSets`). */
export function specReplicaSum(rss: readonly (ReplicaSetObject | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rsReplicas(rs);
  return n;
}

/** Sum of `status.replicas` (`GetActualReplicaCountForReplicaSets`). */
export function actualReplicaSum(rss: readonly (ReplicaSetObject | undefined)[]): number {
  let n = 0;
  for (const rs of rss) n += rs?.status?.replicas ?? 0;
  return n;
}

/** Sum of `status.readyReplicas`. */
export function readyReplicaSum(rss: readonly (ReplicaSetObject | undefined)[]): number {
  let n = 0;
  for (const rs of rss) n += rs?.status?.readyReplicas ?? 0;
  return n;
}

/** Sum of `status.availableReplicas`. */
export function availableReplicaSum(rss: readonly (ReplicaSetObject | undefined)[]): number {
  let n = 0;
  for (const rs of rss) n += rs?.status?.availableReplicas ?? 0;
  return n;
}

/** ReplicaSets with `spec.replicas > 0` (`FilterActiveReplicaSets`). */
export function activeReplicaSets(rss: readonly (ReplicaSetObject | undefined)[]): ReplicaSetObject[] {
  return rss.filter((rs): rs is ReplicaSetObject => rs !== undefined && rsReplicas(rs) > 0);
}

/** `ReplicaSetsByCreationTimestamp`: oldest first, then by name. */
export function byCreation(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** `ReplicaSetsBySizeOlder`: larger first; equal sizes oldest first. */
export function bySizeOlder(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(a, b);
}

/** `ReplicaSetsBySizeNewer`: larger first; equal sizes newest first. */
export function bySizeNewer(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(b, a);
}

/** `ReplicaSetsByRevision`: lowest revision first, then oldest. */
export function byRevision(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const d = (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0);
  return d !== 0 ? d : byCreation(a, b);
}

/** The `deployment.kubernetes.io/revision` of an object; 0 when absent, undefined when not an integer. */
export function revisionOf(obj: {
  readonly metadata: { readonly annotations?: Record<string, string> };
}): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** The highest revision among ReplicaSets (`MaxRevision`); unparsable ones are skipped. */
export function maxRevision(rss: readonly ReplicaSetObject[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The revision of a ReplicaSet, and of its Deployment (what `rollout history` lists). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions of a revived ReplicaSet, comma-separated. */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
/** The Deployment replicas a ReplicaSet was last sized for. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** The Deployment replicas + maxSurge a ReplicaSet was last sized for. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** An int32 annotation value, or undefined when absent or malformed. */
export function intAnnotation(rs: ReplicaSetObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}
