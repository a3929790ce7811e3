import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeCookedTable,
  cookedTable,
  encodeCookedTable,
  LAG_LONG,
  LAG_SHORT,
  lehmerNext,
} from './cooked-table.js';
import { COOKED_TABLE_BASE64 } from './cooked-table-data.js';
import { fnv1_32, GoRandSource, goBigRand } from './go-rand.js';

describe('fnv1_32', () => {
  // Values from reference calico.md §1.4 ("FNV-1 32 values").
  it.each([
    { host: 'node-1', want: 568266919 },
    { host: 'node-2', want: 568266916 },
    { host: 'minikube', want: 2218975071 },
    { host: 'kind-control-plane', want: 2016776422 },
    { host: '', want: 0x811c9dc5 },
  ])('$host', ({ host, want }) => {
    expect(fnv1_32(host)).toBe(want);
  });

  it('hashes the UTF-8 bytes of any text, ASCII or not', () => {
    const reference = (text: string) => {
      let hash = 0x811c9dc5;
      for (const byte of Buffer.from(text, 'utf8')) hash = ((Math.imul(hash, 0x01000193) >>> 0) ^ byte) >>> 0;
      return hash;
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => fnv1_32(text) === reference(text)));
    for (const text of ['nöde-1', 'ноде', '节点-7', 'a\u{1F600}b'])
      expect(fnv1_32(text)).toBe(reference(text));
  });
});

describe('cookedTable', () => {
  it('reproduces the low 63 bits of Go rngCooked at both ends', () => {
    const table = cookedTable();
    const word = (i: number) =>
      ((BigInt(table.hi[i] as number) << 32n) | BigInt(table.lo[i] as number)) & ((1n << 63n) - 1n);
    // First and last entries of the table in Go's math/rand (rng.go).
    expect(word(0)).toBe(5041579894721019882n);
    expect(word(1)).toBe(4646389086726545243n);
    expect(word(606)).toBe(4152330101494654406n);
  });

  it('is stored exactly as the jump-ahead computes it', () => {
    expect(COOKED_TABLE_BASE64).toBe(encodeCookedTable(computeCookedTable()));
  });
});

describe('goBigRand seeded by the hostname', () => {
  // Start indexes computed with Go 1.19 in reference calico.md §1.4 [calc].
  it.each([
    { host: 'node-1', blocks: 1024, want: 338 },
    { host: 'node-2', blocks: 1024, want: 988 },
    { host: 'node-3', blocks: 1024, want: 557 },
    { host: 'kind-control-plane', blocks: 1024, want: 328 },
    { host: 'kind-worker', blocks: 1024, want: 650 },
    { host: 'minikube', blocks: 1024, want: 481 },
    { host: 'node-1', blocks: 256, want: 25 },
    { host: 'node-2', blocks: 256, want: 5 },
    { host: 'node-3', blocks: 256, want: 45 },
    { host: 'node-1', blocks: 4, want: 2 },
    { host: 'node-2', blocks: 4, want: 0 },
    { host: 'wrap-node', blocks: 64, want: 42 },
    { host: 'testnode', blocks: 64, want: 37 },
    { host: 'host1', blocks: 4, want: 3 },
    { host: 'host2', blocks: 4, want: 1 },
    { host: 'host-a', blocks: 2, want: 0 },
    { host: 'node-3', blocks: 2, want: 0 },
  ])('$host in $blocks blocks starts at $want', ({ host, blocks, want }) => {
    expect(goBigRand(new GoRandSource(fnv1_32(host)), blocks)).toBe(want);
  });

  it('stays in range for limits above 2^32', () => {
    const rng = new GoRandSource(42);
    for (let i = 0; i < 100; i++) {
      const v = goBigRand(rng, 2 ** 40 + 3);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 40 + 3);
      expect(Number.isInteger(v)).toBe(true);
    }
  });
});

/**
 * Go's `rngSource` as Go writes it (`Seed` fills all 607 words with
 * `seedrand` up front, `Uint64` adds the tapped words), in BigInts: the
 * straightforward algorithm `GoRandSource`, which seeds each word when first
 * read, must match draw for draw.
 */
class EagerGoRand {
  readonly #vec: bigint[] = [];
  #tap = 0;
  #feed = LAG_LONG - LAG_SHORT;

  constructor(seed: number) {
    const cooked = cookedTable();
    let x = seed % 2147483647;
    if (x === 0) x = 89482311;
    for (let i = -20; i < LAG_LONG; i++) {
      x = lehmerNext(x);
      if (i < 0) continue;
      let u = BigInt(x) << 40n;
      x = lehmerNext(x);
      u ^= BigInt(x) << 20n;
      x = lehmerNext(x);
      u ^= BigInt(x);
      const c = (BigInt(cooked.hi[i] as number) << 32n) | BigInt(cooked.lo[i] as number);
      this.#vec[i] = BigInt.asUintN(64, u ^ c);
    }
  }

  uint32(): number {
    this.#tap = this.#tap === 0 ? LAG_LONG - 1 : this.#tap - 1;
    this.#feed = this.#feed === 0 ? LAG_LONG - 1 : this.#feed - 1;
    const x = BigInt.asUintN(64, (this.#vec[this.#feed] as bigint) + (this.#vec[this.#tap] as bigint));
    this.#vec[this.#feed] = x;
    return Number((x & ((1n << 63n) - 1n)) >> 31n);
  }
}

describe('GoRandSource seeding words on first read', () => {
  it('draws what the eagerly seeded generator draws, past the wrap-around of both taps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: 1, max: 1500 }), (seed, n) => {
        const lazy = new GoRandSource(seed);
        const eager = new EagerGoRand(seed);
        for (let i = 0; i < n; i++) expect(lazy.uint32()).toBe(eager.uint32());
      }),
      { numRuns: 60 },
    );
  });

  it.each([0, 2147483647, 1, 89482311, 2 ** 53 - 1])('seed %d', (seed) => {
    const lazy = new GoRandSource(seed);
    const eager = new EagerGoRand(seed);
    for (let i = 0; i < 1300; i++) expect(lazy.uint32()).toBe(eager.uint32());
  });
});
