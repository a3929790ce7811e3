import { describe, expect, it } from 'vitest';
import { bridgeVethName, podMac, vethNameForWorkload } from './veth.js';

describe('vethNameForWorkload (reference calico.md §2.1)', () => {
  it.each([
    ['namespace', 'podname', 'eni', 'eni82111e10a96'],
    ['namespace', 'podname', 'cali', 'cali82111e10a96'],
    ['default', 'nginx', 'cali', 'calic440f455693'],
    ['default', 'busybox', 'cali', 'cali12d4a061371'],
    ['default', 'web-1', 'cali', 'cali0761ccbeace'],
    ['default', 'web-2', 'cali', 'cali9fb0db7f13e'],
    ['x', 'a', 'cali', 'cali456b416f2bf'],
    ['x', 'b', 'cali', 'cali08041ab898a'],
    ['y', 'a', 'cali', 'calidac200d72ba'],
  ])('%s/%s with prefix %s → %s', (ns, pod, prefix, want) => {
    expect(vethNameForWorkload(ns, pod, prefix)).toBe(want);
  });

  it('is 15 characters with the default prefix (IFNAMSIZ − 1)', () => {
    expect(vethNameForWorkload('a-very-long-namespace', 'a-very-long-pod-name-0123456789')).toHaveLength(15);
  });
});

describe('host-local names', () => {
  it('bridge veths are veth + 8 hex, stable', () => {
    expect(bridgeVethName('default', 'nginx')).toMatch(/^veth[0-9a-f]{8}$/);
    expect(bridgeVethName('default', 'nginx')).toBe(bridgeVethName('default', 'nginx'));
  });

  it('pod MACs are locally administered unicast', () => {
    const first = Number.parseInt(podMac('default', 'nginx').slice(0, 2), 16);
    expect(first & 1).toBe(0);
    expect(first & 2).toBe(2);
  });
});
