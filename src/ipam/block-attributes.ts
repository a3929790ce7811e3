/**
 * A block's attribute list (Calico `allocationBlock.Attributes`) with a
 * short hash of each attribute's handle ID beside it, in an `Int32Array`.
 *
 * Calico answers "which attribute equals this one" (`findOrAddAttribute`) and
 * "which attributes belong to this handle" (`releaseByHandle`) by scanning
 * the list; so does this class, but it compares the integer hashes first and
 * looks at an attribute object only when they match. The answers are
 * exactly the scans' (equal IDs have equal hashes), for any list, hand-edited
 * ones included, and a block needs no per-handle map or array: a /26 holds
 * at most 64 attributes, a few cache lines of hashes. It also keeps whether
 * all hashes are distinct (one attribute per pod, as the allocator makes
 * them): then a release by handle stops at the handle's attribute instead of
 * scanning the rest of the list for another one.
 */
import { sameAttribute, sameHandle } from './block-parts.js';
import type { AllocationAttribute } from './objects.js';
import { stringHash } from './string-hash.js';

/**
 * The hash of a handle ID (`stringHash`, FNV-1a over the whole ID: the
 * memory backend's handle table keys by the same number, so an operation
 * hashes its handle ID once). -1 for no ID; collisions only cost a comparison.
 */
export function handleHash(id: string | undefined): number {
  return id === undefined ? -1 : stringHash(id);
}

/** Whether the first `n` hashes are all different. */
function allDistinct(hashes: Int32Array, n: number): boolean {
  return new Set(hashes.subarray(0, n)).size === n;
}

export class BlockAttributes {
  /** The attributes, in Calico's order. Change them only through this class (the hashes follow). */
  readonly items: AllocationAttribute[];
  #hashes: Int32Array;
  /**
   * Whether no two attributes have the same handle hash (so no two have the
   * same handle); undefined when not known since a change that could have
   * made it so (worked out again when asked). True for the blocks the
   * allocator makes: one attribute per pod.
   */
  #distinct: boolean | undefined;

  /** Takes `items` (the caller's own array) and hashes them into `hashes` (replaced if too short). */
  constructor(items: AllocationAttribute[], hashes: Int32Array) {
    this.items = items;
    this.#hashes = hashes.length > 0 ? hashes : new Int32Array(1);
    this.rehash();
    if (items.length === 0) this.#distinct = true;
  }

  /** Recomputes every hash (after `items` was rewritten wholesale). */
  rehash(): void {
    const items = this.items;
    if (this.#hashes.length < items.length) this.#hashes = new Int32Array(items.length * 2);
    for (let i = 0; i < items.length; i++) this.#hashes[i] = handleHash(items[i]?.handle_id);
    this.#distinct = undefined;
  }

  /**
   * The index of the first attribute of `handleID` at or after `from`
   * (Calico's scan), or -1. `h`: `handleHash(handleID)`, when the caller has it.
   */
  firstOfHandle(handleID: string, from: number, h = handleHash(handleID)): number {
    const hashes = this.#hashes;
    const items = this.items;
    for (let i = from; i < items.length; i++) {
      if (hashes[i] === h && sameHandle(items[i]?.handle_id, handleID)) return i;
    }
    return -1;
  }

  /** Makes room for `n` hashes by doubling the array once (callers add one attribute at a time). */
  #reserve(n: number): void {
    if (this.#hashes.length < n) {
      const grown = new Int32Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
  }

  /**
   * The index of the first attribute equal to `attribute` (Calico's
   * `findOrAddAttribute` scan), appending `attribute` when there is none:
   * then the complement (`~i`, negative) of the index it was appended at.
   * `h`: `handleHash(attribute.handle_id)`. The same scan tells whether the
   * new attribute's hash is another's (`#distinct`).
   */
  findOrPush(attribute: AllocationAttribute, h: number): number {
    const hashes = this.#hashes;
    const items = this.items;
    let taken = false;
    for (let i = 0; i < items.length; i++) {
      if (hashes[i] !== h) continue;
      if (sameAttribute(items[i] as AllocationAttribute, attribute)) return i;
      taken = true;
    }
    const i = items.length;
    this.#reserve(i + 1);
    items.push(attribute);
    this.#hashes[i] = h;
    if (taken) this.#distinct = false;
    return ~i;
  }

  /**
   * Whether attribute `first` (of `handleID`, hash `h`) is the only one of
   * its handle: no scan when every hash is distinct.
   */
  onlyOfHandle(first: number, handleID: string, h: number): boolean {
    this.#distinct ??= allDistinct(this.#hashes, this.items.length);
    return this.#distinct || this.firstOfHandle(handleID, first + 1, h) < 0;
  }

  /** Removes the last attribute (undoes `findOrPush`'s append). */
  pop(): void {
    this.items.pop();
    if (this.#distinct === false) this.#distinct = undefined;
  }

  /**
   * Removes the attribute at `idx` (the caller renumbers the allocations).
   * One loop moves the attributes and hashes above it down: `splice` would
   * make an array of the removed attribute, and `copyWithin` on a typed
   * array is a call into the runtime, each time for a few dozen entries.
   */
  remove(idx: number): void {
    const items = this.items;
    const hashes = this.#hashes;
    const last = items.length - 1;
    for (let i = idx; i < last; i++) {
      items[i] = items[i + 1] as AllocationAttribute;
      hashes[i] = hashes[i + 1] as number;
    }
    items.pop();
    if (this.#distinct === false) this.#distinct = undefined;
  }

  /** Puts `attribute` back at `idx` (undoes `remove`; the caller renumbers the allocations). */
  insert(idx: number, attribute: AllocationAttribute): void {
    const n = this.items.length;
    this.#reserve(n + 1);
    this.items.splice(idx, 0, attribute);
    this.#hashes.copyWithin(idx + 1, idx, n);
    this.#hashes[idx] = handleHash(attribute.handle_id);
    if (this.#distinct === true) this.#distinct = undefined;
  }
}
