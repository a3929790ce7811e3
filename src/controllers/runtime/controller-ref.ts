/**
 * Controller references and the ControllerRefManager (client-go
 * `pkg/controller/controller_ref_manager.go`): which objects a controller owns,
 * which orphans it adopts because its selector matches them, and which owned
 * objects it releases because they stopped matching.
 *
 * `planClaims` is the pure decision; `applyClaims` writes the adoptions and
 * releases through the Registry.
 */
import { isNotFound } from '../../api/errors.js';
import type { Selector } from '../../api/labels.js';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../api/types.js';
import type { Registry } from '../../store/registry.js';

/** The ownerReference with `controller: true`, if any (apimachinery `GetControllerOf`). */
export function controllerRefOf(obj: { readonly metadata: ObjectMeta }): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (!refs) return undefined;
  for (const r of refs) if (r.controller === true) return r;
  return undefined;
}

/**
 * The controller ownerReference a controller puts on what it creates or adopts
 * (`metav1.NewControllerRef`): `controller` and `blockOwnerDeletion` both true.
 */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** What a controller should do with candidate objects. */
export interface ClaimPlan<T extends KubeObject> {
  /** Objects it already owns and whose labels match. */
  readonly owned: readonly T[];
  /** Orphans whose labels match: adopt, then they are owned. */
  readonly adopt: readonly T[];
  /** Owned objects whose labels no longer match: remove the ownerReference. */
  readonly release: readonly T[];
}

/**
 * Decides ownership as `ControllerRefManager.ClaimObject` does, for each
 * candidate (typically the owner's dependents plus the orphans of its
 * namespace): owned by another controller → ignored; owned and matching →
 * owned; owned and not matching → released (unless the owner is being
 * deleted); an orphan that matches → adopted, unless the owner or the orphan
 * is being deleted or they live in different namespaces.
 */
export function planClaims<T extends KubeObject>(
  owner: KubeObject,
  selector: Selector,
  candidates: Iterable<T>,
): ClaimPlan<T> {
  const owned: T[] = [];
  const adopt: T[] = [];
  const release: T[] = [];
  const ownerUid = owner.metadata.uid;
  const ownerDeleting = owner.metadata.deletionTimestamp !== undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) owned.push(obj);
      else if (!ownerDeleting) release.push(obj);
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) continue;
    adopt.push(obj);
  }
  return { owned, adopt, release };
}

/**
 * Writes a claim plan: adds the controller reference to each orphan (the
 * adoption patch) and removes the owner's reference from each released
 * object. Objects that vanished meanwhile are skipped. Returns the claimed
 * objects: the owned ones plus the adopted ones as stored after adoption.
 * The caller must pass the owner as currently stored (`canAdopt` re-check).
 */
export function applyClaims<T extends KubeObject>(
  registry: Registry,
  owner: KubeObject,
  plan: ClaimPlan<T>,
): T[] {
  const claimed = [...plan.owned];
  const ref = newControllerRef(owner);
  for (const obj of plan.adopt) {
    const adopted = tryWrite(() =>
      registry.update<T>({
        ...obj,
        metadata: { ...obj.metadata, ownerReferences: [...(obj.metadata.ownerReferences ?? []), ref] },
      }),
    );
    if (adopted) claimed.push(adopted);
  }
  for (const obj of plan.release) {
    const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
    const metadata: ObjectMeta = { ...obj.metadata, ownerReferences: refs };
    if (refs.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
    tryWrite(() => registry.update<T>({ ...obj, metadata }));
  }
  return claimed;
}

function tryWrite<T>(write: () => T): T | undefined {
  try {
    return write();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Index function for "orphans by namespace": an object without a controller
 * reference is indexed under its namespace. Controllers register it on `pods`
 * and `replicasets.apps` (index name `ORPHAN_INDEX`) so finding adoption
 * candidates never scans a whole namespace.
 */
export function orphanIndex(obj: KubeObject): string[] {
  return controllerRefOf(obj) ? [] : [obj.metadata.namespace ?? ''];
}

/** Name of the orphan index (see `orphanIndex`). */
export const ORPHAN_INDEX = 'orphan-by-namespace';
