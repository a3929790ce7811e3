/**
 * `rollout history` for Deployments: kubectl's `DeploymentHistoryViewer`,
 * a pure function of the deployment and its ReplicaSets.
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import { describePodTemplate } from '../describe/containers.js';
import { PrefixWriter } from '../describe/writer.js';
import { alignTabs, DESCRIBE_TABWRITER } from '../printers/tabwriter.js';
import { CHANGE_CAUSE_ANNOTATION, ownedReplicaSets, revisionOf } from './replicasets.js';

/** Revision → template (with the ReplicaSet's change-cause as a template annotation, as kubectl merges it). */
export function historyOf(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
): Map<number, PodTemplateSpec> {
  const history = new Map<number, PodTemplateSpec>();
  for (const rs of ownedReplicaSets(deployment, replicaSets)) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    const template = rs.spec?.template ?? {};
    const cause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    const annotations = {
      ...(template.metadata?.annotations ?? {}),
      ...(cause ? { [CHANGE_CAUSE_ANNOTATION]: cause } : {}),
    };
    history.set(v, { ...template, metadata: { ...template.metadata, annotations } });
  }
  return history;
}

/** kubectl's `printTemplate`: DescribePodTemplate through an unaligned PrefixWriter. */
export function printTemplate(template: PodTemplateSpec): string {
  const w = new PrefixWriter({ aligned: false });
  describePodTemplate(w, template);
  return w.toString();
}

/**
 * The text `ViewHistory` returns: the REVISION/CHANGE-CAUSE table, or one
 * revision's template. Throws UserError for a revision that is not there.
 */
export function viewHistory(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  revision = 0,
): string {
  const history = historyOf(deployment, replicaSets);
  if (history.size === 0) return 'No rollout history found.';
  if (revision > 0) {
    const template = history.get(revision);
    if (!template) throw new UserError('unable to find the specified revision');
    return printTemplate(template);
  }
  const rows = [...history.keys()]
    .sort((a, b) => a - b)
    .map((r) => `${r}\t${history.get(r)?.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] || '<none>'}\n`);
  return alignTabs(`REVISION\tCHANGE-CAUSE\n${rows.join('')}`, DESCRIBE_TABWRITER);
}
