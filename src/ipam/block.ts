/**
 * The allocation block (Calico `ipam_block.go` `allocationBlock`): the pure
 * core of IPAM. A block of 2^(32-prefix) addresses has ordinals 0..N-1 (every
 * one assignable, including the network and broadcast addresses, reference
 * calico.md §1.5). `unallocated` is a FIFO queue: assignment takes from the
 * head, release appends to the tail, so a freed address comes back only after
 * every other free address of the block has been handed out.
 *
 * An instance keeps the block in compact form (`block-arrays.ts`: typed
 * arrays, the free queue as a ring) and produces the Calico-shaped spec on
 * demand (`toSpec`; the arrays of a spec are never changed afterwards, so a
 * spec is reused until the block next changes). It is used in one of two ways:
 *
 * - a working copy of a stored IPAMBlock spec (`fromSpec`), persisted as the
 *   new spec of one write (the Registry path). The store layer hands a written
 *   copy to the next operation on the block (`inStepWith` says whether it
 *   may), so neither the compact arrays nor the attribute hashes are rebuilt
 *   per operation;
 * - a live block owned by a backend (the memory backend): changed in place,
 *   read through `toSpec` snapshots, and put back from its undo journal
 *   (`saveTo`, `restoreFrom`, `block-journal.ts`) when a transaction fails.
 *
 * Attribute lookups are Calico's linear scans over the attribute list, with
 * an integer hash of each handle ID compared first (`block-attributes.ts`).
 *
 * Methods never throw on user data: they return the outcome, with Calico's
 * own error texts.
 */

import {
  type CompactArrays,
  FREE,
  readSpecArrays,
  specAllocations,
  specSequence,
  specUnallocated,
} from './block-arrays.js';
import { BlockAttributes, HASH_BUCKETS, handleHash } from './block-attributes.js';
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
import { blockSpec } from './block-parts.js';
import type {
  AddressSink,
  BlockFields,
  BlockRequester,
  ReleaseOutcome,
  ReleaseRequest,
} from './block-types.js';
import { validateBlockSpec } from './block-validate.js';
import { type BlockCidr, blockCidrOf, type Cidr, parseBlockCidr, sizeOf } from './ipv4.js';
import { type AllocationAttribute, hostAffinity, type IPAMBlockSpec } from './objects.js';

