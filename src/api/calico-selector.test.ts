import { describe, expect, it } from 'vitest';
import { parseCalicoSelector } from './calico-selector.js';

const labels = { zone: 'us-east-1a', role: 'worker', 'kubernetes.io/hostname': 'worker-1' };

describe('Calico selectors', () => {
  it.each([
    { selector: 'all()', want: true },
    { selector: '', want: true },
    { selector: "role == 'worker'", want: true },
    { selector: 'role != "worker"', want: false },
    { selector: 'has(zone)', want: true },
    { selector: '!has(gpu)', want: true },
    { selector: "zone in {'us-east-1a', 'us-east-1b'}", want: true },
    { selector: "zone not in {'us-east-1a'}", want: false },
    { selector: "zone starts with 'us-'", want: true },
    { selector: "zone ends with '1b'", want: false },
    { selector: "kubernetes.io/hostname contains 'worker'", want: true },
    { selector: "role == 'worker' && (zone == 'x' || has(zone))", want: true },
  ])('$selector → $want', ({ selector, want }) => {
    const parsed = parseCalicoSelector(selector);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.matches(labels)).toBe(want);
  });

  it.each(['role = worker', "role == 'worker' &&", "zone in {'a'", 'has('])('rejects %j', (selector) => {
    expect('error' in parseCalicoSelector(selector)).toBe(true);
  });
});
