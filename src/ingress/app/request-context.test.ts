import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Random, seededRandom } from '../../util/random.js';
import { randomRequestId } from './request-context.js';

/** nginx's `$request_id` as the controller has always made it: four draws, two hex digits per byte. */
function referenceId(random: Random): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    const x = random.int(0x1_0000_0000);
    for (const shift of [24, 16, 8, 0]) out += ((x >>> shift) & 255).toString(16).padStart(2, '0');
  }
  return out;
}

describe('randomRequestId', () => {
  it('makes the same ids from the same draws as the reference (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 1, max: 20 }), (seed, n) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let i = 0; i < n; i++) expect(randomRequestId(a)).toBe(referenceId(b));
      }),
    );
  });

  it('is 32 lower-case hex digits', () => {
    expect(randomRequestId(seededRandom(1))).toMatch(/^[0-9a-f]{32}$/);
  });
});