export { BlockJournal } from './block-journal.js';
export type { AddressSink, BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';

/**
 * Whether `allocations` holds `idx`: `Int32Array.prototype.includes` as a
 * loop, which V8 compiles inline (the builtin is a call into the runtime).
 */
function holds(allocations: Int32Array, idx: number): boolean {
  for (let o = 0; o < allocations.length; o++) if (allocations[o] === idx) return true;
  return false;
}

export class AllocationBlock {
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
  readonly #otherSequence: Readonly<Record<string, number>> | undefined;
  /**
   * A spec whose arrays say exactly what this block's arrays hold (the one it
   * was read from or last produced); undefined once they changed since.
   */
  #arraysOf: IPAMBlockSpec | undefined;
  #blockCidr: BlockCidr | undefined;
  /** The journal changes are reported to (`saveTo`), if any. */
  #undo: BlockJournal | undefined;

  private constructor(
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
    this.#otherSequence = arrays.other;
    this.#attributes = new BlockAttributes(attributes, arrays.allocations.length, shared);
  }

  /** A new, empty block (Calico `newBlock`): `unallocated` is `[0, 1, …, N-1]`. */
  static create(cidr: Cidr, options: { affinity: string | null; claimTime?: string }): AllocationBlock {
    const n = sizeOf(cidr.prefix);
    // One buffer for the allocations, the free queue, the attribute hashes and
    // their filter, and the sequence numbers: an operation touches them all,
    // so they share one allocation and sit together in memory.
    const ints = n * 12 + HASH_BUCKETS * 2;
    const at = Math.ceil(ints / 8) * 8;
    const buffer = new ArrayBuffer(at + n * 8);
    const allocations = new Int32Array(buffer, 0, n).fill(FREE);
    const queue = new Int32Array(buffer, n * 4, n);
    const hashes = new Int32Array(buffer, n * 8, n);
    const buckets = new Uint16Array(buffer, n * 12, HASH_BUCKETS);
    const sequence = new Float64Array(buffer, at, n).fill(Number.NaN);
    for (let o = 0; o < n; o++) queue[o] = o;
    const fields: BlockFields = {
      affinity: options.affinity,
      affinityClaimTime: options.claimTime,
      strictAffinity: false,
      sequenceNumber: 0,
      deleted: false,
    };
    const arrays = { allocations, queue, count: n, sequence, other: undefined };
    return new AllocationBlock(cidr, fields, arrays, [], { hashes, buckets });
  }

  /**
   * A working copy of a stored spec; undefined when its CIDR does not parse or
   * its arrays are not representable (`block-arrays.ts`). Callers that
   * already know the CIDR pass it and skip the parse.
   */
  static fromSpec(spec: IPAMBlockSpec, cidr?: Cidr): AllocationBlock | undefined {
    const c = cidr ?? parseBlockCidr(spec.cidr);
    const arrays = c ? readSpecArrays(spec) : undefined;
    if (!c || !arrays) return undefined;
    const block = new AllocationBlock(c, spec, arrays, spec.attributes);
    block.#arraysOf = spec;
    return block;
  }

  /**
   * The Calico-shaped spec of the block as it is now. Its arrays are never
   * changed afterwards (the block keeps its own), so it can be stored or
   * handed to readers; until the block's arrays change, later specs reuse
   * them. Bumps nothing: call `markWritten` first when persisting.
   */
  toSpec(): IPAMBlockSpec {
    const arrays = this.#arraysOf;
    if (arrays === undefined) {
      // The spec that now says what the arrays hold is also the one returned.
      this.#arraysOf = blockSpec(
        this,
        specAllocations(this.#allocations),
        specUnallocated(this.#queue, this.#head, this.#count),
        this.#attributes.toArray(),
        specSequence(this.#sequence, this.#otherSequence),
      );
      return this.#arraysOf;
    }
    return blockSpec(
      this,
      arrays.allocations,
      arrays.unallocated,
      arrays.attributes,
      arrays.sequenceNumberForAllocation,
    );
  }

  /**
   * Whether this block holds exactly `spec`: the spec it was made from or last
   * produced, unchanged since (same arrays, same plain fields).
   */
  inStepWith(spec: IPAMBlockSpec): boolean {
    const arrays = this.#arraysOf;
    // Specs produced since the last change share the arrays of `#arraysOf` (never changed).
    return (
      arrays !== undefined &&
      arrays.allocations === spec.allocations &&
      arrays.unallocated === spec.unallocated &&
      arrays.attributes === spec.attributes &&
      arrays.sequenceNumberForAllocation === spec.sequenceNumberForAllocation &&
      this.sequenceNumber === spec.sequenceNumber &&
      this.affinity === spec.affinity &&
      this.affinityClaimTime === spec.affinityClaimTime &&
      this.strictAffinity === spec.strictAffinity &&
      this.deleted === spec.deleted
    );
  }

  /**
   * Starts journaling the block's changes into `journal` (its plain fields
   * now, then each change as it is made: `block-journal.ts`), so that
   * `restoreFrom(journal)` can put the block back exactly as it is now. For
   * live blocks; stop with `endJournal`.
   */
  saveTo(journal: BlockJournal): void {
    journal.begin(this, this.#arraysOf);
    this.#undo = journal;
  }

  /** Stops journaling (the owner's transaction ended). */
  endJournal(): void {
    this.#undo = undefined;
  }

  /**
   * Undoes every change journaled since `saveTo(journal)`, newest first; the
   * block is then exactly as it was at `saveTo`, and journaling goes on
   * from there (a later `restoreFrom` goes back to the same state).
   */
  restoreFrom(journal: BlockJournal): void {
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
    this.affinity = journal.affinity;
    this.affinityClaimTime = journal.affinityClaimTime;
    this.strictAffinity = journal.strictAffinity;
    this.sequenceNumber = journal.sequenceNumber;
    this.deleted = journal.deleted;
    this.#arraysOf = journal.arraysOf;
    journal.begin(this, this.#arraysOf);
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

  /** Before a wholesale change: the journal, if any, saves the whole block. */
  #saveFull(): void {
    this.#undo?.saveFull(
      this.#allocations,
      this.#queue,
      this.#head,
      this.#count,
      this.#sequence,
      this.#attributes,
    );
  }

  /** `10.244.84.128/26`: the block's CIDR as specs and handles spell it (`blockCidr.text`). */
  get cidrText(): string {
    return this.blockCidr.text;
  }

  /** The block's CIDR with its text and IPAMBlock name (`parseBlockCidr`'s shared object). */
  get blockCidr(): BlockCidr {
    this.#blockCidr ??= blockCidrOf(this.cidr);
    return this.#blockCidr;
  }

  /** Every write of a block bumps its sequence number (the ABA guard of release). */
  markWritten(): void {
    this.sequenceNumber++;
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

  #affinityError(req: BlockRequester): string | undefined {
    if (!req.affinityCheck) return undefined;
    if (this.affinity === null) return `Attempt to assign from block ${this.cidrText} with no affinity`;
    if (this.affinity !== hostAffinity(req.host))
      return `Block affinity (${this.affinity}) does not match provided (${req.host})`;
    return undefined;
  }

  #findOrAddAttribute(attribute: AllocationAttribute, h: number): number {
    const idx = this.#attributes.findOrPush(attribute, h);
    if (idx >= 0) return idx;
    this.#undo?.attributeAdded();
    return ~idx;
  }

  /** Gives ordinal `o` (already out of the free queue) to the attribute at `idx`. */
  #take(o: number, idx: number): void {
    this.#undo?.slot(o, this.#allocations[o] as number, this.#sequence[o] as number);
    this.#allocations[o] = idx;
    this.#sequence[o] = this.sequenceNumber;
  }

  /** Takes the ordinal at the head of the free queue (there must be one). */
  #shift(): number {
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

  /**
   * Takes up to `num` addresses from the head of the free queue (Calico
   * `allocationBlock.autoAssign`). Returns the addresses, or the affinity error.
   * `h`: `handleHash(attribute.handle_id)`, when the caller has it.
   */
  autoAssign(
    num: number,
    attribute: AllocationAttribute,
    req: BlockRequester,
    h = handleHash(attribute.handle_id),
  ): number[] | string {
    const ips: number[] = [];
    const got = this.autoAssignInto({ add: (ip) => ips.push(ip) }, num, attribute, req, h);
    return typeof got === 'string' ? got : ips;
  }

  /**
   * `autoAssign`, handing each address to `out` (in order) instead of
   * returning an array. Returns how many, or the affinity error.
   */
  autoAssignInto(
    out: AddressSink,
    num: number,
    attribute: AllocationAttribute,
    req: BlockRequester,
    h = handleHash(attribute.handle_id),
  ): number | string {
    const err = this.#affinityError(req);
    if (err) return err;
    const n = Math.min(num, this.#count);
    if (n <= 0) return 0;
    this.#arraysOf = undefined;
    const idx = this.#findOrAddAttribute(attribute, h);
    for (let i = 0; i < n; i++) {
      const o = this.#shift();
      this.#take(o, idx);
      out.add(this.cidr.network + o);
    }
    return n;
  }

  /** Assigns one given address (Calico `allocationBlock.assign`). Returns an error text or undefined. */
  assign(ip: number, attribute: AllocationAttribute, req: BlockRequester): string | undefined {
    const err = this.#affinityError(req);
    if (err && this.affinity !== null) return err;
    const o = this.ordinalOf(ip);
    if (o === undefined) return `IP ${ip} is not in block ${this.cidrText}`;
    if (this.#allocations[o] !== FREE) return 'Address already assigned in block';
    this.#saveFull();
    this.#arraysOf = undefined;
    this.#take(o, this.#findOrAddAttribute(attribute, handleHash(attribute.handle_id)));
    // Calico filters every occurrence of the ordinal out of the queue.
    const rest = this.unallocated().filter((u) => u !== o);
    this.#queue.set(rest);
    this.#head = 0;
    this.#count = rest.length;
    return undefined;
  }

  /**
   * Releases addresses (Calico `allocationBlock.release`): unknown or free ones
   * are reported back, a handle or sequence-number mismatch fails the whole
   * request and changes nothing. Released ordinals go to the tail of the queue.
   */
  release(requests: readonly ReleaseRequest[]): ReleaseOutcome {
    const unallocated: number[] = [];
    const ordinals: number[] = [];
    const countByHandle = new Map<string, number>();
    for (const r of requests) {
      const o = this.ordinalOf(r.ip);
      const idx = o === undefined ? FREE : (this.#allocations[o] as number);
      if (o === undefined || idx === FREE) {
        unallocated.push(r.ip);
        continue;
      }
      if (ordinals.includes(o)) continue;
      const attr = this.#attributes.item(idx);
      if (r.handle !== undefined && attr?.handle_id !== r.handle) {
        return { ok: false, reason: 'BadHandle', error: `Handle ${r.handle} does not match` };
      }
      if (r.sequenceNumber !== undefined && r.sequenceNumber !== this.#sequence[o]) {
        return { ok: false, reason: 'BadSequenceNumber', error: 'Sequence number does not match' };
      }
      ordinals.push(o);
      if (attr?.handle_id) countByHandle.set(attr.handle_id, (countByHandle.get(attr.handle_id) ?? 0) + 1);
    }
    this.#free(ordinals);
    return { ok: true, unallocated, countByHandle };
  }

  /**
   * Releases every address of a handle (Calico `releaseByHandle`). Returns how
   * many. `h`: `handleHash(handleID)`, when the caller has it.
   */
  releaseByHandle(handleID: string, h = handleHash(handleID)): number {
    const attributes = this.#attributes;
    const first = attributes.firstOfHandle(handleID, 0, h);
    if (first < 0) return 0;
    const allocations = this.#allocations;
    if (attributes.onlyOfHandle(first, handleID, h)) {
      // One attribute (a pod's handle): one pass frees its ordinals (ascending) and
      // renumbers the allocations above it, then the attribute goes (nothing refers
      // to it any more). The journal sees the frees, then the drop: the order of
      // the two-pass way, so undoing it is the same.
      let n = 0;
      for (let o = 0; o < allocations.length; o++) {
        const idx = allocations[o] as number;
        if (idx === first) {
          this.#freeSlot(o);
          n++;
        } else if (idx > first) allocations[o] = idx - 1;
      }
      if (n === 0) {
        // No allocation referred to it (a hand-edited block): nothing to release,
        // so the renumbering is put back.
        for (let o = 0; o < allocations.length; o++) {
          const idx = allocations[o] as number;
          if (idx >= first) allocations[o] = idx + 1;
        }
        return 0;
      }
      this.#arraysOf = undefined;
      this.#undo?.attributeDropped(first, attributes.item(first) as AllocationAttribute);
      attributes.remove(first);
      return n;
    }
    const targets: number[] = [];
    for (let i = first; i >= 0; i = attributes.firstOfHandle(handleID, i + 1, h)) targets.push(i);
    const ordinals: number[] = [];
    for (let o = 0; o < allocations.length; o++) {
      if (targets.includes(allocations[o] as number)) ordinals.push(o);
    }
    this.#free(ordinals);
    return ordinals.length;
  }

  /** Frees ordinal `o` to the tail of the queue (`#arraysOf` must be cleared by the caller). */
  #freeSlot(o: number): void {
    const sequence = this.#sequence;
    this.#undo?.slot(o, this.#allocations[o] as number, sequence[o] as number);
    this.#allocations[o] = FREE;
    sequence[o] = Number.NaN;
    this.#push(o);
  }

  /** Frees ordinals to the tail and drops the attributes nothing references any more. */
  #free(ordinals: readonly number[]): void {
    if (ordinals.length === 0) return;
    this.#arraysOf = undefined;
    const allocations = this.#allocations;
    let freed: number | number[] = FREE;
    for (const o of ordinals) {
      const idx = allocations[o] as number;
      this.#freeSlot(o);
      if (idx === FREE) continue;
      if (freed === FREE) freed = idx;
      else if (typeof freed === 'number') freed = freed === idx ? freed : [freed, idx];
      else if (!freed.includes(idx)) freed.push(idx);
    }
    if (typeof freed === 'number') {
      if (freed !== FREE && !holds(allocations, freed)) this.#dropAttribute(freed);
      return;
    }
    const unreferenced = freed.filter((idx) => !holds(allocations, idx)).sort((a, b) => b - a);
    for (const idx of unreferenced) this.#dropAttribute(idx);
  }

  /**
   * Removes attribute `idx`, which no allocation references, and renumbers
   * the allocations above it (Calico `deleteAttributes`).
   */
  #dropAttribute(idx: number): void {
    this.#undo?.attributeDropped(idx, this.#attributes.item(idx) as AllocationAttribute);
    this.#attributes.remove(idx);
    const allocations = this.#allocations;
    for (let o = 0; o < allocations.length; o++) {
      const a = allocations[o] as number;
      if (a > idx) allocations[o] = a - 1;
    }
  }

  /**
   * The block's invariants (Calico `ipam_block_test` `validate`): every
   * ordinal is either free (exactly once) or allocated to a valid attribute,
   * every attribute is referenced, sequence numbers exist exactly for
   * allocated ordinals. Returns the violations; empty when consistent.
   */
  validate(): string[] {
    return validateBlockSpec(this.toSpec());
  }
}
