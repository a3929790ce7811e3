import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationBlock, BlockJournal } from './block.js';
import { handleHash } from './block-attributes.js';
import { parseCidr } from './ipv4.js';
import type { AllocationAttribute, IPAMBlockSpec } from './objects.js';

/**
 * Calico's `allocationBlock` as plain linear scans over the spec's arrays
 * (`ipam_block.go`): what `AllocationBlock` answers from its attribute hashes
 * and compact arrays, and the spec it produces, must be exactly this.
 */
class ModelBlock {
  allocations: (number | null)[];
  unallocated: number[];
  attributes: AllocationAttribute[];
  sequence: Record<string, number | undefined>;
  sequenceNumber: number;

  constructor(spec: IPAMBlockSpec) {
    this.allocations = [...spec.allocations];
    this.unallocated = [...spec.unallocated];
    this.attributes = [...spec.attributes];
    this.sequence = { ...spec.sequenceNumberForAllocation };
    this.sequenceNumber = spec.sequenceNumber;
  }

  #same(a: AllocationAttribute, b: AllocationAttribute): boolean {
    return a.handle_id === b.handle_id && JSON.stringify(a.secondary) === JSON.stringify(b.secondary);
  }

  autoAssign(num: number, attribute: AllocationAttribute): number[] {
    const n = Math.min(num, this.unallocated.length);
    const out: number[] = [];
    if (n <= 0) return out;
    let idx = this.attributes.findIndex((a) => this.#same(a, attribute));
    if (idx < 0) {
      this.attributes.push(attribute);
      idx = this.attributes.length - 1;
    }
    for (let i = 0; i < n; i++) {
      const o = this.unallocated.shift() as number;
      this.allocations[o] = idx;
      this.sequence[o] = this.sequenceNumber;
      out.push(o);
    }
    return out;
  }

  /** Calico `allocationBlock.assign` of ordinal `o`; the error text, or undefined. */
  assign(o: number, attribute: AllocationAttribute): string | undefined {
    if (this.allocations[o] !== null) return 'Address already assigned in block';
    let idx = this.attributes.findIndex((a) => this.#same(a, attribute));
    if (idx < 0) {
      this.attributes.push(attribute);
      idx = this.attributes.length - 1;
    }
    this.allocations[o] = idx;
    this.sequence[o] = this.sequenceNumber;
    this.unallocated = this.unallocated.filter((u) => u !== o);
    return undefined;
  }

  releaseByHandle(handle: string): number {
    const targets: number[] = [];
    this.attributes.forEach((a, i) => {
      if (a.handle_id === handle) targets.push(i);
    });
    const ordinals: number[] = [];
    this.allocations.forEach((idx, o) => {
      if (idx !== null && targets.includes(idx)) ordinals.push(o);
    });
    this.#free(ordinals);
    return ordinals.length;
  }

  release(ordinals: readonly number[], handle: string | undefined): 'BadHandle' | number[] {
    const freeing: number[] = [];
    const unallocated: number[] = [];
    for (const o of ordinals) {
      const idx = this.allocations[o];
      if (idx === null || idx === undefined) {
        unallocated.push(o);
        continue;
      }
      if (freeing.includes(o)) continue;
      if (handle !== undefined && this.attributes[idx]?.handle_id !== handle) return 'BadHandle';
      freeing.push(o);
    }
    this.#free(freeing);
    return unallocated;
  }

  #free(ordinals: readonly number[]): void {
    const freed: number[] = [];
    for (const o of ordinals) {
      const idx = this.allocations[o];
      if (idx !== null && idx !== undefined && !freed.includes(idx)) freed.push(idx);
      this.allocations[o] = null;
      this.sequence[o] = undefined;
      this.unallocated.push(o);
    }
    for (const idx of freed.filter((i) => !this.allocations.includes(i)).sort((a, b) => b - a)) {
      this.attributes.splice(idx, 1);
      this.allocations = this.allocations.map((a) => (a !== null && a > idx ? a - 1 : a));
    }
  }

  clone(): ModelBlock {
    return new ModelBlock({
      cidr: '',
      affinity: null,
      strictAffinity: false,
      allocations: this.allocations,
      unallocated: this.unallocated,
      attributes: this.attributes,
      sequenceNumber: this.sequenceNumber,
      sequenceNumberForAllocation: this.sequence,
      deleted: false,
    });
  }

  arrays(): unknown {
    return JSON.parse(
      JSON.stringify({
        allocations: this.allocations,
        unallocated: this.unallocated,
        attributes: this.attributes,
        sequenceNumberForAllocation: this.sequence,
        sequenceNumber: this.sequenceNumber,
      }),
    );
  }
}

