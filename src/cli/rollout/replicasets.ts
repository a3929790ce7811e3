/**
 * kubectl's view of a Deployment's history (`kubectl/pkg/util/deployment`):
 * the ReplicaSets it controls, which one is "new" (its template equals the
 * deployment's, ignoring `pod-template-hash`), and their revisions. Pure
 * functions over objects the caller fetched.
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** The ReplicaSets whose controller owner reference is the deployment (`metav1.IsControlledBy`). */
export function ownedReplicaSets(deployment: Deployment, all: readonly ReplicaSet[]): ReplicaSet[] {
  const uid = deployment.metadata?.uid;
  return all.filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.controller && r.uid === uid));
}

/** Oldest first, ties by name (`ReplicaSetsByCreationTimestamp`). */
export function sortByCreation(sets: readonly ReplicaSet[]): ReplicaSet[] {
  return [...sets].sort((a, b) => {
    const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
}

/**
 * Drops what Go's typed decoding would not distinguish from absent: nulls,
 * empty objects and empty arrays (`creationTimestamp: null`, `resources: {}`).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null ? undefined : value;
}

/** The template without its `pod-template-hash` label. */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const labels = { ...(template?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template?.metadata, labels } };
}

/** `EqualIgnoreHash`: templates equal apart from the `pod-template-hash` label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return JSON.stringify(canonical(withoutHash(a))) === JSON.stringify(canonical(withoutHash(b)));
}

/** The deployment's ReplicaSets split into the new one and the old ones (`GetAllReplicaSets`). */
export function splitReplicaSets(
  deployment: Deployment,
  all: readonly ReplicaSet[],
): { old: ReplicaSet[]; new: ReplicaSet | undefined } {
  const owned = sortByCreation(ownedReplicaSets(deployment, all));
  const newRS = owned.find((rs) => equalIgnoreHash(rs.spec?.template, deployment.spec?.template));
  return { new: newRS, old: owned.filter((rs) => rs !== newRS) };
}

/** The revision number of a ReplicaSet, or undefined when the annotation is missing or not an integer. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const text = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}
