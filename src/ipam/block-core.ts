/**
 * What an allocation block holds and the smallest changes to it: the base of
 * `AllocationBlock` (`block.ts`), which builds Calico's operations on them.
 *
 * The block's arrays are in compact form (`block-arrays.ts`): per ordinal the
 * index of its attribute (`FREE` when free) and the block's sequence number
 * when it was assigned (NaN when free), the free queue as a ring (`count`
 * ordinals from `head`: assignment takes from the head, release appends to
 * the tail), and the attribute list (`block-attributes.ts`). Every change
 * here reports itself to the block's undo journal first, when it has one
 * (`block-journal.ts`), and `undoEvents` replays a journal backwards.
 *
 * Split from `AllocationBlock` as a base class rather than a separate object
 * so that an operation still reaches every array from the one block object.
 */
import { type CompactArrays, FREE, specUnallocated } from './block-arrays.js';
import { BlockAttributes } from './block-attributes.js';
import {
  type BlockJournal,
  EVENT_SIZE,
  UNDO_ATTRIBUTE_ADDED,
  UNDO_ATTRIBUTE_DROPPED,
  UNDO_FULL,
  UNDO_PUSH,
  UNDO_SHIFT,
  UNDO_SLOT,
} from './block-journal.js';
import type { BlockFields } from './block-types.js';
import { type BlockCidr, blockCidrOf, type Cidr } from './ipv4.js';
import type { AllocationAttribute } from './objects.js';

/**
 * Whether `allocations` holds `idx`: `Int32Array.prototype.includes` as a
 * loop, which V8 compiles inline (the builtin is a call into the runtime).
 */
function holds(allocations: Int32Array, idx: number): boolean {
  for (let o = 0; o < allocations.length; o++) if (allocations[o] === idx) return true;
  return false;
}

export abstract class BlockCore {
  readonly cidr: Cidr;
  affinity: string | null;
  affinityClaimTime: string | undefined;
  strictAffinity: boolean;
  sequenceNumber: number;
  deleted: boolean;
  /** Ordinal → attribute index; `FREE` when free. */
  #allocations: Int32Array;
  /** The free queue: `#count` ordinals from `#head`, wrapping around the ring. */
  #queue: Int32Array;
  #head = 0;
  #count: number;
  readonly #attributes: BlockAttributes;
  /** Ordinal → the block's sequence number when it was assigned; NaN when free. */
  readonly #sequence: Float64Array;
  /** Sequence numbers under keys that are no ordinal of the block (hand-edited specs), kept as they are. */
  protected readonly otherSequence: Readonly<Record<string, number>> | undefined;
  #blockCidr: BlockCidr | undefined;
  /** The journal changes are reported to (`AllocationBlock.saveTo`), if any. */
  #undo: BlockJournal | undefined;

  protected constructor(
    cidr: Cidr,
    fields: BlockFields,
    arrays: CompactArrays,
    attributes: readonly AllocationAttribute[],
    shared?: { readonly hashes: Int32Array; readonly buckets: Uint16Array },
  ) {
    this.cidr = cidr;
    this.affinity = fields.affinity;
    this.affinityClaimTime = fields.affinityClaimTime;
    this.strictAffinity = fields.strictAffinity;
    this.sequenceNumber = fields.sequenceNumber;
    this.deleted = fields.deleted;
    this.#allocations = arrays.allocations;
    this.#queue = arrays.queue;
    this.#count = arrays.count;
    this.#sequence = arrays.sequence;
    this.otherSequence = arrays.other;
    this.#attributes = new BlockAttributes(attributes, arrays.allocations.length, shared);
  }

  // ---- reading ----

  /** `10.244.84.128/26`: the block's CIDR as specs and handles spell it (`blockCidr.text`). */
  get cidrText(): string {
    return this.blockCidr.text;
  }

  /** The block's CIDR with its text and IPAMBlock name (`parseBlockCidr`'s shared object). */
  get blockCidr(): BlockCidr {
    this.#blockCidr ??= blockCidrOf(this.cidr);
    return this.#blockCidr;
  }

  get size(): number {
    return this.#allocations.length;
  }

