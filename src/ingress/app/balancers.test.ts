import { describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAM_POLICY, type UpstreamPolicy } from '../annotations.js';
import type { Upstream } from '../types.js';
import { createBalancer, endpointKey, type PickRequest } from './balancers.js';

const RANDOM = { float: () => 0.5, int: (n: number) => n - 1 };
const E1 = { address: '10.244.1.2', port: 8080 };
const E2 = { address: '10.244.1.3', port: 8080 };

function upstream(endpoints: Upstream['endpoints'], policy: Partial<UpstreamPolicy> = {}): Upstream {
  return {
    name: 'default-web-80',
    service: { namespace: 'default', name: 'web', port: 80 },
    endpoints,
    problem: undefined,
    clusterIP: undefined,
    policy: { ...DEFAULT_UPSTREAM_POLICY, ...policy },
    alternative: undefined,
    canary: undefined,
  };
}

const REQ = (): PickRequest =>
  ({ variable: () => 'k', cookie: () => undefined, sticky: false }) as unknown as PickRequest;

function picks(u: Upstream, n: number): string[] {
  const b = createBalancer(u, RANDOM, () => 0);
  const failed = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = b.pick(REQ, failed);
    out.push(p ? endpointKey(p.endpoint) : '-');
    if (p) failed.add(endpointKey(p.endpoint));
  }
  return out;
}

describe('retries and failed endpoints (balancer.lua implementations)', () => {
  it('round_robin reuses a failed endpoint: one replica gives three attempts', () => {
    expect(picks(upstream([E1]), 3)).toEqual(['10.244.1.2:8080', '10.244.1.2:8080', '10.244.1.2:8080']);
    expect(picks(upstream([E1, E2]), 3)).toEqual(['10.244.1.2:8080', '10.244.1.3:8080', '10.244.1.2:8080']);
  });

  it('chash finds the same endpoint on every retry', () => {
    const got = picks(upstream([E1, E2], { hashBy: '$request_uri' }), 3);
    expect(new Set(got).size).toBe(1);
    expect(got).not.toContain('-');
  });

  it('ewma skips tried endpoints until all were tried, then picks among all', () => {
    const got = picks(upstream([E1, E2], { loadBalance: 'ewma' }), 3);
    expect(new Set(got.slice(0, 2)).size).toBe(2);
    expect(got[2]).not.toBe('-');
    expect(picks(upstream([E1], { loadBalance: 'ewma' }), 3)).toEqual([
      '10.244.1.2:8080',
      '10.244.1.2:8080',
      '10.244.1.2:8080',
    ]);
  });
});
