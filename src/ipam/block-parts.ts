/**
 * The parts of an allocation block's working copy (`block.ts`) that are plain
 * functions over its arrays:
 *
 * - attributes: which entry an allocation shares (Calico `findOrAddAttribute`),
 *   which ordinals a handle holds (Calico `releaseByHandle`) and dropping the
 *   entries nothing references (Calico `deleteAttributes`). Calico scans the
 *   attribute list for the first two; netkube answers them from an index of
 *   handle → ordinals kept with the working copy, which gives the scans'
 *   answers whenever every attribute is referenced by an ordinal (what the
 *   allocator always leaves behind). `buildHandleIndex` returns no index for
 *   a block not in that state (hand-edited), and the scans are used;
 * - the stored spec's shape.
 *
 * `allocations` is the compact form (`block-arrays.ts`): attribute index per
 * ordinal, `FREE` for a free one.
 */
import { FREE } from './block-arrays.js';
import type { BlockImage } from './block-image.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

/**
 * Handle ID (or undefined for attributes without one) → its allocated
 * ordinals: the ordinal itself when the handle holds one (nearly every pod's
 * handle: no array per handle), else an array, ascending.
 */
export type HandleIndex = Map<string | undefined, number | number[]>;

/**
 * Handle IDs share long prefixes (`k8s-pod-network.` + a container ID) and
 * differ at the end, so the last character rejects most mismatches at once.
 */
function sameHandle(a: string | undefined, b: string | undefined): boolean {
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
 * The handle index of a block's arrays, or undefined when some attribute is
 * referenced by no ordinal (then only Calico's scans give Calico's answers).
 */
export function buildHandleIndex(
  allocations: Int32Array,
  attributes: readonly AllocationAttribute[],
): HandleIndex | undefined {
  const index: HandleIndex = new Map();
  const referenced = new Uint8Array(attributes.length);
  let distinct = 0;
  for (let o = 0; o < allocations.length; o++) {
    const idx = allocations[o] as number;
    if (idx === FREE) continue;
    const attr = attributes[idx];
    if (attr === undefined) return undefined;
    if (referenced[idx] === 0) {
      referenced[idx] = 1;
      distinct++;
    }
    addOrdinal(index, attr.handle_id, o);
  }
  return distinct === attributes.length ? index : undefined;
}

/** Records that `handle` holds ordinal `o` (kept ascending; lists are short). */
export function addOrdinal(index: HandleIndex, handle: string | undefined, o: number): void {
  const held = index.get(handle);
  if (held === undefined) {
    index.set(handle, o);
    return;
  }
  if (typeof held === 'number') {
    index.set(handle, held < o ? [held, o] : [o, held]);
    return;
  }
  let i = held.length;
  while (i > 0 && (held[i - 1] as number) > o) i--;
  held.splice(i, 0, o);
}

/** Forgets that `handle` holds ordinal `o`. */
export function removeOrdinal(index: HandleIndex, handle: string | undefined, o: number): void {
  const held = index.get(handle);
  if (held === undefined) return;
  if (typeof held === 'number') {
    if (held === o) index.delete(handle);
    return;
  }
  const i = held.indexOf(o);
  if (i < 0) return;
  held.splice(i, 1);
  if (held.length === 1) index.set(handle, held[0] as number);
}

/**
 * The index of the first attribute equal to `attribute` (Calico's scan order),
 * or -1. With an index only the attributes of the handle's ordinals are
 * compared; without one, every attribute is.
 */
export function findAttribute(
  attribute: AllocationAttribute,
  allocations: Int32Array,
  attributes: readonly AllocationAttribute[],
  index: HandleIndex | undefined,
): number {
  if (index === undefined) return attributes.findIndex((a) => sameAttribute(a, attribute));
  const held = index.get(attribute.handle_id);
  if (held === undefined) return -1;
  if (typeof held === 'number') {
    const idx = allocations[held] as number;
    return sameAttribute(attributes[idx] as AllocationAttribute, attribute) ? idx : -1;
  }
  let found = -1;
  for (const o of held) {
    const idx = allocations[o] as number;
    if ((found < 0 || idx < found) && sameAttribute(attributes[idx] as AllocationAttribute, attribute)) {
      found = idx;
    }
  }
  return found;
}

/** The ordinals holding an attribute of `handleID`, ascending (Calico `releaseByHandle`'s targets). */
export function ordinalsOfHandle(
  handleID: string,
  allocations: Int32Array,
  attributes: readonly AllocationAttribute[],
  index: HandleIndex | undefined,
): number[] {
  if (index !== undefined) {
    const held = index.get(handleID);
    return held === undefined ? [] : typeof held === 'number' ? [held] : held.slice();
  }
  const targets: number[] = [];
  attributes.forEach((a, i) => {
    if (sameHandle(a.handle_id, handleID)) targets.push(i);
  });
  const ordinals: number[] = [];
  if (targets.length === 0) return ordinals;
  for (let o = 0; o < allocations.length; o++) {
    const idx = allocations[o] as number;
    if (idx !== FREE && targets.includes(idx)) ordinals.push(o);
  }
  return ordinals;
}

/**
 * Drops the attributes at the `freed` indexes (one, or several) that no allocation references
 * any more, renumbering the allocations above each dropped index (Calico
 * `deleteAttributes`). Integer scans only: this runs on every release.
 * `undo`, when given, is told of each drop first.
 */
export function deleteUnreferenced(
  allocations: Int32Array,
  attributes: AllocationAttribute[],
  freed: number | readonly number[],
  undo: BlockImage | undefined,
): void {
  if (typeof freed === 'number') {
    if (!allocations.includes(freed)) dropAttribute(allocations, attributes, freed, undo);
    return;
  }
  const unreferenced = freed.filter((idx) => !allocations.includes(idx)).sort((a, b) => b - a);
  for (const idx of unreferenced) dropAttribute(allocations, attributes, idx, undo);
}

/** Removes attribute `idx` and renumbers the allocations above it. */
function dropAttribute(
  allocations: Int32Array,
  attributes: AllocationAttribute[],
  idx: number,
  undo: BlockImage | undefined,
): void {
  undo?.attributeDropped(idx, attributes[idx] as AllocationAttribute);
  attributes.splice(idx, 1);
  for (let o = 0; o < allocations.length; o++) {
    const a = allocations[o] as number;
    if (a > idx) allocations[o] = a - 1;
  }
}

/** The plain fields of a block, as `blockSpec` reads them. */
interface BlockFields {
  readonly cidrText: string;
  readonly affinity: string | null;
  readonly affinityClaimTime: string | undefined;
  readonly strictAffinity: boolean;
  readonly sequenceNumber: number;
  readonly deleted: boolean;
}

/**
 * An IPAMBlock spec in Calico's field order, `affinityClaimTime` only when
 * set. Two literals rather than a conditional spread: every spec of a shape
 * shares one hidden class, and no temporary object is made per write (the
 * arrays are separate arguments for the same reason).
 */
export function blockSpec(
  b: BlockFields,
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