  numFree(): number {
    return this.#count;
  }

  /** Addresses in use: capacity − free (what `calicoctl ipam show` counts). */
  inUse(): number {
    return this.size - this.#count;
  }

  isEmpty(): boolean {
    return this.#count === this.size;
  }

  /** The ordinal of an address of this block; undefined when outside it. */
  ordinalOf(ip: number): number | undefined {
    const o = ip - this.cidr.network;
    return o >= 0 && o < this.size ? o : undefined;
  }

  ipOf(ordinal: number): number {
    return this.cidr.network + ordinal;
  }

  /** The attribute of an allocated address; undefined when free or outside. */
  attributeOf(ip: number): AllocationAttribute | undefined {
    const o = this.ordinalOf(ip);
    const idx = o === undefined ? FREE : (this.#allocations[o] as number);
    return idx === FREE ? undefined : this.#attributes.item(idx);
  }

  /** The sequence number recorded when `ip` was assigned. */
  sequenceNumberOf(ip: number): number | undefined {
    const o = this.ordinalOf(ip);
    const seq = o === undefined ? Number.NaN : (this.#sequence[o] as number);
    return Number.isNaN(seq) ? undefined : seq;
  }

  /** The free ordinals, head first (a copy). */
  unallocated(): number[] {
    return specUnallocated(this.#queue, this.#head, this.#count);
  }

  /** Every allocated address with its attribute, in ordinal order. */
  *allocated(): Generator<{ readonly ip: number; readonly attribute: AllocationAttribute }> {
    for (let o = 0; o < this.#allocations.length; o++) {
      const idx = this.#allocations[o] as number;
      if (idx !== FREE) yield { ip: this.cidr.network + o, attribute: this.#attributes.item(idx) ?? {} };
    }
  }

  // ---- for AllocationBlock ----

  /** Ordinal → attribute index (`FREE`: free). Change it only through the methods below. */
  protected get allocations(): Int32Array {
    return this.#allocations;
  }

  /** Ordinal → sequence number (NaN: free). Change it only through the methods below. */
  protected get sequence(): Float64Array {
    return this.#sequence;
  }

  protected get attributes(): BlockAttributes {
    return this.#attributes;
  }

  /** The journal changes are reported to, if any. */
  protected get undo(): BlockJournal | undefined {
    return this.#undo;
  }

  protected set undo(journal: BlockJournal | undefined) {
    this.#undo = journal;
  }

  /** The index of an attribute equal to `attribute` (hash `h`), appended when there is none. */
  protected findOrAddAttribute(attribute: AllocationAttribute, h: number): number {
    const idx = this.#attributes.findOrPush(attribute, h);
    if (idx >= 0) return idx;
    this.#undo?.attributeAdded();
    return ~idx;
  }

  /** Gives ordinal `o` (already out of the free queue) to the attribute at `idx`. */
  protected take(o: number, idx: number): void {
    this.#undo?.slot(o, this.#allocations[o] as number, this.#sequence[o] as number);
    this.#allocations[o] = idx;
    this.#sequence[o] = this.sequenceNumber;
  }

  /** Takes the ordinal at the head of the free queue (there must be one). */
  protected shift(): number {
    const queue = this.#queue;
    const o = queue[this.#head] as number;
    this.#head = this.#head + 1 === queue.length ? 0 : this.#head + 1;
    this.#count--;
    this.#undo?.shifted(o);
    return o;
  }

  /** Appends a freed ordinal to the tail of the free queue. */
  #push(o: number): void {
    let queue = this.#queue;
    if (this.#count === queue.length) {
      // Only a hand-edited block with an ordinal both free and allocated gets here.
      // (The queue keeps its order, so the journal's queue events still undo it.)
      const grown = new Int32Array(Math.max(1, queue.length * 2));
      grown.set(this.unallocated());
      this.#queue = queue = grown;
      this.#head = 0;
    }
    let at = this.#head + this.#count;
    if (at >= queue.length) at -= queue.length;
    queue[at] = o;
    this.#count++;
    this.#undo?.pushed();
  }

  /** Frees ordinal `o` to the tail of the queue. */
  protected freeSlot(o: number): void {
    const sequence = this.#sequence;
    this.#undo?.slot(o, this.#allocations[o] as number, sequence[o] as number);
    this.#allocations[o] = FREE;
    sequence[o] = Number.NaN;
    this.#push(o);
  }

  /**
   * Removes attribute `idx`, which no allocation references, and renumbers
   * the allocations above it (Calico `deleteAttributes`).
   */
  protected dropAttribute(idx: number): void {
    this.#undo?.attributeDropped(idx, this.#attributes.item(idx) as AllocationAttribute);
    this.#attributes.remove(idx);
    const allocations = this.#allocations;
    for (let o = 0; o < allocations.length; o++) {
      const a = allocations[o] as number;
      if (a > idx) allocations[o] = a - 1;
    }
  }

  /** Frees ordinals to the tail and drops the attributes nothing references any more. */
  protected free(ordinals: readonly number[]): void {
    const allocations = this.#allocations;
    let freed: number | number[] = FREE;
    for (const o of ordinals) {
      const idx = allocations[o] as number;
      this.freeSlot(o);
      if (idx === FREE) continue;
      if (freed === FREE) freed = idx;
      else if (typeof freed === 'number') freed = freed === idx ? freed : [freed, idx];
      else if (!freed.includes(idx)) freed.push(idx);
    }
    if (typeof freed === 'number') {
      if (freed !== FREE && !holds(allocations, freed)) this.dropAttribute(freed);
      return;
    }
    const unreferenced = freed.filter((idx) => !holds(allocations, idx)).sort((a, b) => b - a);
    for (const idx of unreferenced) this.dropAttribute(idx);
  }

  /**
   * Takes ordinal `o` out of the free queue wherever it is, every occurrence
   * (Calico filters the queue when assigning a given address). A wholesale
   * change: the journal, if any, saves the whole block first (`saveFull`).
   */
  protected unqueue(o: number): void {
    const rest = this.unallocated().filter((u) => u !== o);
    this.#queue.set(rest);
    this.#head = 0;
    this.#count = rest.length;
  }

  /** Before a wholesale change: the journal, if any, saves the whole block. */
  protected saveFull(): void {
    this.#undo?.saveFull(
      this.#allocations,
      this.#queue,
      this.#head,
      this.#count,
      this.#sequence,
      this.#attributes,
    );
  }

  /** Undoes the journal's events, newest first (`AllocationBlock.restoreFrom` then puts the plain fields back). */
  protected undoEvents(journal: BlockJournal): void {
    const ops = journal.ops;
    for (let e = journal.eventCount - 1; e >= 0; e--) {
      const at = e * EVENT_SIZE;
      const a = ops[at + 1] as number;
      switch (ops[at]) {
        case UNDO_SLOT:
          this.#allocations[a] = ops[at + 2] as number;
          this.#sequence[a] = ops[at + 3] as number;
          break;
        case UNDO_SHIFT:
          this.#head = this.#head === 0 ? this.#queue.length - 1 : this.#head - 1;
          this.#queue[this.#head] = a;
          this.#count++;
          break;
        case UNDO_PUSH:
          this.#count--;
          break;
        case UNDO_ATTRIBUTE_ADDED:
          this.#attributes.pop();
          break;
        case UNDO_ATTRIBUTE_DROPPED:
          this.#undropAttribute(a, journal.dropped(ops[at + 2] as number));
          break;
        case UNDO_FULL:
          if (this.#queue.length < journal.count) this.#queue = new Int32Array(journal.count);
          this.#head = 0;
          this.#count = journal.restoreFull(this.#allocations, this.#queue, this.#sequence, this.#attributes);
          break;
      }
    }
  }

  /** Puts back attribute `attr` at `idx`, renumbering the allocations at or above it up (undoes a drop). */
  #undropAttribute(idx: number, attr: AllocationAttribute): void {
    this.#attributes.insert(idx, attr);
    const allocations = this.#allocations;
    for (let o = 0; o < allocations.length; o++) {
      const v = allocations[o] as number;
      if (v !== FREE && v >= idx) allocations[o] = v + 1;
    }
  }
}
