/**
 * The undo journal of a live block (`AllocationBlock.saveTo`): what an owning
 * backend needs to undo a failed transaction's changes to the block exactly.
 *
 * `saveTo` records only the block's plain fields; from then on the block
 * reports each change before making it, as a small event: an ordinal's slot
 * (attribute index and sequence number) about to change, an ordinal taken
 * from the head of the free queue or appended to its tail, an attribute
 * appended or dropped. `restoreFrom` undoes the events newest first (queue
 * events as queue operations, so they hold even if the ring was regrown). A
 * change that rewrites the block wholesale (a specific-address assignment,
 * which filters the free queue) saves a full image of the block as it is at
 * that moment instead, and nothing after it is recorded: undoing restores
 * that image, then the events before it.
 *
 * A journal is reused from transaction to transaction: its buffers grow to
 * the largest seen and are overwritten, never reallocated, so an allocation
 * or release journals a few numbers and makes no garbage.
 */
import { copyRing, objectArray, objectSlots } from './block-arrays.js';
import type { BlockAttributes } from './block-attributes.js';
import type { BlockFields } from './block-types.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

/** Event codes (the first of each event's four numbers in the journal). */
export const UNDO_SLOT = 1;
export const UNDO_SHIFT = 2;
export const UNDO_PUSH = 3;
export const UNDO_ATTRIBUTE_ADDED = 4;
export const UNDO_ATTRIBUTE_DROPPED = 5;
export const UNDO_FULL = 6;

/** Numbers per event: code and up to three operands. */
export const EVENT_SIZE = 4;

export class BlockJournal {
  affinity: string | null = null;
  affinityClaimTime: string | undefined;
  strictAffinity = false;
  sequenceNumber = 0;
  deleted = false;
  /** The block's `#arraysOf` spec when journaling began (its arrays are immutable, so the reference is enough). */
  arraysOf: IPAMBlockSpec | undefined;
  /** The events, `EVENT_SIZE` numbers each; `events` numbers are in use. */
  #ops = new Float64Array(64);
  #events = 0;
  /** The attributes dropped, in event order (one per `UNDO_ATTRIBUTE_DROPPED`, whose second operand is its index here). */
  readonly #dropped: (AllocationAttribute | undefined)[] = objectSlots(4);
  #droppedCount = 0;
  /** Whether the full image below holds the block (then nothing later is recorded). */
  #full = false;
  /** How many free ordinals the block had when the full image was saved. */
  count = 0;
  #size = 0;
  #allocations = new Int32Array(0);
  /** The free queue, head first (not as a ring). */
  #queue = new Int32Array(0);
  #sequence = new Float64Array(0);
  readonly #attributes: AllocationAttribute[] = objectArray();
  #attributeCount = 0;

  /** Starts a journal: the block's plain fields now, and no events. */
  begin(fields: BlockFields, arraysOf: IPAMBlockSpec | undefined): void {
    this.affinity = fields.affinity;
    this.affinityClaimTime = fields.affinityClaimTime;
    this.strictAffinity = fields.strictAffinity;
    this.sequenceNumber = fields.sequenceNumber;
    this.deleted = fields.deleted;
    this.arraysOf = arraysOf;
    this.#events = 0;
    this.#droppedCount = 0;
    this.#full = false;
  }

  /** The events, `EVENT_SIZE` numbers each, oldest first: read `eventCount` of them. */
  get ops(): Float64Array {
    return this.#ops;
  }

  get eventCount(): number {
    return this.#events;
  }

  /** The attribute an `UNDO_ATTRIBUTE_DROPPED` event saved (`n`: the event's second operand). */
  dropped(n: number): AllocationAttribute {
    return this.#dropped[n] as AllocationAttribute;
  }

  #event(code: number, a: number, b: number, c: number): void {
    if (this.#full) return;
    let ops = this.#ops;
    const at = this.#events * EVENT_SIZE;
    if (at + EVENT_SIZE > ops.length) {
      const grown = new Float64Array(ops.length * 2);
      grown.set(ops);
      this.#ops = ops = grown;
    }
    ops[at] = code;
    ops[at + 1] = a;
    ops[at + 2] = b;
    ops[at + 3] = c;
    this.#events++;
  }

  /** Ordinal `o` held attribute index `idx` and sequence number `seq`, about to change. */
  slot(o: number, idx: number, seq: number): void {
    this.#event(UNDO_SLOT, o, idx, seq);
  }

  /** Ordinal `o` was taken from the head of the free queue. */
  shifted(o: number): void {
    this.#event(UNDO_SHIFT, o, 0, 0);
  }

  /** An ordinal was appended to the tail of the free queue. */
  pushed(): void {
    this.#event(UNDO_PUSH, 0, 0, 0);
  }

  /** An attribute was appended to the attribute list. */
  attributeAdded(): void {
    this.#event(UNDO_ATTRIBUTE_ADDED, 0, 0, 0);
  }

  /**
   * Attribute `attr` at index `idx` is about to be dropped (allocations above
   * it renumbered down). The event holds `idx` and where `dropped` finds `attr`.
   */
  attributeDropped(idx: number, attr: AllocationAttribute): void {
    if (this.#full) return;
    this.#event(UNDO_ATTRIBUTE_DROPPED, idx, this.#droppedCount, 0);
    this.#dropped[this.#droppedCount++] = attr;
  }

  /**
   * Saves the whole block as it is now (before a wholesale change): the
   * allocations, the free queue (`count` ordinals from `head`), the sequence
   * numbers and the attribute references. Nothing later is recorded.
   */
  saveFull(
    allocations: Int32Array,
    queue: Int32Array,
    head: number,
    count: number,
    sequence: Float64Array,
    attributes: BlockAttributes,
  ): void {
    if (this.#full) return;
    this.#event(UNDO_FULL, 0, 0, 0);
    this.#full = true;
    const size = allocations.length;
    if (this.#allocations.length < size) {
      this.#allocations = new Int32Array(size);
      this.#sequence = new Float64Array(size);
    }
    if (this.#queue.length < count) this.#queue = new Int32Array(Math.max(count, size));
    this.#size = size;
    this.#allocations.set(allocations);
    this.#sequence.set(sequence);
    copyRing(queue, head, count, this.#queue);
    this.count = count;
    this.#attributeCount = attributes.copyTo(this.#attributes);
  }

  /**
   * Writes the full image back into a block's buffers (the queue from its
   * start; it must hold `count`) and attribute list. Returns the free count.
   */
  restoreFull(
    allocations: Int32Array,
    queue: Int32Array,
    sequence: Float64Array,
    attributes: BlockAttributes,
  ): number {
    const size = this.#size;
    allocations.set(this.#allocations.subarray(0, size));
    sequence.set(this.#sequence.subarray(0, size));
    queue.set(this.#queue.subarray(0, this.count));
    attributes.setAll(this.#attributes, this.#attributeCount);
    return this.count;
  }

  /**
   * Forgets the journal (the transaction ended). Attribute references stay in
   * the reused arrays until overwritten (at most one block's worth each).
   */
  clear(): void {
    this.#events = 0;
    this.#droppedCount = 0;
    this.#full = false;
    this.#attributeCount = 0;
    this.arraysOf = undefined;
  }
}
