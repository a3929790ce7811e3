/**
 * A block's attribute list (Calico `allocationBlock.Attributes`) with a hash
 * of each attribute's handle ID beside it, in an `Int32Array`.
 *
 * Calico answers "which attribute equals this one" (`findOrAddAttribute`) and
 * "which attributes belong to this handle" (`releaseByHandle`) by scanning
 * the list; so does this class, but it compares the integer hashes first and
 * looks at an attribute object only when they match. The answers are
 * exactly the scans' (equal IDs have equal hashes), for any list, hand-edited
 * ones included. Two more things spare work without changing an answer:
 *
 * - whether all hashes are distinct (one attribute per pod, as the allocator
 *   makes them): then a release by handle stops at the handle's attribute
 *   instead of scanning the rest of the list for another one;
 * - how many hashes fall in each of 256 buckets (by their low byte): an
 *   assignment whose hash has an empty bucket appends its attribute without
 *   scanning for an equal one (with 64 attributes, three buckets in four or
 *   more are empty). Counts are 16-bit, so a list that could outgrow them
 *   (a ring of 65,536 slots or more) goes without and always scans.
 *
 * The list is kept in a ring (logical index `i` at `(head + i) & mask`), sized
 * for the block's addresses from the start: dropping the first attribute
 * (the oldest, which is what releasing pods in creation order does every
 * time) moves no other one, and any other drop moves the shorter side.
 */
import { filledArray } from './block-arrays.js';
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

/** Buckets of the hash filter (by the hash's low byte). */
export const HASH_BUCKETS = 256;

/** The smallest power of two ≥ `n` (and ≥ 1). */
function ringSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

export class BlockAttributes {
  /** The attributes, in Calico's order from `#head`, wrapping round (`#mask + 1` slots). */
  #ring: (AllocationAttribute | undefined)[];
  /** The hash of each slot's attribute (same positions as `#ring`). */
  #hashes: Int32Array;
  #head = 0;
  #count = 0;
  #mask: number;
  /** How many hashes have each low byte; undefined for rings too large for the counts. */
  #buckets: Uint16Array | undefined;
  /**
   * Whether no two attributes have the same handle hash (so no two have the
   * same handle); undefined when not known since a change that could have
   * made it so (worked out again when asked). True for the blocks the
   * allocator makes: one attribute per pod.
   */
  #distinct: boolean | undefined;

  /**
   * Takes `items` (copied) in a ring of at least `capacity` slots. `hashes`
   * (as many as the ring's slots) and `buckets` (`HASH_BUCKETS` counts), when
   * given, are where the hashes and the filter go (`AllocationBlock.create`
   * shares one buffer among its arrays).
   */
  constructor(
    items: readonly AllocationAttribute[],
    capacity: number,
    shared?: { readonly hashes: Int32Array; readonly buckets: Uint16Array },
  ) {
    const size = ringSize(Math.max(capacity, items.length));
    const fits = shared !== undefined && shared.hashes.length === size;
    this.#ring = new Array(size).fill(undefined);
    this.#hashes = fits ? shared.hashes : new Int32Array(size);
    this.#buckets = size >= 0x10000 ? undefined : fits ? shared.buckets : new Uint16Array(HASH_BUCKETS);
    this.#mask = size - 1;
    this.setAll(items, items.length);
  }

  get count(): number {
    return this.#count;
  }

  /** The attribute at (Calico) index `i`; undefined outside the list. */
  item(i: number): AllocationAttribute | undefined {
    return i >= 0 && i < this.#count ? this.#ring[(this.#head + i) & this.#mask] : undefined;
  }

