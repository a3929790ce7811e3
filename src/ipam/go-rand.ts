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

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1 32-bit hash of the UTF-8 bytes of `text` (Go `fnv.New32().Sum32()`).
 * An ASCII character is its own byte, so hostnames (ASCII by RFC 1123) are
 * hashed from the string; anything else through its UTF-8 encoding.
 */
export function fnv1_32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return fnv1Bytes(Buffer.from(text, 'utf8'));
    hash = (Math.imul(hash, FNV_PRIME) ^ c) >>> 0;
  }
  return hash;
}

function fnv1Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) hash = (Math.imul(hash, FNV_PRIME) ^ (bytes[i] as number)) >>> 0;
  return hash;
}

/** Go's `seedrand` modulus, 2^31 − 1. */
const LEHMER_M = INT32_MAX;

/** Lehmer steps the seeding takes: 20 to warm up, then three per state word. */
const SEED_STEPS = 20 + 3 * LAG_LONG;

let lehmerPowers: Float64Array | undefined;

/** 48271^k mod (2^31 − 1) for k = 0 … `SEED_STEPS` (made once: 1,841 steps). */
function powers(): Float64Array {
  if (lehmerPowers === undefined) {
    lehmerPowers = new Float64Array(SEED_STEPS + 1);
    let p = 1;
    for (let k = 0; k <= SEED_STEPS; k++) {
      lehmerPowers[k] = p;
      p = lehmerNext(p);
    }
  }
  return lehmerPowers;
}

/** `a · b mod (2^31 − 1)` for a, b < 2^31, exact in doubles (b split into 16-bit halves). */
function mulmod(a: number, b: number): number {
  const high = (a * (b >>> 16)) % LEHMER_M;
  return (high * 65536 + a * (b & 0xffff)) % LEHMER_M;
}

/**
 * Go's `rand.NewSource(seed)` for a seed in [0, 2^53). Produces the same
 * `Int63`/`Uint32` stream as Go's v1 `rngSource`.
 *
 * Go seeds all 607 words up front: 1,841 steps of `seedrand`. A block
 * picker's start index reads about eight of them, so each word is seeded
 * here when first read, from `seedrand`'s closed form (step k from seed s is
 * s · 48271^k mod 2^31 − 1): the same words, without the other 600. (Every
 * node's first block claim makes a source.)
 */
export class GoRandSource {
  /** The state words, `hi` then `lo` half of word i at 2i, 2i+1; valid where `#seeded[i]` is 1. */
  readonly #words = new Uint32Array(2 * LAG_LONG);
  readonly #seeded = new Uint8Array(LAG_LONG);
  readonly #seed: number;
  #tap = 0;
  #feed = LAG_LONG - LAG_SHORT;

  constructor(seed: number) {
    let s = seed % INT32_MAX;
    if (s === 0) s = 89482311;
    this.#seed = s;
  }

  /**
   * Seeds word `i` if it was not yet: `u = x1<<40 ^ x2<<20 ^ x3` of the three
   * `seedrand` steps Go takes for it, xored with `rngCooked[i]`.
   */
  #ensure(i: number): void {
    if (this.#seeded[i] === 1) return;
    const p = powers();
    const k = 21 + 3 * i;
    const x1 = mulmod(this.#seed, p[k] as number);
    const x2 = mulmod(this.#seed, p[k + 1] as number);
    const x3 = mulmod(this.#seed, p[k + 2] as number);
    // x < 2^31, so x1<<40 keeps bits 40..63 of the 64-bit word.
    const hi = ((x1 << 8) ^ (x2 >>> 12)) >>> 0;
    const lo = ((x2 << 20) ^ x3) >>> 0;
    const cooked = cookedTable();
    this.#words[2 * i] = (hi ^ (cooked.hi[i] as number)) >>> 0;
    this.#words[2 * i + 1] = (lo ^ (cooked.lo[i] as number)) >>> 0;
    this.#seeded[i] = 1;
  }

  /** Advances the generator (Go `rngSource.Uint64`) and returns the new word. */
  #next(): { hi: number; lo: number } {
    this.#tap = this.#tap === 0 ? LAG_LONG - 1 : this.#tap - 1;
    this.#feed = this.#feed === 0 ? LAG_LONG - 1 : this.#feed - 1;
    const f = this.#feed;
    const t = this.#tap;
    this.#ensure(f);
    this.#ensure(t);
    const words = this.#words;
    const loSum = (words[2 * f + 1] as number) + (words[2 * t + 1] as number);
    const lo = loSum >>> 0;
    const hi = ((words[2 * f] as number) + (words[2 * t] as number) + (loSum > 0xffffffff ? 1 : 0)) >>> 0;
    words[2 * f] = hi;
    words[2 * f + 1] = lo;
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
