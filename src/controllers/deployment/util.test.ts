import { describe, expect, it } from 'vitest';
import { newDeployment } from './testing.js';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './util.js';

describe('fenceposts', () => {
  it.each<{ replicas: number; surge: number | string; unavailable: number | string; want: [number, number] }>(
    [
      { replicas: 10, surge: '25%', unavailable: '25%', want: [3, 2] },
      { replicas: 3, surge: '25%', unavailable: '25%', want: [1, 0] },
      { replicas: 3, surge: 1, unavailable: 1, want: [1, 1] },
      { replicas: 1, surge: '25%', unavailable: '25%', want: [1, 0] },
      { replicas: 5, surge: '0%', unavailable: '10%', want: [0, 1] },
      { replicas: 0, surge: '25%', unavailable: '25%', want: [0, 1] },
      { replicas: 7, surge: '50%', unavailable: '50%', want: [4, 3] },
    ],
  )(
    '$replicas replicas, maxSurge $surge, maxUnavailable $unavailable → $want',
    ({ replicas, surge, unavailable, want }) => {
      const d = newDeployment({ replicas, maxSurge: surge, maxUnavailable: unavailable });
      const r = resolveFenceposts(d);
      expect([r.surge, r.unavailable]).toEqual(want);
    },
  );

  it('caps maxUnavailable at the replicas and is zero for Recreate', () => {
    expect(maxUnavailable(newDeployment({ replicas: 2, maxSurge: 0, maxUnavailable: 5 }))).toBe(2);
    expect(maxUnavailable(newDeployment({ replicas: 0 }))).toBe(0);
    expect(maxSurge(newDeployment({ strategy: 'Recreate' }))).toBe(0);
    expect(maxUnavailable(newDeployment({ strategy: 'Recreate' }))).toBe(0);
  });

  it('scales percentages up or down and counts malformed values as zero', () => {
    expect(scaledValue('33%', 10, true)).toBe(4);
    expect(scaledValue('33%', 10, false)).toBe(3);
    expect(scaledValue(2, 10, false)).toBe(2);
    expect(scaledValue('two', 10, true)).toBe(0);
  });
});
