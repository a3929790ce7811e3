import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  quantityFromMilli,
  roundUpToMilli,
  toMilli,
  toValue,
} from './quantity.js';

describe('quantities', () => {
  it.each([
    { text: '100m', milli: 100, value: 1, canonical: '100m' },
    { text: '1.5', milli: 1500, value: 2, canonical: '1500m' },
    { text: '2', milli: 2000, value: 2, canonical: '2' },
    { text: '128Mi', milli: 134217728000, value: 134217728, canonical: '128Mi' },
    { text: '1024Mi', milli: 1073741824000, value: 1073741824, canonical: '1Gi' },
    { text: '1.5Gi', milli: 1610612736000, value: 1610612736, canonical: '1536Mi' },
    { text: '0.5Ki', milli: 512000, value: 512, canonical: '512' },
    { text: '1G', milli: 1e12, value: 1e9, canonical: '1G' },
    { text: '1000', milli: 1e6, value: 1000, canonical: '1k' },
    { text: '1200', milli: 1.2e6, value: 1200, canonical: '1200' },
    { text: '1e3', milli: 1e6, value: 1000, canonical: '1e3' },
    { text: '8Gi', milli: 8 * 2 ** 30 * 1000, value: 8 * 2 ** 30, canonical: '8Gi' },
    { text: '0', milli: 0, value: 0, canonical: '0' },
    { text: '-1', milli: -1000, value: -1, canonical: '-1' },
  ])('$text is $milli milli-units and prints as $canonical', ({ text, milli, value, canonical }) => {
    expect(toMilli(text)).toBe(milli);
    expect(toValue(text)).toBe(value);
    expect(canonicalQuantity(text)).toBe(canonical);
  });

  it.each(['', 'abc', '1.2.3', '1Kb', '1ii', '--1', '.'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('reads YAML numbers through their decimal text', () => {
    expect(toMilli(0.5)).toBe(500);
    expect(toValue(4)).toBe(4);
  });

  it('rounds up to whole milli-units as the API server does on write', () => {
    const q = parseQuantity('0.1m');
    expect(q && formatQuantity(roundUpToMilli(q))).toBe('1m');
  });

  it('orders quantities of any format', () => {
    const a = parseQuantity('1Gi');
    const b = parseQuantity('1G');
    expect(a && b && compareQuantities(a, b)).toBe(1);
  });

  it('prints milli-unit quantities so that they parse back to the same amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (milli) => {
        const text = formatQuantity(quantityFromMilli(milli));
        expect(BigInt(toMilli(text) ?? -1)).toBe(milli);
      }),
    );
  });
});
