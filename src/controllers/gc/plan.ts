/**
 * The garbage collector's decision for one dependent (`attemptToDeleteItem`
 * in `garbagecollector.go` upstream): classify its owner references as solid
 * (owner exists with that uid), dangling (owner absent, replaced by another
 * uid, or in an impossible scope) or waiting (owner being deleted in the
 * foreground), then keep it, strip the dead references, or delete it.
 */
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';

/** Looks an owner up: `undefined` when absent. */
export type OwnerLookup = (
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
) => KubeObject | undefined;

/** A dependent's owner references by state. */
export interface OwnerClassification {
  readonly solid: readonly OwnerReference[];
  readonly dangling: readonly OwnerReference[];
  readonly waiting: readonly OwnerReference[];
}

/** What the collector does with one dependent. */
export type GcDecision =
  /** Emitted when a solid owner remains and no reference is dead. */
  | { readonly kind: 'keep' }
  /** Emitted when a solid owner remains but some references are dead: remove those. */
  | { readonly kind: 'removeReferences'; readonly uids: readonly string[] }
  /** Emitted when no owner remains: delete the dependent. */
  | { readonly kind: 'delete'; readonly propagationPolicy: 'Background' | 'Orphan' | 'Foreground' };

/**
 * Classifies each owner reference. An owner of an unknown kind cannot be
 * verified and counts as solid (upstream retries such items forever rather
 * than delete them).
 */
export function classifyOwners(dependent: KubeObject, lookup: OwnerLookup): OwnerClassification {
  const solid: OwnerReference[] = [];
  const dangling: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const ref of dependent.metadata.ownerReferences ?? []) {
    const info = resourceForKind(ref.kind, ref.apiVersion) ?? resourceForKind(ref.kind);
    if (!info) {
      solid.push(ref);
      continue;
    }
    if (info.namespaced && !dependent.metadata.namespace) {
      dangling.push(ref);
      continue;
    }
    const owner = lookup(info, info.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) dangling.push(ref);
    else if (
      owner.metadata.deletionTimestamp &&
      (owner.metadata.finalizers ?? []).includes('foregroundDeletion')
    ) {
      waiting.push(ref);
    } else solid.push(ref);
  }
  return { solid, dangling, waiting };
}

/** What to do with a dependent given its owners' classification. */
export function decide(dependent: KubeObject, owners: OwnerClassification): GcDecision {
  if (owners.solid.length > 0) {
    if (owners.dangling.length === 0 && owners.waiting.length === 0) return { kind: 'keep' };
    return { kind: 'removeReferences', uids: [...owners.dangling, ...owners.waiting].map((r) => r.uid) };
  }
  if ((dependent.metadata.ownerReferences ?? []).length === 0) return { kind: 'keep' };
  const finalizers = dependent.metadata.finalizers ?? [];
  if (owners.waiting.length > 0 || finalizers.includes('foregroundDeletion')) {
    return { kind: 'delete', propagationPolicy: 'Foreground' };
  }
  if (finalizers.includes('orphan')) return { kind: 'delete', propagationPolicy: 'Orphan' };
  return { kind: 'delete', propagationPolicy: 'Background' };
}
