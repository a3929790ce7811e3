/**
 * Go's `math/rand` `rngCooked` table, recomputed rather than copied.
 *
 * Go defines the table as the state vector of its lagged Fibonacci generator
 * (x[n] = x[n-607] + x[n-273] mod 2^64) after 7.8e12 steps from a state seeded
 * with `srand(1)` (`gen_cooked.go`). Stepping 7.8e12 times is out of reach, but
 * the recurrence is linear: x[N] is a combination of the 607 starting words
 * whose coefficients are those of z^N mod (z^607 − z^334 − 1). Square-and-
 * multiply gives z^N in 43 polynomial squarings; 607 more shifts give the
 * whole window of words the state vector holds after N steps. That takes
 * about a third of a second, so the result is stored (`cooked-table-data.ts`)
 * and a test recomputes it.
 *
 * 64-bit words are two 32-bit halves; products are accumulated exactly in
 * doubles (16-bit limbs) and reduced mod 2^64 at the end.
 */

import { COOKED_TABLE_BASE64 } from './cooked-table-data.js';

/** Length of the generator's state (Go `rngLen`). */
export const LAG_LONG = 607;
/** Tap distance (Go `rngTap`). */
export const LAG_SHORT = 273;
const STEPS = 7_800_000_000_000;
const TWO32 = 4294967296;

/** One step of Go's `seedrand`: x·48271 mod (2^31−1), Schrage's method. */
export function lehmerNext(x: number): number {
  const hi = Math.trunc(x / 44488);
  const lo = x % 44488;
  let next = 48271 * lo - 3399 * hi;
  if (next < 0) next += 2147483647;
  return next;
}

