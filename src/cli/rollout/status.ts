/**
 * `rollout status` for Deployments: kubectl's `DeploymentStatusViewer`
 * (polymorphichelpers/rollout_status.go), a pure function of the object.
 */
import type { Deployment } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import { revisionOf } from './replicasets.js';

export interface RolloutStatus {
  /** The line kubectl prints for this state, with its newline. */
  readonly message: string;
  readonly done: boolean;
}

/**
 * What `rollout status` says about the deployment now. Throws UserError when
 * the rollout failed (progress deadline) or `revision` is not the running one.
 */
export function deploymentStatus(d: Deployment, revision = 0): RolloutStatus {
  const name = d.metadata?.name ?? '';
  if (revision > 0) {
    const running = revisionOf(d);
    if (running === undefined) {
      throw new UserError(
        `cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "": invalid syntax`,
      );
    }
    if (revision !== running) {
      throw new UserError(
        `desired revision (${revision}) is different from the running revision (${running})`,
      );
    }
  }
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    throw new UserError(`deployment "${name}" exceeded its progress deadline`);
  }
  const desired = d.spec?.replicas;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (desired !== undefined && updated < desired) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...\n`,
      done: false,
    };
  }
  if (replicas > updated) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...\n`,
      done: false,
    };
  }
  if (available < updated) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...\n`,
      done: false,
    };
  }
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}