function arraysOf(spec: IPAMBlockSpec): unknown {
  return JSON.parse(
    JSON.stringify({
      allocations: spec.allocations,
      unallocated: spec.unallocated,
      attributes: spec.attributes,
      sequenceNumberForAllocation: spec.sequenceNumberForAllocation,
      sequenceNumber: spec.sequenceNumber,
    }),
  );
}

type Op =
  | { readonly op: 'assign'; readonly num: number; readonly handle: number; readonly variant: number }
  | { readonly op: 'assignIP'; readonly ordinal: number; readonly handle: number; readonly variant: number }
  | { readonly op: 'releaseByHandle'; readonly handle: number }
  | { readonly op: 'release'; readonly ordinals: number[]; readonly handle: number | undefined }
  | { readonly op: 'write' }
  | { readonly op: 'reload' }
  | { readonly op: 'save' }
  | { readonly op: 'restore' };

const handle = fc.integer({ min: 0, max: 5 });
const ordinal = fc.integer({ min: 0, max: 15 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('assign' as const),
      num: fc.integer({ min: 1, max: 3 }),
      handle,
      variant: fc.integer({ min: 0, max: 1 }),
    }),
    weight: 5,
  },
  // A specific address: the queue is filtered (a full image in a live block's undo journal).
  {
    arbitrary: fc.record({
      op: fc.constant('assignIP' as const),
      ordinal,
      handle,
      variant: fc.integer({ min: 0, max: 1 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('releaseByHandle' as const), handle }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('release' as const),
      ordinals: fc.array(ordinal, { maxLength: 3 }),
      handle: fc.option(handle, { nil: undefined }),
    }),
    weight: 2,
  },
  // A write: the spec handed out must not change with the block's later changes (checked at the end).
  { arbitrary: fc.record({ op: fc.constant('write' as const) }), weight: 2 },
  // A fresh working copy from the stored spec (compact arrays and attribute hashes built anew).
  { arbitrary: fc.record({ op: fc.constant('reload' as const) }), weight: 1 },
  // A live block's undo journal (the memory backend's rollback): started, then undone.
  { arbitrary: fc.record({ op: fc.constant('save' as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('restore' as const) }), weight: 2 },
);

/**
 * Handle `h`'s ID. Handles 4 and 5 have the same length, the same last
 * character and the same attribute hash (`handleHash`: an FNV-1a collision),
 * so the scans must tell them apart by comparing the IDs.
 */
const handleID = (h: number): string =>
  h < 4 ? `k8s-pod-network.${h}` : `${h === 4 ? '7yzx' : 'e6ad'}/k8s-pod-network.x`;

it('gives handles 4 and 5 the same attribute hash', () => {
  expect(handleHash(handleID(4))).toBe(handleHash(handleID(5)));
  expect(handleID(4)).not.toBe(handleID(5));
});

const attribute = (h: number, variant: number): AllocationAttribute => ({
  handle_id: handleID(h),
  secondary: { node: 'node-1', pod: variant === 0 ? `pod-${h}` : `other-${h}` },
});

describe('AllocationBlock agrees with Calico linear scans (property)', () => {
  it('attribute hashes, compact arrays and the undo journal give the model answers, hand-edited blocks included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.array(op, { maxLength: 80 }),
        (stray, checkEvery, ops) => {
          const cidr = parseCidr('10.0.0.0/28');
          if (!cidr) throw new Error('cidr');
          let block = AllocationBlock.create(cidr, { affinity: 'host:node-1' });
          if (stray === 1) {
            // A hand-edited block: an attribute no ordinal references (still hashed and scanned, as Calico scans).
            block = AllocationBlock.fromSpec({
              ...block.toSpec(),
              attributes: [{ handle_id: 'k8s-pod-network.9', secondary: {} }],
            }) as AllocationBlock;
          }
          if (stray === 2) {
            // Hand-edited: ordinal 0 allocated and also free, so releasing it overfills the queue (it grows).
            const spec = block.toSpec();
            block = AllocationBlock.fromSpec({
              ...spec,
              allocations: spec.allocations.map((a, o) => (o === 0 ? 0 : a)),
              attributes: [{ handle_id: 'k8s-pod-network.9', secondary: {} }],
              sequenceNumberForAllocation: { 0: 0 },
            }) as AllocationBlock;
          }
          let model = new ModelBlock(block.toSpec());
          const specs: [IPAMBlockSpec, unknown][] = [];
          const journal = new BlockJournal();
          let saved: { model: ModelBlock; text: string } | undefined;
          for (const o of ops) {
            switch (o.op) {
              case 'assign': {
                const got = block.autoAssign(o.num, attribute(o.handle, o.variant), {
                  host: 'node-1',
                  affinityCheck: true,
                });
                const want = model.autoAssign(o.num, attribute(o.handle, o.variant));
                expect(got).toEqual(want.map((x) => cidr.network + x));
                break;
              }
              case 'assignIP': {
                const got = block.assign(cidr.network + o.ordinal, attribute(o.handle, o.variant), {
                  host: 'node-1',
                  affinityCheck: false,
                });
                expect(got).toBe(model.assign(o.ordinal, attribute(o.handle, o.variant)));
                break;
              }
              case 'releaseByHandle':
                expect(block.releaseByHandle(handleID(o.handle))).toBe(
                  model.releaseByHandle(handleID(o.handle)),
                );
                break;
              case 'release': {
                const h = o.handle === undefined ? undefined : handleID(o.handle);
                const got = block.release(o.ordinals.map((x) => ({ ip: cidr.network + x, handle: h })));
                const want = model.release(o.ordinals, h);
                if (want === 'BadHandle') expect(got.ok ? 'ok' : got.reason).toBe('BadHandle');
                else expect(got.ok && got.unallocated).toEqual(want.map((x) => cidr.network + x));
                break;
              }
              case 'write': {
                block.markWritten();
                model.sequenceNumber++;
                const spec = block.toSpec();
                specs.push([spec, JSON.stringify(spec)]);
                break;
              }
              case 'reload':
                block = AllocationBlock.fromSpec(block.toSpec()) as AllocationBlock;
                saved = undefined;
                break;
              case 'save':
                block.saveTo(journal);
                saved = { model: model.clone(), text: JSON.stringify(block.toSpec()) };
                break;
              case 'restore':
                if (saved === undefined) break;
                block.restoreFrom(journal);
                model = saved.model.clone();
                // Exactly the block that was saved: same spec, same plain fields.
                expect(JSON.stringify(block.toSpec())).toBe(saved.text);
                break;
            }
            // Without a check after every op, saves see blocks changed since their last spec.
            if (checkEvery || o.op === 'save' || o.op === 'restore') {
              expect(arraysOf(block.toSpec())).toEqual(model.arrays());
            }
          }
          expect(arraysOf(block.toSpec())).toEqual(model.arrays());
          // Specs handed out earlier never change afterwards (the block keeps its own arrays).
          for (const [spec, text] of specs) expect(JSON.stringify(spec)).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('AllocationBlock undo journal', () => {
  const cidr = parseCidr('10.0.0.0/28');
  if (!cidr) throw new Error('cidr');
  const req = { host: 'node-1', affinityCheck: false };

  it.each([
    ['slot events only', false],
    ['a specific address (full image part-way)', true],
  ])('puts the block back exactly, twice in a row: %s', (_name, withAssignIP) => {
    const block = AllocationBlock.create(cidr, { affinity: 'host:node-1' });
    block.autoAssign(3, attribute(1, 0), req);
    block.releaseByHandle('k8s-pod-network.1');
    block.autoAssign(2, attribute(2, 0), req);
    const journal = new BlockJournal();
    block.saveTo(journal);
    const text = JSON.stringify(block.toSpec());
    for (let round = 0; round < 2; round++) {
      block.autoAssign(2, attribute(3, 0), req);
      block.releaseByHandle('k8s-pod-network.2');
      if (withAssignIP) expect(block.assign(cidr.network + 9, attribute(4, 1), req)).toBeUndefined();
      block.autoAssign(1, attribute(3, 1), req);
      block.releaseByHandle('k8s-pod-network.3');
      block.markWritten();
      block.restoreFrom(journal);
      expect(JSON.stringify(block.toSpec())).toBe(text);
      expect(block.validate()).toEqual([]);
    }
  });

  it('knows again after an undo whether two attributes share a handle', () => {
    // Two attributes of handle 2, then one is dropped: every hash distinct, as a
    // release of handle 3 works out. Undoing brings the dropped one back, so
    // releasing handle 2 must free both addresses again, not stop at the first.
    const block = AllocationBlock.create(cidr, { affinity: 'host:node-1' });
    block.autoAssign(1, attribute(2, 0), req);
    block.autoAssign(1, attribute(2, 1), req);
    block.autoAssign(1, attribute(3, 0), req);
    const journal = new BlockJournal();
    block.saveTo(journal);
    expect(block.release([{ ip: cidr.network }])).toMatchObject({ ok: true });
    expect(block.releaseByHandle('k8s-pod-network.3')).toBe(1);
    block.restoreFrom(journal);
    expect(block.releaseByHandle('k8s-pod-network.2')).toBe(2);
    expect(block.validate()).toEqual([]);
  });

  it('knows again after undoing a specific-address assignment (full image) whether two attributes share a handle', () => {
    const block = AllocationBlock.create(cidr, { affinity: 'host:node-1' });
    block.autoAssign(1, attribute(2, 0), req);
    block.autoAssign(1, attribute(2, 1), req);
    block.autoAssign(1, attribute(3, 0), req);
    const journal = new BlockJournal();
    block.saveTo(journal);
    expect(block.assign(cidr.network + 9, attribute(1, 0), req)).toBeUndefined();
    expect(block.release([{ ip: cidr.network }])).toMatchObject({ ok: true });
    expect(block.releaseByHandle('k8s-pod-network.3')).toBe(1);
    block.restoreFrom(journal);
    expect(block.releaseByHandle('k8s-pod-network.2')).toBe(2);
    expect(block.validate()).toEqual([]);
  });

  it('knows again after an undone addition whether every handle hash is distinct', () => {
    // Handles 4 and 5 share a hash; undoing the addition of 5 leaves them distinct.
    const block = AllocationBlock.create(cidr, { affinity: 'host:node-1' });
    block.autoAssign(1, attribute(4, 0), req);
    const journal = new BlockJournal();
    block.saveTo(journal);
    block.autoAssign(1, attribute(5, 0), req);
    block.restoreFrom(journal);
    block.autoAssign(1, attribute(4, 1), req);
    expect(block.releaseByHandle(handleID(4))).toBe(2);
    expect(block.validate()).toEqual([]);
  });

  it('puts back a hand-edited block whose free queue grew', () => {
    const fresh = AllocationBlock.create(cidr, { affinity: null }).toSpec();
    // Ordinal 0 allocated and also free: releasing it overfills the queue.
    const block = AllocationBlock.fromSpec({
      ...fresh,
      allocations: fresh.allocations.map((a, o) => (o === 0 ? 0 : a)),
      attributes: [{ handle_id: 'k8s-pod-network.9', secondary: {} }],
      sequenceNumberForAllocation: { 0: 0 },
    }) as AllocationBlock;
    const journal = new BlockJournal();
    block.saveTo(journal);
    const text = JSON.stringify(block.toSpec());
    expect(block.releaseByHandle('k8s-pod-network.9')).toBe(1);
    expect(block.unallocated()).toHaveLength(17);
    block.autoAssign(2, attribute(1, 0), req);
    block.restoreFrom(journal);
    expect(JSON.stringify(block.toSpec())).toBe(text);
  });
});