/** A polynomial (or vector) of 64-bit words as halves. */
interface Words {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

function words(n: number): Words {
  return { hi: new Uint32Array(n), lo: new Uint32Array(n) };
}

/** Exact accumulators for sums of 64-bit products. */
class Accumulator {
  readonly hi: Float64Array;
  readonly lo: Float64Array;
  constructor(n: number) {
    this.hi = new Float64Array(n);
    this.lo = new Float64Array(n);
  }
  /** Adds k · (a · b mod 2^64) to slot `at`; k is 1 or 2. */
  addProduct(at: number, ah: number, al: number, bh: number, bl: number, k: number): void {
    const a0 = al & 0xffff;
    const a1 = al >>> 16;
    const b0 = bl & 0xffff;
    const b1 = bl >>> 16;
    const mid = a0 * b1 + a1 * b0;
    const low = a0 * b0 + (mid % 65536) * 65536;
    const high = a1 * b1 + Math.floor(mid / 65536) + (Math.imul(ah, bl) >>> 0) + (Math.imul(al, bh) >>> 0);
    this.lo[at] = (this.lo[at] as number) + k * low;
    this.hi[at] = (this.hi[at] as number) + k * high;
  }
  /** Reduces slot `i` mod 2^64 into halves. */
  take(i: number): { hi: number; lo: number } {
    const lo = this.lo[i] as number;
    const carry = Math.floor(lo / TWO32);
    return { hi: ((this.hi[i] as number) + carry) % TWO32, lo: lo % TWO32 };
  }
}

function add64(w: Words, i: number, hi: number, lo: number): void {
  const sum = (w.lo[i] as number) + lo;
  w.lo[i] = sum >>> 0;
  w.hi[i] = ((w.hi[i] as number) + hi + (sum >= TWO32 ? 1 : 0)) >>> 0;
}

/** Folds degrees ≥ 607 back with z^607 = z^334 + 1. */
function reduce(w: Words, degree: number): Words {
  for (let d = degree; d >= LAG_LONG; d--) {
    const hi = w.hi[d] as number;
    const lo = w.lo[d] as number;
    if (hi === 0 && lo === 0) continue;
    add64(w, d - LAG_SHORT, hi, lo);
    add64(w, d - LAG_LONG, hi, lo);
  }
  return { hi: w.hi.slice(0, LAG_LONG), lo: w.lo.slice(0, LAG_LONG) };
}

function square(a: Words): Words {
  const acc = new Accumulator(2 * LAG_LONG - 1);
  const nz: number[] = [];
  for (let i = 0; i < LAG_LONG; i++) if (a.hi[i] !== 0 || a.lo[i] !== 0) nz.push(i);
  for (let x = 0; x < nz.length; x++) {
    const i = nz[x] as number;
    const ah = a.hi[i] as number;
    const al = a.lo[i] as number;
    acc.addProduct(2 * i, ah, al, ah, al, 1);
    for (let y = x + 1; y < nz.length; y++) {
      const j = nz[y] as number;
      acc.addProduct(i + j, ah, al, a.hi[j] as number, a.lo[j] as number, 2);
    }
  }
  const out = words(2 * LAG_LONG - 1);
  for (let i = 0; i < 2 * LAG_LONG - 1; i++) {
    const v = acc.take(i);
    out.hi[i] = v.hi;
    out.lo[i] = v.lo;
  }
  return reduce(out, 2 * LAG_LONG - 2);
}

function timesZ(a: Words): Words {
  const out = words(LAG_LONG + 1);
  out.hi.set(a.hi, 1);
  out.lo.set(a.lo, 1);
  return reduce(out, LAG_LONG);
}

/** The starting words of `gen_cooked.go` (`srand(1)`), as sequence x[-606..0]. */
function initialSequence(): Words {
  const vec = words(LAG_LONG);
  let x = 1;
  for (let i = -20; i < LAG_LONG; i++) {
    x = lehmerNext(x);
    if (i < 0) continue;
    const x1 = x;
    x = lehmerNext(x);
    const x2 = x;
    x = lehmerNext(x);
    // u = x1<<20 ^ x2<<10 ^ x3 (at most 51 bits), split into halves.
    const hi = (x1 >>> 12) ^ (x2 >>> 22);
    const lo = (((x1 & 0xfff) << 20) ^ ((x2 & 0x3fffff) << 10) ^ x) >>> 0;
    vec.hi[i] = hi >>> 0;
    vec.lo[i] = lo;
  }
  // Position p of the vector holds x[k] for k ≡ 334 − p (mod 607); y[m] = x[m − 606].
  const seq = words(LAG_LONG);
  for (let m = 0; m < LAG_LONG; m++) {
    const p = (((LAG_LONG - LAG_SHORT - (m - 606)) % LAG_LONG) + LAG_LONG) % LAG_LONG;
    seq.hi[m] = vec.hi[p] as number;
    seq.lo[m] = vec.lo[p] as number;
  }
  return seq;
}

/** Computes the table from scratch (about a third of a second); see `cooked-table-data.ts`. */
export function computeCookedTable(): Words {
  const seq = initialSequence();
  let poly = words(LAG_LONG);
  poly.lo[0] = 1;
  for (const bit of STEPS.toString(2)) {
    poly = square(poly);
    if (bit === '1') poly = timesZ(poly);
  }
  const table = words(LAG_LONG);
  for (let m = 0; m < LAG_LONG; m++) {
    const acc = new Accumulator(1);
    for (let i = 0; i < LAG_LONG; i++) {
      const ph = poly.hi[i] as number;
      const pl = poly.lo[i] as number;
      if (ph !== 0 || pl !== 0) acc.addProduct(0, ph, pl, seq.hi[i] as number, seq.lo[i] as number, 1);
    }
    // This is x[STEPS − 606 + m]; it sits at position 334 − k (mod 607).
    const k = STEPS - 606 + m;
    const p = (((LAG_LONG - LAG_SHORT - (k % LAG_LONG)) % LAG_LONG) + LAG_LONG) % LAG_LONG;
    const v = acc.take(0);
    table.hi[p] = v.hi;
    table.lo[p] = v.lo;
    poly = timesZ(poly);
  }
  return table;
}

/** The table as base64 of 607 big-endian 64-bit words, the form `cooked-table-data.ts` stores. */
export function encodeCookedTable(table: Words): string {
  const bytes = Buffer.alloc(LAG_LONG * 8);
  for (let i = 0; i < LAG_LONG; i++) {
    bytes.writeUInt32BE(table.hi[i] as number, i * 8);
    bytes.writeUInt32BE(table.lo[i] as number, i * 8 + 4);
  }
  return bytes.toString('base64');
}

function decodeCookedTable(base64: string): Words {
  const bytes = Buffer.from(base64, 'base64');
  const table = words(LAG_LONG);
  for (let i = 0; i < LAG_LONG; i++) {
    table.hi[i] = bytes.readUInt32BE(i * 8);
    table.lo[i] = bytes.readUInt32BE(i * 8 + 4);
  }
  return table;
}

let cooked: Words | undefined;

/**
 * Go's `rngCooked`, kept for the life of the process. It is read from the
 * output of `computeCookedTable` stored in `cooked-table-data.ts` (a test
 * recomputes and compares it), because computing it on every start cost a
 * third of a second of the emulator's one-second start.
 */
export function cookedTable(): Words {
  cooked ??= decodeCookedTable(COOKED_TABLE_BASE64);
  return cooked;
}
