import { describe, expect, it } from 'vitest';
import { parseCalicoSelector } from './calico-selector.js';

const labels = { zone: 'a', 'kubernetes.io/hostname': 'node-1', tier: 'frontend-web' };

describe('Calico selectors', () => {
  it.each([
    ['', true],
    ['all()', true],
    ['global()', true],
    ["zone == 'a'", true],
    ['zone == "b"', false],
    ["zone != 'b'", true],
    ['has(zone)', true],
    ['!has(zone)', false],
    ['has(missing)', false],
    ["zone in {'a', 'b'}", true],
    ["zone not in {'a'}", false],
    ["missing not in {'a'}", true],
    ["tier contains 'end'", true],
    ["tier starts with 'front'", true],
    ["tier ends with 'web'", true],
    ["kubernetes.io/hostname == 'node-1' && zone == 'a'", true],
    ["zone == 'b' || tier ends with 'web'", true],
    ["!(zone == 'a') || has(missing)", false],
    ["zone == 'b' || zone == 'a' && has(missing)", false],
    ["(zone == 'b' || zone == 'a') && !has(missing)", true],
  ])('%s → %s', (source, want) => {
    const parsed = parseCalicoSelector(source);
    expect(parsed.ok && parsed.selector.matches(labels)).toBe(want);
  });

  it.each([
    ["zone == 'a' &&", 'unexpected end of selector'],
    ['zone ==', 'expected a quoted string at end of selector'],
    ["zone = 'a'", 'unexpected character at position 5: "="'],
    ["zone == 'a' zone", "unexpected 'zone' at position 12"],
    ["zone in {'a' 'b'}", "expected ',' or '}' at position 13, found 'b'"],
  ])('rejects %s', (source, error) => {
    expect(parseCalicoSelector(source)).toEqual({ ok: false, error });
  });
});
