/**
 * The memory backend's IPAMHandle table: a string-keyed map for the one
 * table that holds an entry per pod (100,000 in the benchmark), where a
 * `Map` lookup was a quarter of the allocator's time.
 *
 * A `Map<string, …>` hashes each new key string in a call into the runtime
 * (every handle ID arrives as a fresh string: once to create the handle,
 * once to release it), then walks a bucket chain comparing the key string
 * with the string of each entry on it, each a read somewhere else in memory.
 * This table is open addressing with linear probing over a power-of-two
 * number of slots, each slot three neighbouring elements of one array: the
 * key's hash (`stringHash`, which the allocator has already worked out for
 * the block), the key and the value. A probe compares integers and reads a
 * key string only when the full hashes are equal; a lookup reads one or two
 * cache lines of the table, and one that finds nothing (every handle
 * creation) reads no other string. Deletion shifts the entries after a slot
 * back (no tombstones), so the table stays as fast after 100,000 releases.
 *
 * Semantics are `Map`'s for what the backend uses (`get`, `has`, `set`,
 * `delete`, `size`, `entries`), except iteration order (callers sort).
 * Values must not be undefined.
 */
import { stringHash } from './string-hash.js';

const MIN_BITS = 4;

/** Elements per slot: hash, key, value. */
const STRIDE = 3;

/** The slot a hash starts probing at in a table of `2 ** bits` slots (Fibonacci hashing: the product's top bits). */
function home(h: number, bits: number): number {
  return Math.imul(h, 0x9e3779b1) >>> (32 - bits);
}

/** `n` slots, all empty. (Holes read as undefined: no `fill` pass over a large array.) */
function emptySlots(n: number): unknown[] {
  return new Array(n * STRIDE);
}

export class HandleTable<V> {
  /** Slot `i` at `3i`: the key's hash, the key (undefined: empty slot), the value. */
  #slots: unknown[];
  #bits: number;
  #mask: number;
  #size = 0;
  /**
   * The last lookup (`get`, `has`): its key, hash and result, valid while
   * `#changes` is what it was then. The backend looks a handle up and then
   * creates or deletes that very key, which then probes no more.
   */
  #lastKey: string | undefined;
  #lastHash = 0;
  #lastSlot = 0;
  #lastChanges = -1;
  /** Bumped by every insertion, deletion and growth (which move entries). */
  #changes = 0;

  constructor() {
    this.#bits = MIN_BITS;
    this.#mask = (1 << MIN_BITS) - 1;
    this.#slots = emptySlots(1 << MIN_BITS);
  }

  get size(): number {
    return this.#size;
  }

  /** The slot holding `key`, or the complement (negative) of the empty slot where it would go. */
  #find(key: string, h: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = home(h, this.#bits); ; i = (i + 1) & mask) {
      const k = slots[STRIDE * i + 1];
      if (k === undefined) return ~i;
      if (slots[STRIDE * i] === h && k === key) return i;
    }
  }

  /** `#find(key)`, remembered for a `set` or `delete` of the same key next. `h`: `stringHash(key)`. */
  #lookup(key: string, h: number): number {
    const i = this.#find(key, h);
    this.#lastKey = key;
    this.#lastHash = h;
    this.#lastSlot = i;
    this.#lastChanges = this.#changes;
    return i;
  }

  /**
   * `#lookup(key)`, or the last lookup's answer when it was of this key
   * (the same string: `===` is then one pointer comparison) and nothing
   * changed since.
   */
  #again(key: string): number {
    return this.#lastChanges === this.#changes && this.#lastKey === key
      ? this.#lastSlot
      : this.#lookup(key, stringHash(key));
  }

  /** `Map.get`. `h`: `stringHash(key)`, when the caller has it. */
  get(key: string, h = stringHash(key)): V | undefined {
    const i = this.#lookup(key, h);
    return i < 0 ? undefined : (this.#slots[STRIDE * i + 2] as V);
  }

  has(key: string): boolean {
    return this.#lookup(key, stringHash(key)) >= 0;
  }

  set(key: string, value: V): this {
    const i = this.#again(key);
    if (i >= 0) {
      this.#slots[STRIDE * i + 2] = value;
      return this;
    }
    const at = STRIDE * ~i;
    const slots = this.#slots;
    slots[at] = this.#lastHash;
    slots[at + 1] = key;
    slots[at + 2] = value;
    this.#changes++;
    if (++this.#size * 2 > this.#mask + 1) this.#grow();
    return this;
  }

  /**
   * Doubles the table (quadruples it from 4,096 slots: a large array is a
   * fresh allocation the system zeroes, and every entry is put in again, so
   * fewer, larger steps cost less), putting every entry in again (into
   * locals: this loop runs for every entry).
   */
  #grow(): void {
    const old = this.#slots;
    const bits = this.#bits + (this.#bits >= 12 ? 2 : 1);
    this.#bits = bits;
    const mask = (1 << bits) - 1;
    const slots = emptySlots(mask + 1);
    for (let j = 0; j < old.length; j += STRIDE) {
      const key = old[j + 1];
      if (key === undefined) continue;
      const h = old[j] as number;
      let i = home(h, bits);
      while (slots[STRIDE * i + 1] !== undefined) i = (i + 1) & mask;
      slots[STRIDE * i] = h;
      slots[STRIDE * i + 1] = key;
      slots[STRIDE * i + 2] = old[j + 2];
    }
    this.#mask = mask;
    this.#slots = slots;
  }

  /**
   * Removes `key`: the entries after its slot that probed past it move back
   * one by one into the gap, so every entry stays reachable from its home
   * slot without tombstones.
   */
  delete(key: string): boolean {
    let i = this.#again(key);
    if (i < 0) return false;
    this.#changes++;
    const slots = this.#slots;
    const mask = this.#mask;
    const bits = this.#bits;
    for (let j = (i + 1) & mask; slots[STRIDE * j + 1] !== undefined; j = (j + 1) & mask) {
      // The entry at j may fill the gap at i when i lies on its probe path (from its home to j).
      if (((j - home(slots[STRIDE * j] as number, bits)) & mask) >= ((j - i) & mask)) {
        slots[STRIDE * i] = slots[STRIDE * j];
        slots[STRIDE * i + 1] = slots[STRIDE * j + 1];
        slots[STRIDE * i + 2] = slots[STRIDE * j + 2];
        i = j;
      }
    }
    slots[STRIDE * i] = undefined;
    slots[STRIDE * i + 1] = undefined;
    slots[STRIDE * i + 2] = undefined;
    this.#size--;
    return true;
  }

  /** Every entry, in slot order. */
  *entries(): IterableIterator<[string, V]> {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i += STRIDE) {
      const key = slots[i + 1];
      if (key !== undefined) yield [key as string, slots[i + 2] as V];
    }
  }
}