  /** The list as a new array, in order. */
  toArray(): AllocationAttribute[] {
    const out = filledArray<AllocationAttribute>(this.#count);
    this.copyTo(out);
    return out;
  }

  /** Writes the list into `out` from index 0, in order; returns how many. */
  copyTo(out: AllocationAttribute[]): number {
    const ring = this.#ring;
    for (let i = 0; i < this.#count; i++) out[i] = ring[(this.#head + i) & this.#mask] as AllocationAttribute;
    return this.#count;
  }

  /** Replaces the list with the first `n` of `items` (hashing each). */
  setAll(items: readonly AllocationAttribute[], n: number): void {
    if (n > this.#mask + 1) this.#regrow(n);
    this.#ring.fill(undefined);
    this.#buckets?.fill(0);
    this.#head = 0;
    this.#count = n;
    for (let i = 0; i < n; i++) {
      const attribute = items[i] as AllocationAttribute;
      const h = handleHash(attribute.handle_id);
      this.#ring[i] = attribute;
      this.#hashes[i] = h;
      this.#tally(h, 1);
    }
    this.#distinct = n === 0 ? true : undefined;
  }

  /** Counts hash `h` in (1) or out (-1) of the filter. */
  #tally(h: number, delta: number): void {
    const buckets = this.#buckets;
    if (buckets === undefined) return;
    const i = h & (HASH_BUCKETS - 1);
    buckets[i] = (buckets[i] as number) + delta;
  }

  /** Whether the filter says no attribute has hash `h` (so none equals one with it). */
  #absent(h: number): boolean {
    return this.#buckets !== undefined && this.#buckets[h & (HASH_BUCKETS - 1)] === 0;
  }

  /** Moves the list into a ring of at least `n` slots (from position 0). */
  #regrow(n: number): void {
    const size = ringSize(n);
    if (size >= 0x10000) this.#buckets = undefined;
    const ring: (AllocationAttribute | undefined)[] = new Array(size).fill(undefined);
    const hashes = new Int32Array(size);
    for (let i = 0; i < this.#count; i++) {
      const at = (this.#head + i) & this.#mask;
      ring[i] = this.#ring[at];
      hashes[i] = this.#hashes[at] as number;
    }
    this.#ring = ring;
    this.#hashes = hashes;
    this.#mask = size - 1;
    this.#head = 0;
  }

  /**
   * The index of the first attribute of `handleID` at or after `from`
   * (Calico's scan), or -1. `h`: `handleHash(handleID)`, when the caller has it.
   */
  firstOfHandle(handleID: string, from: number, h = handleHash(handleID)): number {
    const hashes = this.#hashes;
    const ring = this.#ring;
    const mask = this.#mask;
    for (let i = from; i < this.#count; i++) {
      const at = (this.#head + i) & mask;
      if (hashes[at] === h && sameHandle(ring[at]?.handle_id, handleID)) return i;
    }
    return -1;
  }

  /**
   * The index of the first attribute equal to `attribute` (Calico's
   * `findOrAddAttribute` scan), appending `attribute` when there is none:
   * then the complement (`~i`, negative) of the index it was appended at.
   * `h`: `handleHash(attribute.handle_id)`. The same scan tells whether the
   * new attribute's hash is another's (`#distinct`); none is when its bucket
   * is empty, and then there is no scan.
   */
  findOrPush(attribute: AllocationAttribute, h: number): number {
    if (!this.#absent(h)) {
      const hashes = this.#hashes;
      const ring = this.#ring;
      const mask = this.#mask;
      let taken = false;
      for (let i = 0; i < this.#count; i++) {
        const at = (this.#head + i) & mask;
        if (hashes[at] !== h) continue;
        if (sameAttribute(ring[at] as AllocationAttribute, attribute)) return i;
        taken = true;
      }
      if (taken) this.#distinct = false;
    }
    const i = this.#count;
    this.#put(i, attribute, h);
    return ~i;
  }

  /** Appends `attribute` (hash `h`) as index `i` (= count), regrowing a full ring. */
  #put(i: number, attribute: AllocationAttribute, h: number): void {
    if (this.#count > this.#mask) this.#regrow(this.#count + 1);
    const at = (this.#head + i) & this.#mask;
    this.#ring[at] = attribute;
    this.#hashes[at] = h;
    this.#tally(h, 1);
    this.#count++;
  }

  /**
   * Whether attribute `first` (of `handleID`, hash `h`) is the only one of
   * its handle: no scan when every hash is distinct.
   */
  onlyOfHandle(first: number, handleID: string, h: number): boolean {
    this.#distinct ??= this.#allDistinct();
    return this.#distinct || this.firstOfHandle(handleID, first + 1, h) < 0;
  }

  #allDistinct(): boolean {
    const seen = new Set<number>();
    for (let i = 0; i < this.#count; i++) seen.add(this.#hashes[(this.#head + i) & this.#mask] as number);
    return seen.size === this.#count;
  }

  /** Removes the last attribute (undoes `findOrPush`'s append). */
  pop(): void {
    const at = (this.#head + this.#count - 1) & this.#mask;
    this.#tally(this.#hashes[at] as number, -1);
    this.#ring[at] = undefined;
    this.#count--;
    if (this.#distinct === false) this.#distinct = undefined;
  }

  /**
   * Removes the attribute at `idx` (the caller renumbers the allocations):
   * the attributes before it move up one slot (and the head with them) or
   * those after it move down one, whichever are fewer.
   */
  remove(idx: number): void {
    const ring = this.#ring;
    const hashes = this.#hashes;
    const mask = this.#mask;
    const head = this.#head;
    const gone = (head + idx) & mask;
    this.#tally(hashes[gone] as number, -1);
    let free: number;
    if (idx < this.#count - 1 - idx) {
      for (let i = idx; i > 0; i--) {
        const to = (head + i) & mask;
        const from = (head + i - 1) & mask;
        ring[to] = ring[from];
        hashes[to] = hashes[from] as number;
      }
      free = head;
      this.#head = (head + 1) & mask;
    } else {
      for (let i = idx; i < this.#count - 1; i++) {
        const to = (head + i) & mask;
        const from = (head + i + 1) & mask;
        ring[to] = ring[from];
        hashes[to] = hashes[from] as number;
      }
      free = (head + this.#count - 1) & mask;
    }
    ring[free] = undefined;
    this.#count--;
    if (this.#distinct === false) this.#distinct = undefined;
  }

  /** Puts `attribute` back at `idx` (undoes `remove`; the caller renumbers the allocations). */
  insert(idx: number, attribute: AllocationAttribute): void {
    if (this.#count > this.#mask) this.#regrow(this.#count + 1);
    const ring = this.#ring;
    const hashes = this.#hashes;
    const mask = this.#mask;
    const head = this.#head;
    for (let i = this.#count; i > idx; i--) {
      const to = (head + i) & mask;
      const from = (head + i - 1) & mask;
      ring[to] = ring[from];
      hashes[to] = hashes[from] as number;
    }
    const h = handleHash(attribute.handle_id);
    const at = (head + idx) & mask;
    ring[at] = attribute;
    hashes[at] = h;
    this.#tally(h, 1);
    this.#count++;
    if (this.#distinct === true) this.#distinct = undefined;
  }
}
