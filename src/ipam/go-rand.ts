/**
 * A port of the parts of Go that Calico's block picker depends on, so that a
 * node gets the same first block here as under real Calico
 * (`ipam_block_reader_writer.go` `randomBlockGenerator`, reference calico.md §1.4):
 *
 * - `hash/fnv` New32 (FNV-1, not FNV-1a) of the hostname, used as the seed;
 * - `math/rand` v1 `rngSource` (additive lagged Fibonacci generator, 607 words,
 *   tap 273, seeded through the Lehmer generator `seedrand`), `Int63`, `Uint32`;
 * - `math/big` `Int.Rand` for limits up to 2^53 (`nat.random`: draw 64-bit
 *   words, mask the top word to the limit's bit length, retry until below it).
 *
 * Go seeds every source by xoring with `rngCooked`, "the state of the generator
 * after 7.8e12 iterations" of a fixed start. Rather than copying that table,
 * `cooked-table.ts` recomputes it with a polynomial jump-ahead of
 * the recurrence; the test vectors of the reference confirm the result.
 *
 * 64-bit words are kept as two unsigned 32-bit halves (`hi`, `lo`) in
 * Uint32Arrays: only the low 63 bits ever reach an output.
 */
import { cookedTable, LAG_LONG, LAG_SHORT, lehmerNext } from './cooked-table.js';

const INT32_MAX = 2147483647;

/** FNV-1 32-bit hash of the UTF-8 bytes of `text` (Go `fnv.New32().Sum32()`). */
export function fnv1_32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/**
 * Go's `rand.NewSource(seed)` for a seed in [0, 2^53). Produces the same
 * `Int63`/`Uint32` stream as Go's v1 `rngSource`.
 */
export class GoRandSource {
  readonly #hi = new Uint32Array(LAG_LONG);
  readonly #lo = new Uint32Array(LAG_LONG);
  #tap = 0;
  #feed = LAG_LONG - LAG_SHORT;

  constructor(seed: number) {
    const cooked = cookedTable();
    let s = seed % INT32_MAX;
    if (s === 0) s = 89482311;
    let x = s;
    for (let i = -20; i < LAG_LONG; i++) {
      x = lehmerNext(x);
      if (i < 0) continue;
      // u = x<<40 ^ x'<<20 ^ x'' as a 64-bit word (x < 2^31, so x<<40 keeps bits 40..63).
      const x1 = x;
      x = lehmerNext(x);
      const x2 = x;
      x = lehmerNext(x);
      const x3 = x;
      const hi = ((x1 << 8) ^ (x2 >>> 12)) >>> 0;
      const lo = ((x2 << 20) ^ x3) >>> 0;
      this.#hi[i] = (hi ^ (cooked.hi[i] as number)) >>> 0;
      this.#lo[i] = (lo ^ (cooked.lo[i] as number)) >>> 0;
    }
  }

  /** Advances the generator (Go `rngSource.Uint64`) and returns the new word. */
  #next(): { hi: number; lo: number } {
    this.#tap = this.#tap === 0 ? LAG_LONG - 1 : this.#tap - 1;
    this.#feed = this.#feed === 0 ? LAG_LONG - 1 : this.#feed - 1;
    const f = this.#feed;
    const t = this.#tap;
    const loSum = (this.#lo[f] as number) + (this.#lo[t] as number);
    const lo = loSum >>> 0;
    const hi = ((this.#hi[f] as number) + (this.#hi[t] as number) + (loSum > 0xffffffff ? 1 : 0)) >>> 0;
    this.#hi[f] = hi;
    this.#lo[f] = lo;
    return { hi, lo };
  }

  /** Go `Rand.Uint32()`: bits 31..62 of the next word (`uint32(Int63() >> 31)`). */
  uint32(): number {
    const { hi, lo } = this.#next();
    return (((hi & 0x7fffffff) << 1) | (lo >>> 31)) >>> 0;
  }
}

/** Bit length of a positive integer below 2^53 (Go `big.Int.BitLen`). */
function bitLength(n: number): number {
  let bits = 0;
  while (n >= 1) {
    n = Math.floor(n / 2);
    bits++;
  }
  return bits;
}

/**
 * Go `new(big.Int).Rand(rng, big.NewInt(limit))` for 1 ≤ limit < 2^53: a
 * uniform integer in [0, limit), drawing exactly the words Go draws.
 */
export function goBigRand(rng: GoRandSource, limit: number): number {
  const bits = bitLength(limit);
  for (;;) {
    const low = rng.uint32();
    const high = rng.uint32();
    let value: number;
    if (bits <= 32) value = bits === 32 ? low : (low & ((1 << bits) - 1)) >>> 0;
    else value = low + (high & ((2 ** (bits - 32) - 1) >>> 0)) * 2 ** 32;
    if (value < limit) return value;
  }
}
