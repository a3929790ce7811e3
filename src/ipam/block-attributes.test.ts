import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockAttributes, HASH_BUCKETS, handleHash } from './block-attributes.js';
import { sameAttribute } from './block-parts.js';
import type { AllocationAttribute } from './objects.js';

/** Handle IDs 0–9; 8 and 9 collide in `handleHash` (FNV-1a), so only the IDs tell them apart. */
const ID = (h: number): string =>
  h < 8 ? `k8s-pod-network.${h}` : `${h === 8 ? '7yzx' : 'e6ad'}/k8s-pod-network.x`;

const attribute = (h: number, variant: number): AllocationAttribute => ({
  handle_id: ID(h),
  secondary: { pod: `pod-${variant}` },
});

type Op =
  | { readonly op: 'push'; readonly h: number; readonly v: number }
  | { readonly op: 'remove' | 'pop'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly h: number; readonly v: number }
  | { readonly op: 'reset'; readonly n: number };

const h = fc.integer({ min: 0, max: 9 });
const v = fc.integer({ min: 0, max: 1 });
const at = fc.nat({ max: 40 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('push' as const), h, v }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), at }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('pop' as const), at }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at, h, v }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('reset' as const), n: fc.nat({ max: 6 }) }), weight: 1 },
);

/** Calico's answers over a plain array. */
function modelFind(list: AllocationAttribute[], a: AllocationAttribute): number {
  const i = list.findIndex((x) => sameAttribute(x, a));
  if (i >= 0) return i;
  list.push(a);
  return ~(list.length - 1);
}

/** Applies `o` to both; returns a difference, or ''. */
function step(attrs: BlockAttributes, list: AllocationAttribute[], o: Op): string {
  switch (o.op) {
    case 'push': {
      const a = attribute(o.h, o.v);
      const got = attrs.findOrPush(a, handleHash(a.handle_id));
      const want = modelFind(list, a);
      if (got !== want) return `findOrPush ${o.h}/${o.v}: ${got}, want ${want}`;
      break;
    }
    case 'remove':
      if (list.length === 0) return '';
      attrs.remove(o.at % list.length);
      list.splice(o.at % list.length, 1);
      break;
    case 'pop':
      if (list.length === 0) return '';
      attrs.pop();
      list.pop();
      break;
    case 'insert': {
      const i = o.at % (list.length + 1);
      attrs.insert(i, attribute(o.h, o.v));
      list.splice(i, 0, attribute(o.h, o.v));
      break;
    }
    case 'reset': {
      const items = Array.from({ length: o.n }, (_, i) => attribute(i % 10, i % 2));
      attrs.setAll(items, items.length);
      list.splice(0, list.length, ...items);
      break;
    }
  }
  return compare(attrs, list);
}

/** Every read of `attrs` against the model list. */
function compare(attrs: BlockAttributes, list: AllocationAttribute[]): string {
  if (JSON.stringify(attrs.toArray()) !== JSON.stringify(list)) return 'lists differ';
  if (attrs.count !== list.length || attrs.item(list.length) !== undefined) return 'count differs';
  for (let id = 0; id < 10; id++) {
    const first = list.findIndex((x) => x.handle_id === ID(id));
    if (attrs.firstOfHandle(ID(id), 0) !== first) return `firstOfHandle ${id}`;
    const only = list.filter((x) => x.handle_id === ID(id)).length === 1;
    if (first >= 0 && attrs.onlyOfHandle(first, ID(id), handleHash(ID(id))) !== only)
      return `onlyOfHandle ${id}`;
  }
  return '';
}

describe('BlockAttributes', () => {
  it('gives Calico scan answers over any changes, wrapping round and regrowing its ring', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 120 }), (capacity, ops) => {
        const attrs = new BlockAttributes([], capacity);
        const list: AllocationAttribute[] = [];
        for (const o of ops) {
          const diff = step(attrs, list, o);
          if (diff) return false;
        }
        return true;
      }),
    );
  });

  it('finds an equal attribute whose hash shares its bucket with others', () => {
    // IDs whose hashes have the same low byte as handle 0's.
    const bucket = handleHash(ID(0)) & (HASH_BUCKETS - 1);
    const same: string[] = [];
    for (let i = 0; same.length < 3; i++) {
      const id = `h-${i}`;
      if ((handleHash(id) & (HASH_BUCKETS - 1)) === bucket) same.push(id);
    }
    const attrs = new BlockAttributes([], 4);
    const list: AllocationAttribute[] = [];
    for (const id of [...same, ID(0)]) {
      const a = { handle_id: id, secondary: {} };
      expect(attrs.findOrPush(a, handleHash(id))).toBe(modelFind(list, a));
    }
    attrs.remove(0);
    list.splice(0, 1);
    const again = { handle_id: ID(0), secondary: {} };
    expect(attrs.findOrPush(again, handleHash(ID(0)))).toBe(modelFind(list, again));
    expect(compare(attrs, list)).toBe('');
  });
});
