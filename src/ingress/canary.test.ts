import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { DEFAULT_UPSTREAM_POLICY } from './annotations.js';
import { backendKey, type CanaryRequest, routeToCanary } from './canary.js';
import type { CanaryPolicy, Upstream } from './types.js';

const REF = { namespace: 'default', name: 'canary', creationTimestamp: '' };

function upstream(name: string, canary?: Partial<CanaryPolicy>, affinity = false): Upstream {
  return {
    name,
    service: { namespace: 'default', name, port: 80 },
    endpoints: [{ address: '10.0.0.1', port: 80 }],
    problem: undefined,
    clusterIP: undefined,
    policy: {
      ...DEFAULT_UPSTREAM_POLICY,
      affinity: affinity
        ? {
            mode: 'balanced',
            canaryBehavior: 'sticky',
            cookieName: 'INGRESSCOOKIE',
            cookiePath: undefined,
            maxAge: undefined,
            expires: undefined,
            secure: undefined,
            domain: undefined,
            sameSite: undefined,
            changeOnFailure: false,
          }
        : undefined,
    },
    alternative: undefined,
    canary: canary
      ? {
          ingress: REF,
          header: undefined,
          headerValue: undefined,
          headerPattern: undefined,
          cookie: undefined,
          weight: 0,
          weightTotal: 100,
          ...canary,
        }
      : undefined,
  };
}

function req(headers: Record<string, string> = {}, cookies: Record<string, string> = {}): CanaryRequest {
  return { header: (n) => headers[n.toLowerCase()], cookie: (n) => cookies[n] };
}

describe('routeToCanary (balancer.lua route_to_alternative_balancer)', () => {
  const main = upstream('default-main-80');

  it.each([
    {
      name: 'header always',
      policy: { header: 'X-Canary' },
      h: { 'x-canary': 'always' },
      want: [true, 'header'],
    },
    {
      name: 'header never stops the chain',
      policy: { header: 'X-Canary', cookie: 'c', weight: 100 },
      h: { 'x-canary': 'never' },
      want: [false, 'header'],
    },
    {
      name: 'other header value falls through to weight',
      policy: { header: 'X-Canary', weight: 100 },
      h: { 'x-canary': 'x' },
      want: [true, 'weight'],
    },
    {
      name: 'header value match',
      policy: { header: 'X-Canary', headerValue: 'DoCanary' },
      h: { 'x-canary': 'DoCanary' },
      want: [true, 'header'],
    },
    {
      name: 'header value mismatch falls through',
      policy: { header: 'X-Canary', headerValue: 'DoCanary' },
      h: { 'x-canary': 'always' },
      want: [false, 'weight'],
    },
    {
      name: 'header pattern',
      policy: { header: 'X-Canary', headerPattern: '^(beta|gamma)$' },
      h: { 'x-canary': 'gamma' },
      want: [true, 'header'],
    },
    {
      name: 'bad header pattern is main',
      policy: { header: 'X-Canary', headerPattern: '(' },
      h: { 'x-canary': 'x' },
      want: [false, 'header'],
    },
    { name: 'weight 0', policy: { weight: 0 }, h: {}, want: [false, 'weight'] },
  ])('$name', ({ policy, h, want }) => {
    const v = routeToCanary(main, upstream('default-canary-80', policy), req(h), 0.5);
    expect([v.canary, v.by]).toEqual(want);
  });

  it('cookie always/never', () => {
    const alt = upstream('default-canary-80', { cookie: 'beta', weight: 100 });
    expect(routeToCanary(main, alt, req({}, { beta: 'always' }), 0.99).canary).toBe(true);
    expect(routeToCanary(main, alt, req({}, { beta: 'never' }), 0).by).toBe('cookie');
  });

  it('weight splits traffic by math.random(total) <= weight', () => {
    const alt = upstream('default-canary-80', { weight: 30 });
    const random = seededRandom(7);
    let canary = 0;
    for (let i = 0; i < 4000; i++) if (routeToCanary(main, alt, req(), random.float()).canary) canary++;
    expect(canary / 4000).toBeGreaterThan(0.27);
    expect(canary / 4000).toBeLessThan(0.33);
    const big = upstream('default-canary-80', { weight: 100, weightTotal: 200 });
    expect(routeToCanary(main, big, req(), 0.49).canary).toBe(true);
    expect(routeToCanary(main, big, req(), 0.51).canary).toBe(false);
  });

  it('an affinity cookie keeps a session on the backend it names', () => {
    const m = upstream('default-main-80', undefined, true);
    const alt = upstream('default-canary-80', { weight: 100 }, true);
    const onMain = req({}, { INGRESSCOOKIE: `abc|${backendKey('default-main-80')}` });
    const onCanary = req({}, { INGRESSCOOKIE: `abc|${backendKey('default-canary-80')}` });
    expect(routeToCanary(m, alt, onMain, 0)).toMatchObject({ canary: false, by: 'affinity' });
    expect(
      routeToCanary(m, upstream('default-canary-80', { weight: 0 }, true), onCanary, 0.99),
    ).toMatchObject({
      canary: true,
      by: 'affinity',
    });
  });
});
