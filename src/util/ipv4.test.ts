import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, parseIPv4 } from './ipv4.js';

/** The definition parseIPv4 implements in one pass: four canonical decimal octets. */
function reference(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

describe('parseIPv4', () => {
  it.each([
    ['10.244.1.2', 0x0af40102],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['127.0.10.2', 0x7f000a02],
  ])('parses %s', (text, n) => {
    expect(parseIPv4(text)).toBe(n);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.1000',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.a',
    '1.2.3.-4',
    '::1',
  ])('rejects %j', (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });

  it('agrees with the split-and-regex definition on any text made of digits and dots', () => {
    const chars = fc.constantFrom('0', '1', '2', '5', '9', '.', '.', 'a');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 20 }), (text) => {
        expect(parseIPv4(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips every formatted address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(parseIPv4(formatIPv4(n))).toBe(n);
      }),
    );
  });
});
