/**
 * The before-image of a live block (`AllocationBlock.saveTo`): what an owning
 * backend needs to undo a failed transaction's changes to the block exactly.
 * An image is reused from transaction to transaction: its buffers grow to
 * the largest block saved and are overwritten, never reallocated, so saving
 * costs two typed-array copies, the free queue's integers and the attribute
 * references, and makes no garbage.
 */
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

/** The plain fields of a block, as an image keeps them. */
interface BlockFields {
  readonly affinity: string | null;
  readonly affinityClaimTime: string | undefined;
  readonly strictAffinity: boolean;
  readonly sequenceNumber: number;
  readonly deleted: boolean;
}

export class BlockImage {
  affinity: string | null = null;
  affinityClaimTime: string | undefined;
  strictAffinity = false;
  sequenceNumber = 0;
  deleted = false;
  /** How many free ordinals the block had. */
  count = 0;
  /** The block's `#arraysOf` spec, if any (its arrays are immutable, so the reference is enough). */
  arraysOf: IPAMBlockSpec | undefined;
  #size = 0;
  #allocations = new Int32Array(0);
  /** The free queue, head first (not as a ring). */
  #queue = new Int32Array(0);
  #sequence = new Float64Array(0);
  readonly #attributes: AllocationAttribute[] = [];
  #attributeCount = 0;

  /** Saves the plain fields, the allocations and the free queue (`count` ordinals from `head`). */
  save(fields: BlockFields, allocations: Int32Array, queue: Int32Array, head: number, count: number): void {
    this.affinity = fields.affinity;
    this.affinityClaimTime = fields.affinityClaimTime;
    this.strictAffinity = fields.strictAffinity;
    this.sequenceNumber = fields.sequenceNumber;
    this.deleted = fields.deleted;
    const size = allocations.length;
    if (this.#allocations.length < size) {
      this.#allocations = new Int32Array(size);
      this.#sequence = new Float64Array(size);
    }
    if (this.#queue.length < count) this.#queue = new Int32Array(Math.max(count, size));
    this.#size = size;
    this.#allocations.set(allocations);
    const saved = this.#queue;
    const cap = queue.length;
    for (let i = 0, at = head; i < count; i++) {
      saved[i] = queue[at] as number;
      if (++at === cap) at = 0;
    }
    this.count = count;
  }

  /** Saves the sequence numbers, the attribute references and the block's current spec. */
  saveRest(
    sequence: Float64Array,
    attributes: readonly AllocationAttribute[],
    arraysOf: IPAMBlockSpec | undefined,
  ): void {
    this.#sequence.set(sequence);
    const to = this.#attributes;
    const n = attributes.length;
    for (let i = 0; i < n; i++) to[i] = attributes[i] as AllocationAttribute;
    this.#attributeCount = n;
    this.arraysOf = arraysOf;
  }

  /**
   * Writes the saved state back into a block's buffers (the queue from its
   * start; it must hold `count`). Returns the free count.
   */
  restore(
    allocations: Int32Array,
    queue: Int32Array,
    sequence: Float64Array,
    attributes: AllocationAttribute[],
  ): number {
    const size = this.#size;
    allocations.set(this.#allocations.subarray(0, size));
    sequence.set(this.#sequence.subarray(0, size));
    queue.set(this.#queue.subarray(0, this.count));
    attributes.length = this.#attributeCount;
    for (let i = 0; i < this.#attributeCount; i++) attributes[i] = this.#attributes[i] as AllocationAttribute;
    return this.count;
  }

  /**
   * Forgets the saved block. The attribute references stay in the reused
   * array until overwritten (at most one block's worth per image).
   */
  clear(): void {
    this.#attributeCount = 0;
    this.arraysOf = undefined;
  }
}
