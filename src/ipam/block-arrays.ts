/**
 * The compact form of an allocation block's arrays (what `AllocationBlock`
 * keeps) and its conversion from and to the Calico-shaped IPAMBlock spec
 * (what stores and readers see):
 *
 * | spec                          | compact                                           |
 * |-------------------------------|---------------------------------------------------|
 * | `allocations[o]`: index/null  | `Int32Array`, `FREE` (-1) for null                |
 * | `unallocated`: FIFO of ordinals | `Int32Array` ring: `count` entries from `head`  |
 * | `sequenceNumberForAllocation` | `Float64Array` per ordinal, `NaN` for none, plus  |
 * |                               | `other`: keys that are not ordinals, kept as is   |
 * | `attributes`                  | the same array of attribute objects               |
 *
 * Typed arrays change in place without write barriers or holes, and a
 * live block's undo journal records their slots as plain numbers.
 * A spec that the compact form cannot hold exactly (an entry that is not an
 * integer, a free ordinal outside the block, a sequence number that is not a
 * number) is not representable: `readSpecArrays` returns undefined. Calico's
 * CRD types (`[]*int`, `[]int`, `map[string]uint64`) admit none of these
 * except out-of-range free ordinals, on which Calico's own allocator panics.
 */
import type { IPAMBlockSpec } from './objects.js';

/** `allocations[o]` of a free ordinal. */
export const FREE = -1;

const MAX_INDEX = 0x7fffffff;

/** A block's arrays in compact form. */
export interface CompactArrays {
  readonly allocations: Int32Array;
  readonly queue: Int32Array;
  readonly count: number;
  readonly sequence: Float64Array;
  readonly other: Readonly<Record<string, number>> | undefined;
}

function isOrdinalKey(key: string, size: number): number | undefined {
  const o = Number(key);
  return Number.isInteger(o) && o >= 0 && o < size && String(o) === key ? o : undefined;
}

/** The spec's arrays in compact form; undefined when not representable (see the module comment). */
export function readSpecArrays(spec: IPAMBlockSpec): CompactArrays | undefined {
  const size = spec.allocations.length;
  const allocations = new Int32Array(size);
  for (let o = 0; o < size; o++) {
    const idx = spec.allocations[o];
    if (idx === null || idx === undefined) allocations[o] = FREE;
    else if (Number.isInteger(idx) && idx >= 0 && idx <= MAX_INDEX) allocations[o] = idx;
    else return undefined;
  }
  const free = spec.unallocated;
  const queue = new Int32Array(Math.max(size, free.length));
  for (let i = 0; i < free.length; i++) {
    const o = free[i] as number;
    if (!(Number.isInteger(o) && o >= 0 && o < size)) return undefined;
    queue[i] = o;
  }
  const sequence = new Float64Array(size).fill(Number.NaN);
  let other: Record<string, number> | undefined;
  const given = spec.sequenceNumberForAllocation;
  for (const key in given) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
    const o = isOrdinalKey(key, size);
    if (o !== undefined) {
      sequence[o] = value;
      continue;
    }
    other ??= {};
    other[key] = value;
  }
  return { allocations, queue, count: free.length, sequence, other };
}

/**
 * An array of `n` slots for the caller to fill every one of: one allocation
 * of the final size, where `push` onto `[]` regrew the store three times for
 * a /26 block's 64 entries (every snapshot of every block).
 */
export function filledArray<T>(n: number): T[] {
  return new Array<T>(n);
}

/** `allocations` as the spec spells it. */
export function specAllocations(allocations: Int32Array): (number | null)[] {
  const out = filledArray<number | null>(allocations.length);
  for (let o = 0; o < allocations.length; o++) {
    const idx = allocations[o] as number;
    out[o] = idx === FREE ? null : idx;
  }
  return out;
}

/** Copies the ring's `count` entries from `head` into `out` from index 0, in queue order (`out` must take them). */
export function copyRing(queue: Int32Array, head: number, count: number, out: Int32Array | number[]): void {
  const cap = queue.length;
  for (let i = 0, at = head; i < count; i++) {
    out[i] = queue[at] as number;
    if (++at === cap) at = 0;
  }
}

/** The ring's `count` entries from `head`, in queue order. */
export function specUnallocated(queue: Int32Array, head: number, count: number): number[] {
  const out = filledArray<number>(count);
  copyRing(queue, head, count, out);
  return out;
}

/**
 * `sequenceNumberForAllocation`: ordinals with a sequence number, then the
 * other keys. Integer keys enumerate in ascending order whatever order they
 * are added in, so up to 1,024 ordinals are added highest first: V8 then
 * gives the object's elements their final size at the first store instead of
 * regrowing them three times for a /26 block. (Further from empty than 1,024
 * it would make them a dictionary.)
 */
export function specSequence(
  sequence: Float64Array,
  other: Readonly<Record<string, number>> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  if (sequence.length <= 1024) {
    for (let o = sequence.length - 1; o >= 0; o--) {
      const value = sequence[o] as number;
      if (!Number.isNaN(value)) out[o] = value;
    }
  } else {
    for (let o = 0; o < sequence.length; o++) {
      const value = sequence[o] as number;
      if (!Number.isNaN(value)) out[o] = value;
    }
  }
  if (other !== undefined) Object.assign(out, other);
  return out;
}

/**
 * An empty array already in V8's elements kind for objects, for arrays that
 * only ever hold objects and strings. A `[]` starts in the small-integer
 * kind and changes kind (and hidden class) at its first object, so code V8
 * optimised for the filled arrays of one backend, table or journal did not
 * fit the fresh `[]` of the next one: a "wrong map" deoptimisation and a
 * recompilation of the allocator each time one is made (each benchmark run).
 */
export function objectArray<T>(): T[] {
  const array: (T | undefined)[] = [undefined];
  array.length = 0;
  return array as T[];
}

/**
 * `n` undefined slots in the elements kind for objects (`objectArray`), for
 * logs reused with a count of slots in use. Written slot by slot at the
 * count, a fresh empty array grows at every write of its first transaction;
 * code optimised on a log that had stopped growing then deoptimised ("out
 * of bounds") on the next one. A log longer than `n` still grows, once.
 */
export function objectSlots<T>(n: number): (T | undefined)[] {
  return Array.from({ length: n });
}
