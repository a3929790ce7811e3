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

import { type CompactArrays, FREE, readSpecArrays, specAllocations, specSequence } from './block-arrays.js';
import { HASH_BUCKETS, handleHash } from './block-attributes.js';
import { BlockCore } from './block-core.js';
import type { BlockJournal } from './block-journal.js';
import { blockSpec } from './block-parts.js';
import type {
  AddressSink,
  BlockFields,
  BlockRequester,
  ReleaseOutcome,
  ReleaseRequest,
} from './block-types.js';
import { validateBlockSpec } from './block-validate.js';
import { type Cidr, parseBlockCidr, sizeOf } from './ipv4.js';
import { type AllocationAttribute, hostAffinity, type IPAMBlockSpec } from './objects.js';

export { BlockJournal } from './block-journal.js';
export type { AddressSink, BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';

export class AllocationBlock extends BlockCore {
  /**
   * A spec whose arrays say exactly what this block's arrays hold (the one it
   * was read from or last produced); undefined once they changed since.
   */
  #arraysOf: IPAMBlockSpec | undefined;

  private constructor(
    cidr: Cidr,
    fields: BlockFields,
    arrays: CompactArrays,
    attributes: readonly AllocationAttribute[],
    shared?: { readonly hashes: Int32Array; readonly buckets: Uint16Array },
  ) {
    super(cidr, fields, arrays, attributes, shared);
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
        specAllocations(this.allocations),
        this.unallocated(),
        this.attributes.toArray(),
        specSequence(this.sequence, this.otherSequence),
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
    this.undo = journal;
  }

  /** Stops journaling (the owner's transaction ended). */
  endJournal(): void {
    this.undo = undefined;
  }

  /**
   * Undoes every change journaled since `saveTo(journal)`, newest first; the
   * block is then exactly as it was at `saveTo`, and journaling goes on
   * from there (a later `restoreFrom` goes back to the same state).
   */
  restoreFrom(journal: BlockJournal): void {
    this.undoEvents(journal);
    this.affinity = journal.affinity;
    this.affinityClaimTime = journal.affinityClaimTime;
    this.strictAffinity = journal.strictAffinity;
    this.sequenceNumber = journal.sequenceNumber;
    this.deleted = journal.deleted;
    this.#arraysOf = journal.arraysOf;
    journal.begin(this, this.#arraysOf);
  }

  /** Every write of a block bumps its sequence number (the ABA guard of release). */
  markWritten(): void {
    this.sequenceNumber++;
  }

  #affinityError(req: BlockRequester): string | undefined {
    if (!req.affinityCheck) return undefined;
    if (this.affinity === null) return `Attempt to assign from block ${this.cidrText} with no affinity`;
    if (this.affinity !== hostAffinity(req.host))
      return `Block affinity (${this.affinity}) does not match provided (${req.host})`;
    return undefined;
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
    const n = Math.min(num, this.numFree());
    if (n <= 0) return 0;
    this.#arraysOf = undefined;
    const idx = this.findOrAddAttribute(attribute, h);
    for (let i = 0; i < n; i++) {
      const o = this.shift();
      this.take(o, idx);
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
    if (this.allocations[o] !== FREE) return 'Address already assigned in block';
    this.saveFull();
    this.#arraysOf = undefined;
    this.take(o, this.findOrAddAttribute(attribute, handleHash(attribute.handle_id)));
    // Calico filters every occurrence of the ordinal out of the queue.
    this.unqueue(o);
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
      const idx = o === undefined ? FREE : (this.allocations[o] as number);
      if (o === undefined || idx === FREE) {
        unallocated.push(r.ip);
        continue;
      }
      if (ordinals.includes(o)) continue;
      const attr = this.attributes.item(idx);
      if (r.handle !== undefined && attr?.handle_id !== r.handle) {
        return { ok: false, reason: 'BadHandle', error: `Handle ${r.handle} does not match` };
      }
      if (r.sequenceNumber !== undefined && r.sequenceNumber !== this.sequence[o]) {
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
    const attributes = this.attributes;
    const first = attributes.firstOfHandle(handleID, 0, h);
    if (first < 0) return 0;
    const allocations = this.allocations;
    if (attributes.onlyOfHandle(first, handleID, h)) {
      // One attribute (a pod's handle): one pass frees its ordinals (ascending) and
      // renumbers the allocations above it, then the attribute goes (nothing refers
      // to it any more). The journal sees the frees, then the drop: the order of
      // the two-pass way, so undoing it is the same.
      let n = 0;
      for (let o = 0; o < allocations.length; o++) {
        const idx = allocations[o] as number;
        if (idx === first) {
          this.freeSlot(o);
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
      this.undo?.attributeDropped(first, attributes.item(first) as AllocationAttribute);
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

  /** Frees ordinals to the tail and drops the attributes nothing references any more (`BlockCore.free`). */
  #free(ordinals: readonly number[]): void {
    if (ordinals.length === 0) return;
    this.#arraysOf = undefined;
    this.free(ordinals);
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
