/**
 * `rollout undo` for Deployments: kubectl's `DeploymentRollbacker`
 * (polymorphichelpers/rollback.go) as a pure plan: which ReplicaSet to go
 * back to, whether that changes anything, and the JSON patch kubectl sends.
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import { printTemplate } from './history.js';
import {
  equalIgnoreHash,
  ownedReplicaSets,
  REVISION_ANNOTATION,
  revisionOf,
  withoutHash,
} from './replicasets.js';

/** Deployment annotations that stay the deployment's own on rollback (kubectl's `annotationsToSkip`). */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export type RollbackPlan =
  /** Emitted when the target template already is the deployment's: kubectl sends nothing. */
  | { readonly kind: 'skip'; readonly message: string }
  /** `--dry-run=client`: the target template, printed. */
  | { readonly kind: 'dry-run'; readonly template: string }
  /** The JSON patch replacing `/spec/template` and `/metadata/annotations`. */
  | {
      readonly kind: 'patch';
      readonly patch: ReadonlyArray<{ op: 'replace'; path: string; value: unknown }>;
    };

/** `deploymentRevision`: the ReplicaSet of `toRevision`, or the previous revision when 0. */
export function rollbackTarget(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  toRevision: number,
): ReplicaSet {
  if (toRevision < 0) throw new UserError(`unable to find specified revision ${toRevision} in history`);
  let latest: ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of ownedReplicaSets(deployment, replicaSets)) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        previousRevision = latestRevision;
        previous = latest;
        latestRevision = v;
        latest = rs;
      } else if (previousRevision < v) {
        previousRevision = v;
        previous = rs;
      }
    } else if (toRevision === v) return rs;
  }
  if (toRevision > 0) throw new UserError(`unable to find specified revision ${toRevision} in history`);
  if (!previous)
    throw new UserError(`no rollout history found for deployment "${deployment.metadata?.name ?? ''}"`);
  return previous;
}

/** Plans `rollout undo [--to-revision N]` for a deployment and the ReplicaSets in its namespace. */
export function planRollback(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  toRevision: number,
  options: { dryRun?: boolean } = {},
): RollbackPlan {
  const rs = rollbackTarget(deployment, replicaSets, toRevision);
  if (options.dryRun) return { kind: 'dry-run', template: printTemplate(rs.spec?.template ?? {}) };
  if (deployment.spec?.paused) {
    throw new UserError(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );
  }
  if (equalIgnoreHash(rs.spec?.template, deployment.spec?.template)) {
    return {
      kind: 'skip',
      message: `skipped rollback (current template already matches revision ${toRevision})`,
    };
  }
  const template: PodTemplateSpec = withoutHash(rs.spec?.template);
  const annotations: Record<string, string> = {};
  const own = deployment.metadata?.annotations ?? {};
  for (const key of ANNOTATIONS_TO_SKIP) if (key in own) annotations[key] = own[key] as string;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    kind: 'patch',
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}
