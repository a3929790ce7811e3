/**
 * The allocation block (Calico `ipam_block.go` `allocationBlock`): the pure
 * core of IPAM. A block of 2^(32-prefix) addresses has ordinals 0..N-1 (every
 * one assignable, including the network and broadcast addresses, reference
 * calico.md §1.5). `unallocated` is a FIFO queue: assignment takes from the
 * head, release appends to the tail, so a freed address comes back only after
 * every other free address of the block has been handed out.
 *
 * An instance is a private mutable working copy made from a stored IPAMBlock
 * spec (`fromSpec`) and turned into a new spec (`toSpec`) for the one write
 * that persists it. Copy on write: the copy shares the stored spec's arrays
 * until its first change, and a spec it produced shares its arrays until the
 * next change, so a stored spec never changes and a write copies each array
 * once. The store layer hands a written copy to the next operation on the
 * block (`inStepWith` says whether it may), so the handle index is not
 * rebuilt per operation. Methods never throw on user data: they return the
 * outcome, with Calico's own error texts.
 */

import {
  addOrdinal,
  blockSpec,
  buildHandleIndex,
  deleteUnreferenced,
  findAttribute,
  type HandleIndex,
  ordinalsOfHandle,
  removeOrdinal,
} from './block-parts.js';
import type { BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';
import { validateBlockSpec } from './block-validate.js';
import { type BlockCidr, type Cidr, formatCidr, parseBlockCidr, sizeOf } from './ipv4.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

export type { BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';

export class AllocationBlock {
  readonly cidr: Cidr;
  affinity: string | null;
  affinityClaimTime: string | undefined;
  strictAffinity: boolean;
  sequenceNumber: number;
  deleted: boolean;
  // The four arrays are shared with a stored spec while `#shared` (copy on
  // write: `#own` copies them before the first change).
  #allocations: (number | null)[];
  #unallocated: number[];
  #attributes: AllocationAttribute[];
  /**
   * Ordinal → the block's sequence number when it was assigned
   * (`sequenceNumberForAllocation`). Released ordinals are set to undefined
   * rather than deleted (deletes push V8 objects into slow dictionary mode;
   * undefined values vanish when the object is serialised).
   */
  #sequence: Record<string, number | undefined>;
  #shared = true;
  /** Handle → ordinals, built on first use; `scan` when Calico's linear scans are needed (see `block-parts.ts`). */
  #index: HandleIndex | 'scan' | undefined;
  #cidrText: string | undefined;

  private constructor(cidr: Cidr, spec: IPAMBlockSpec) {
    this.cidr = cidr;
    this.affinity = spec.affinity;
    this.affinityClaimTime = spec.affinityClaimTime;
    this.strictAffinity = spec.strictAffinity;
    this.sequenceNumber = spec.sequenceNumber;
    this.deleted = spec.deleted;
    this.#allocations = spec.allocations as (number | null)[];
    this.#unallocated = spec.unallocated as number[];
    this.#attributes = spec.attributes as AllocationAttribute[];
    this.#sequence = spec.sequenceNumberForAllocation;
  }

  /** A new, empty block (Calico `newBlock`): `unallocated` is `[0, 1, …, N-1]`. */
  static create(cidr: Cidr, options: { affinity: string | null; claimTime?: string }): AllocationBlock {
    const n = sizeOf(cidr.prefix);
    const spec = blockSpec(
      {
        cidrText: formatCidr(cidr),
        affinity: options.affinity,
        affinityClaimTime: options.claimTime,
        strictAffinity: false,
        sequenceNumber: 0,
        deleted: false,
      },
      new Array<number | null>(n).fill(null),
      Array.from({ length: n }, (_, i) => i),
      [],
      {},
    );
    return new AllocationBlock(cidr, spec);
  }

  /**
   * A working copy of a stored spec (nothing is copied until it changes);
   * undefined when its CIDR does not parse. Callers that already know the
   * CIDR pass it and skip the parse.
   */
  static fromSpec(spec: IPAMBlockSpec, cidr?: Cidr): AllocationBlock | undefined {
    const c = cidr ?? parseBlockCidr(spec.cidr);
    return c ? new AllocationBlock(c, spec) : undefined;
  }

  /** `10.244.84.128/26`: the block's CIDR as specs and handles spell it. */
  get cidrText(): string {
    this.#cidrText ??= (this.cidr as Partial<BlockCidr>).text ?? formatCidr(this.cidr);
    return this.#cidrText;
  }

  /**
   * The spec to store. It shares the copy's arrays, which the copy never
   * changes again (its next change copies them first). Bumps nothing: call
   * `markWritten` first when persisting.
   */
  toSpec(): IPAMBlockSpec {
    this.#shared = true;
    return blockSpec(this, this.#allocations, this.#unallocated, this.#attributes, this.#sequence);
  }

  /**
   * Whether this copy holds exactly `spec`: the spec it was made from or last
   * produced, unchanged since (same arrays, same plain fields).
   */
  inStepWith(spec: IPAMBlockSpec): boolean {
    return (
      this.#allocations === spec.allocations &&
      this.#unallocated === spec.unallocated &&
      this.#attributes === spec.attributes &&
      this.#sequence === spec.sequenceNumberForAllocation &&
      this.sequenceNumber === spec.sequenceNumber &&
      this.affinity === spec.affinity &&
      this.affinityClaimTime === spec.affinityClaimTime &&
      this.strictAffinity === spec.strictAffinity &&
      this.deleted === spec.deleted
    );
  }

  /** Makes the arrays this copy's own before a change. */
  #own(): void {
    if (!this.#shared) return;
    this.#allocations = this.#allocations.slice();
    this.#unallocated = this.#unallocated.slice();
    this.#attributes = this.#attributes.slice();
    this.#sequence = { ...this.#sequence };
    this.#shared = false;
  }

  /** The handle index, built on first use. */
  #handles(): HandleIndex | undefined {
    this.#index ??= buildHandleIndex(this.#allocations, this.#attributes) ?? 'scan';
    return this.#index === 'scan' ? undefined : this.#index;
  }

  /** Every write of a block bumps its sequence number (the ABA guard of release). */
  markWritten(): void {
    this.sequenceNumber++;
  }

  get size(): number {
    return this.#allocations.length;
  }

  numFree(): number {
    return this.#unallocated.length;
  }

  /** Addresses in use: capacity − free (what `calicoctl ipam show` counts). */
  inUse(): number {
    return this.size - this.#unallocated.length;
  }

  isEmpty(): boolean {
    return this.#unallocated.length === this.size;
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
    const idx = o === undefined ? null : this.#allocations[o];
    return idx === null || idx === undefined ? undefined : this.#attributes[idx];
  }

  /** The sequence number recorded when `ip` was assigned. */
  sequenceNumberOf(ip: number): number | undefined {
    const o = this.ordinalOf(ip);
    return o === undefined ? undefined : this.#sequence[o];
  }

  /** The free ordinals, head first. */
  unallocated(): readonly number[] {
    return this.#unallocated;
  }

  /** Every allocated address with its attribute, in ordinal order. */
  *allocated(): Generator<{ readonly ip: number; readonly attribute: AllocationAttribute }> {
    for (let o = 0; o < this.#allocations.length; o++) {
      const idx = this.#allocations[o];
      if (idx !== null && idx !== undefined) {
        yield { ip: this.cidr.network + o, attribute: this.#attributes[idx] ?? {} };
      }
    }
  }

  #affinityError(req: BlockRequester): string | undefined {
    if (!req.affinityCheck) return undefined;
    if (this.affinity === null) return `Attempt to assign from block ${this.cidrText} with no affinity`;
    if (this.affinity !== `host:${req.host}`)
      return `Block affinity (${this.affinity}) does not match provided (${req.host})`;
    return undefined;
  }

  #findOrAddAttribute(attribute: AllocationAttribute): number {
    const idx = findAttribute(attribute, this.#allocations, this.#attributes, this.#handles());
    if (idx >= 0) return idx;
    this.#attributes.push(attribute);
    return this.#attributes.length - 1;
  }

  /** Gives ordinal `o` (already out of the free queue) to the attribute at `idx`. */
  #take(o: number, idx: number): void {
    this.#allocations[o] = idx;
    this.#sequence[o] = this.sequenceNumber;
    const index = this.#index;
    if (index !== undefined && index !== 'scan') addOrdinal(index, this.#attributes[idx]?.handle_id, o);
  }

  /**
   * Takes up to `num` addresses from the head of the free queue (Calico
   * `allocationBlock.autoAssign`). Returns the addresses, or the affinity error.
   */
  autoAssign(num: number, attribute: AllocationAttribute, req: BlockRequester): number[] | string {
    const err = this.#affinityError(req);
    if (err) return err;
    const n = Math.min(num, this.#unallocated.length);
    const ips: number[] = [];
    if (n <= 0) return ips;
    this.#own();
    const idx = this.#findOrAddAttribute(attribute);
    for (let i = 0; i < n; i++) {
      const o = this.#unallocated.shift() as number;
      this.#take(o, idx);
      ips.push(this.cidr.network + o);
    }
    return ips;
  }

  /** Assigns one given address (Calico `allocationBlock.assign`). Returns an error text or undefined. */
  assign(ip: number, attribute: AllocationAttribute, req: BlockRequester): string | undefined {
    const err = this.#affinityError(req);
    if (err && this.affinity !== null) return err;
    const o = this.ordinalOf(ip);
    if (o === undefined) return `IP ${ip} is not in block ${this.cidrText}`;
    if (this.#allocations[o] !== null) return 'Address already assigned in block';
    this.#own();
    this.#take(o, this.#findOrAddAttribute(attribute));
    this.#unallocated = this.#unallocated.filter((u) => u !== o);
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
      const idx = o === undefined ? null : this.#allocations[o];
      if (o === undefined || idx === null || idx === undefined) {
        unallocated.push(r.ip);
        continue;
      }
      if (ordinals.includes(o)) continue;
      const attr = this.#attributes[idx];
      if (r.handle !== undefined && attr?.handle_id !== r.handle) {
        return { ok: false, reason: 'BadHandle', error: `Handle ${r.handle} does not match` };
      }
      if (r.sequenceNumber !== undefined && r.sequenceNumber !== this.#sequence[o]) {
        return { ok: false, reason: 'BadSequenceNumber', error: 'Sequence number does not match' };
      }
      ordinals.push(o);
      if (attr?.handle_id) countByHandle.set(attr.handle_id, (countByHandle.get(attr.handle_id) ?? 0) + 1);
    }
    this.#free(ordinals, this.#index === 'scan' ? undefined : this.#index);
    return { ok: true, unallocated, countByHandle };
  }

  /** Releases every address of a handle (Calico `releaseByHandle`). Returns how many. */
  releaseByHandle(handleID: string): number {
    const index = this.#handles();
    if (index === undefined) {
      const ordinals = ordinalsOfHandle(handleID, this.#allocations, this.#attributes, undefined);
      this.#free(ordinals, undefined);
      return ordinals.length;
    }
    // Every ordinal of the handle's entry goes: the entry is dropped whole.
    const ordinals = index.get(handleID);
    if (ordinals === undefined) return 0;
    index.delete(handleID);
    this.#free(ordinals, undefined);
    return ordinals.length;
  }

  /**
   * Frees ordinals to the tail and drops the attributes nothing references any
   * more; `index`, when given, forgets each ordinal.
   */
  #free(ordinals: readonly number[], index: HandleIndex | undefined): void {
    if (ordinals.length === 0) return;
    this.#own();
    const allocations = this.#allocations;
    const sequence = this.#sequence;
    const unallocated = this.#unallocated;
    const freed: number[] = [];
    for (const o of ordinals) {
      const idx = allocations[o];
      if (idx !== null && idx !== undefined) {
        if (!freed.includes(idx)) freed.push(idx);
        if (index) removeOrdinal(index, this.#attributes[idx]?.handle_id, o);
      }
      allocations[o] = null;
      sequence[o] = undefined;
      unallocated.push(o);
    }
    deleteUnreferenced(allocations, this.#attributes, freed);
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
