import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandleTable } from './handle-table.js';
import { stringHash } from './string-hash.js';

type Op =
  | { readonly op: 'get' | 'has' | 'delete'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly value: number };

/** Keys from a small set (many repeats, deletes of present keys), some built afresh per use. */
const key = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map((i) => `k8s-pod-network.${i}`),
  fc.string({ maxLength: 3 }),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), key }),
  fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
);

/** Applies `o` to the table and to a Map; returns where their answers differ (empty: none). */
function step(table: HandleTable<number>, model: Map<string, number>, o: Op): string {
  let got: unknown;
  let want: unknown;
  switch (o.op) {
    case 'get':
      [got, want] = [table.get(o.key), model.get(o.key)];
      break;
    case 'has':
      [got, want] = [table.has(o.key), model.has(o.key)];
      break;
    case 'delete':
      [got, want] = [table.delete(o.key), model.delete(o.key)];
      break;
    case 'set':
      table.set(o.key, o.value);
      model.set(o.key, o.value);
      break;
  }
  if (got !== want || table.size !== model.size) {
    return `${o.op} ${o.key}: ${String(got)} (size ${table.size}), want ${String(want)} (size ${model.size})`;
  }
  return '';
}

/** Runs `ops` on a fresh table and a Map; returns the first difference. */
function differences(ops: readonly Op[]): string {
  const table = new HandleTable<number>();
  const model = new Map<string, number>();
  for (const o of ops) {
    const diff = step(table, model, o);
    if (diff) return diff;
  }
  const entries = [...table.entries()].sort();
  const want = [...model.entries()].sort();
  return JSON.stringify(entries) === JSON.stringify(want) ? '' : 'entries differ';
}

describe('HandleTable', () => {
  it('answers as a Map does for any sequence of operations', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 600 }), (ops) => differences(ops) === ''));
  });

  it('finds every key after many insertions and deletions (probe chains shifted back, wrapping round)', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 5000; i++) {
      ops.push({ op: 'set', key: `h-${i}`, value: i });
      if (i % 3 === 0) ops.push({ op: 'delete', key: `h-${(i * 7) % (i + 1)}` });
    }
    for (let i = 0; i < 5000; i++) ops.push({ op: 'get', key: `h-${i}` });
    for (let i = 0; i < 5000; i += 2) ops.push({ op: 'delete', key: `h-${i}` });
    for (let i = 0; i < 5000; i++) ops.push({ op: 'has', key: `h-${i}` });
    expect(differences(ops)).toBe('');
  });

  it('uses a remembered lookup only for the same key with nothing changed since', () => {
    const table = new HandleTable<string>();
    table.set('a', 'A');
    expect(table.get('b')).toBeUndefined();
    // Another string with the same text as the key looked up: still that key.
    table.set(['b'].join(''), 'B');
    expect(table.get('a')).toBe('A');
    table.set('c', 'C'); // a change after the lookup of 'a'
    expect(table.delete('a')).toBe(true);
    expect([...table.entries()].sort()).toEqual([
      ['b', 'B'],
      ['c', 'C'],
    ]);
    expect(table.get('c')).toBe('C');
    table.delete('b');
    expect(table.delete('c')).toBe(true);
    expect(table.size).toBe(0);
  });

  it('hashes text as 32-bit FNV-1a of its UTF-16 code units', () => {
    expect(stringHash('')).toBe(0x811c9dc5 | 0);
    expect(stringHash('a')).toBe(0xe40c292c | 0);
    expect(stringHash('foobar')).toBe(0xbf9cf968 | 0);
  });
});
