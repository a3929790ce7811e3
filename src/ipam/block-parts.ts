/**
 * The parts of an allocation block (`block.ts`) that are plain functions:
 * Calico's attribute equality (which entry an allocation shares, Calico
 * `findOrAddAttribute`; which entries a handle owns, `releaseByHandle`) and
 * the stored spec's shape.
 */
import type { BlockFields } from './block-types.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

/**
 * Handle equality as the attribute scans use it (`block-attributes.ts`, after
 * the handle hashes matched). Not plain `a === b`: two empty IDs compare
 * unequal here (`charCodeAt(-1)` is NaN), so an attribute whose handle ID is
 * `''` is never found by handle; `a === b` would change that.
 */
export function sameHandle(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.charCodeAt(a.length - 1) === b.charCodeAt(b.length - 1) && a === b;
}

/** Calico's attribute equality: the same handle and the same secondary attributes. */
export function sameAttribute(a: AllocationAttribute, b: AllocationAttribute): boolean {
  if (!sameHandle(a.handle_id, b.handle_id)) return false;
  const sa = a.secondary;
  const sb = b.secondary;
  if (sa === sb) return true;
  let count = 0;
  for (const k in sa) {
    if (sa[k] !== sb?.[k]) return false;
    count++;
  }
  for (const _ in sb) count--;
  return count === 0;
}

/**
 * An IPAMBlock spec in Calico's field order, `affinityClaimTime` only when
 * set. Two literals rather than a conditional spread: every spec of a shape
 * shares one hidden class, and no temporary object is made per write (the
 * arrays are separate arguments for the same reason).
 */
export function blockSpec(
  b: BlockFields & { readonly cidrText: string },
  allocations: readonly (number | null)[],
  unallocated: readonly number[],
  attributes: readonly AllocationAttribute[],
  sequenceNumberForAllocation: IPAMBlockSpec['sequenceNumberForAllocation'],
): IPAMBlockSpec {
  const claim = b.affinityClaimTime;
  if (claim === undefined) {
    return {
      cidr: b.cidrText,
      affinity: b.affinity,
      strictAffinity: b.strictAffinity,
      allocations,
      unallocated,
      attributes,
      sequenceNumber: b.sequenceNumber,
      sequenceNumberForAllocation,
      deleted: b.deleted,
    };
  }
  return {
    cidr: b.cidrText,
    affinity: b.affinity,
    affinityClaimTime: claim,
    strictAffinity: b.strictAffinity,
    allocations,
    unallocated,
    attributes,
    sequenceNumber: b.sequenceNumber,
    sequenceNumberForAllocation,
    deleted: b.deleted,
  };
}
