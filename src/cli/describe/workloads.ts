/** `describe deployment` and `describe replicaset`: kubectl's layouts, from the objects, their ReplicaSets, pods and events. */
import type { Deployment, ReplicaSet } from '../../api/types.js';
import { describePodTemplate } from './containers.js';
import {
  type CoreEvent,
  controllerOf,
  formatLabelSelector,
  PrefixWriter,
  rfc1123z,
  selectorString,
  writeAnnotations,
  writeEvents,
  writeLabels,
} from './writer.js';

function rsList(sets: readonly ReplicaSet[]): string {
  const text = sets
    .map(
      (rs) => `${rs.metadata?.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`,
    )
    .join(', ');
  return text || '<none>';
}

function writeConditions(
  w: PrefixWriter,
  conditions: ReadonlyArray<{ type: string; status: string; reason?: string }>,
) {
  if (conditions.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/**
 * Renders `describe deployment`. `oldRSs`/`newRS` are the deployment's own
 * ReplicaSets split as kubectl's `GetAllReplicaSets` splits them.
 */
export function describeDeployment(
  d: Deployment,
  rs: { readonly old: readonly ReplicaSet[]; readonly new: ReplicaSet | undefined },
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  const spec = d.spec;
  const status = d.status ?? {};
  w.write(0, `Name:\t${d.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${d.metadata?.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata?.creationTimestamp)}\n`);
  writeLabels(w, 'Labels', d.metadata?.labels);
  writeAnnotations(w, 'Annotations', d.metadata?.annotations);
  w.write(0, `Selector:\t${selectorString(spec?.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${spec?.replicas ?? 0} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
  const ru = spec?.strategy?.rollingUpdate;
  if (ru) {
    w.write(
      0,
      `RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? '')} max unavailable, ${String(ru.maxSurge ?? '')} max surge\n`,
    );
  }
  describePodTemplate(w, spec?.template);
  writeConditions(w, status.conditions ?? []);
  if (rs.old.length > 0 || rs.new) {
    w.write(0, `OldReplicaSets:\t${rsList(rs.old)}\n`);
    w.write(0, `NewReplicaSet:\t${rsList(rs.new ? [rs.new] : [])}\n`);
  }
  writeEvents(w, events, now);
  return w.toString();
}

/** Pod phase counts of the pods a ReplicaSet controls (`Pods Status:` line). */
export interface PodCounts {
  readonly running: number;
  readonly waiting: number;
  readonly succeeded: number;
  readonly failed: number;
}

/** Renders `describe replicaset`. */
export function describeReplicaSet(
  rs: ReplicaSet,
  pods: PodCounts,
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  const meta = rs.metadata ?? {};
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  writeLabels(w, 'Labels', meta.labels);
  writeAnnotations(w, 'Annotations', meta.annotations);
  const controlledBy = controllerOf(meta);
  if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
  w.write(0, 'Pods Status:\t');
  w.write(
    0,
    `${pods.running} Running / ${pods.waiting} Waiting / ${pods.succeeded} Succeeded / ${pods.failed} Failed\n`,
  );
  describePodTemplate(w, rs.spec?.template);
  writeConditions(w, rs.status?.conditions ?? []);
  writeEvents(w, events, now);
  return w.toString();
}
