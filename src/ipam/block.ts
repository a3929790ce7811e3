/**
 * The allocation block (Calico `ipam_block.go` `allocationBlock`): the pure
 * core of IPAM. A block of 2^(32-prefix) addresses has ordinals 0..N-1 (every
 * one assignable, including the network and broadcast addresses, reference
 * calico.md §1.5). `unallocated` is a FIFO queue: assignment takes from the
 * head, release appends to the tail, so a freed address comes back only after
 * every other free address of the block has been handed out.
 *
 * An instance is a private mutable working copy made from a stored IPAMBlock
 * spec (`fromSpec`) and turned back into a new spec (`toSpec`) for the one
 * write that persists it. Methods never throw on user data: they return the
 * outcome, with Calico's own error texts.
 */

import type { BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';
import { validateBlockSpec } from './block-validate.js';
import { type Cidr, formatCidr, parseBlockCidr, sizeOf } from './ipv4.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

export type { BlockRequester, ReleaseOutcome, ReleaseRequest } from './block-types.js';

/**
 * Handle IDs share long prefixes (`k8s-pod-network.` + a container ID) and
 * differ at the end, so the last character rejects most mismatches at once;
 * every scan of a block's attributes compares handles.
 */
function sameHandle(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.charCodeAt(a.length - 1) === b.charCodeAt(b.length - 1) && a === b;
}

function sameAttribute(a: AllocationAttribute, b: AllocationAttribute): boolean {
  if (!sameHandle(a.handle_id, b.handle_id)) return false;
  const ka = Object.keys(a.secondary ?? {});
  const kb = Object.keys(b.secondary ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((k) => a.secondary?.[k] === b.secondary?.[k]);
}

export class AllocationBlock {
  readonly cidr: Cidr;
  affinity: string | null;
  affinityClaimTime: string | undefined;
  strictAffinity: boolean;
  sequenceNumber: number;
  deleted: boolean;
  readonly #allocations: (number | null)[];
  #unallocated: number[];
  #attributes: AllocationAttribute[];
  /**
   * Ordinal → the block's sequence number when it was assigned
   * (`sequenceNumberForAllocation`). Released ordinals are set to undefined
   * rather than deleted (deletes push V8 objects into slow dictionary mode;
   * undefined values vanish when the object is serialised).
   */
  readonly #sequence: Record<string, number | undefined>;

  private constructor(cidr: Cidr, spec: IPAMBlockSpec) {
    this.cidr = cidr;
    this.affinity = spec.affinity;
    this.affinityClaimTime = spec.affinityClaimTime;
    this.strictAffinity = spec.strictAffinity;
    this.sequenceNumber = spec.sequenceNumber;
    this.deleted = spec.deleted;
    this.#allocations = spec.allocations.slice();
    this.#unallocated = spec.unallocated.slice();
    this.#attributes = spec.attributes.slice();
    this.#sequence = { ...spec.sequenceNumberForAllocation };
  }

  /** A new, empty block (Calico `newBlock`): `unallocated` is `[0, 1, …, N-1]`. */
  static create(cidr: Cidr, options: { affinity: string | null; claimTime?: string }): AllocationBlock {
    const n = sizeOf(cidr.prefix);
    const spec: IPAMBlockSpec = {
      cidr: formatCidr(cidr),
      affinity: options.affinity,
      ...(options.claimTime === undefined ? {} : { affinityClaimTime: options.claimTime }),
      strictAffinity: false,
      allocations: new Array<number | null>(n).fill(null),
      unallocated: Array.from({ length: n }, (_, i) => i),
      attributes: [],
      sequenceNumber: 0,
      sequenceNumberForAllocation: {},
      deleted: false,
    };
    return new AllocationBlock(cidr, spec);
  }

  /**
   * A working copy of a stored spec; undefined when its CIDR does not parse.
   * Callers that already know the CIDR pass it and skip the parse.
   */
  static fromSpec(spec: IPAMBlockSpec, cidr?: Cidr): AllocationBlock | undefined {
    const c = cidr ?? parseBlockCidr(spec.cidr);
    return c ? new AllocationBlock(c, spec) : undefined;
  }

  /** The spec to store. Bumps nothing: call `markWritten` first when persisting. */
  toSpec(): IPAMBlockSpec {
    return {
      cidr: formatCidr(this.cidr),
      affinity: this.affinity,
      ...(this.affinityClaimTime === undefined ? {} : { affinityClaimTime: this.affinityClaimTime }),
      strictAffinity: this.strictAffinity,
      allocations: this.#allocations.slice(),
      unallocated: this.#unallocated.slice(),
      attributes: this.#attributes.slice(),
      sequenceNumber: this.sequenceNumber,
      sequenceNumberForAllocation: { ...this.#sequence },
      deleted: this.deleted,
    };
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
    if (req.affinityCheck && this.affinity !== null && this.affinity !== `host:${req.host}`) {
      return `Block affinity (${this.affinity}) does not match provided (${req.host})`;
    }
    if (req.affinityCheck && this.affinity === null) {
      return `Attempt to assign from block ${formatCidr(this.cidr)} with no affinity`;
    }
    return undefined;
  }

  #findOrAddAttribute(attribute: AllocationAttribute): number {
    const idx = this.#attributes.findIndex((a) => sameAttribute(a, attribute));
    if (idx >= 0) return idx;
    this.#attributes.push(attribute);
    return this.#attributes.length - 1;
  }

  /**
   * Takes up to `num` addresses from the head of the free queue (Calico
   * `allocationBlock.autoAssign`). Returns the addresses, or the affinity error.
   */
  autoAssign(num: number, attribute: AllocationAttribute, req: BlockRequester): number[] | string {
    const err = this.#affinityError(req);
    if (err) return err;
    const ordinals = this.#unallocated.splice(0, Math.min(num, this.#unallocated.length));
    for (const o of ordinals) {
      this.#allocations[o] = this.#findOrAddAttribute(attribute);
      this.#sequence[o] = this.sequenceNumber;
    }
    return ordinals.map((o) => this.cidr.network + o);
  }

  /** Assigns one given address (Calico `allocationBlock.assign`). Returns an error text or undefined. */
  assign(ip: number, attribute: AllocationAttribute, req: BlockRequester): string | undefined {
    const err = this.#affinityError(req);
    if (err && this.affinity !== null) return err;
    const o = this.ordinalOf(ip);
    if (o === undefined) return `IP ${ip} is not in block ${formatCidr(this.cidr)}`;
    if (this.#allocations[o] !== null) return 'Address already assigned in block';
    this.#allocations[o] = this.#findOrAddAttribute(attribute);
    this.#sequence[o] = this.sequenceNumber;
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
    this.#free(ordinals);
    return { ok: true, unallocated, countByHandle };
  }

  /** Releases every address of a handle (Calico `releaseByHandle`). Returns how many. */
  releaseByHandle(handleID: string): number {
    const targets: number[] = [];
    this.#attributes.forEach((a, i) => {
      if (sameHandle(a.handle_id, handleID)) targets.push(i);
    });
    if (targets.length === 0) return 0;
    const ordinals: number[] = [];
    for (let o = 0; o < this.#allocations.length; o++) {
      const idx = this.#allocations[o];
      if (idx !== null && idx !== undefined && targets.includes(idx)) ordinals.push(o);
    }
    this.#free(ordinals);
    return ordinals.length;
  }

  /**
   * Frees ordinals to the tail and drops the attributes nothing references any
   * more, renumbering the allocations above each dropped index (Calico
   * `deleteAttributes`). Integer scans only: this runs on every release.
   */
  #free(ordinals: readonly number[]): void {
    if (ordinals.length === 0) return;
    const freed: number[] = [];
    for (const o of ordinals) {
      const idx = this.#allocations[o];
      if (idx !== null && idx !== undefined && !freed.includes(idx)) freed.push(idx);
      this.#allocations[o] = null;
      this.#sequence[o] = undefined;
      this.#unallocated.push(o);
    }
    const unreferenced = freed.filter((idx) => !this.#allocations.includes(idx)).sort((a, b) => b - a);
    if (unreferenced.length === 0) return;
    for (const idx of unreferenced) {
      this.#attributes.splice(idx, 1);
      for (let o = 0; o < this.#allocations.length; o++) {
        const a = this.#allocations[o];
        if (a !== null && a !== undefined && a > idx) this.#allocations[o] = a - 1;
      }
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
