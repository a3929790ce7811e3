import { describe, expect, it } from 'vitest';
import { blockCandidates, startIndex } from './block-picker.js';
import { formatCidr, parseCidr } from './ipv4.js';

function pool(cidr: string, blockSize: number) {
  const c = parseCidr(cidr);
  if (!c) throw new Error(cidr);
  return { cidr: { network: c.network, prefix: c.prefix }, blockSize };
}

function first(
  cidr: string,
  blockSize: number,
  host: string,
  mode: 'calico' | 'sequential' = 'calico',
): string {
  const next = blockCandidates(pool(cidr, blockSize), host, mode).next();
  return next.done ? 'none' : formatCidr(next.value);
}

describe('calico block choice: a node first block (reference calico.md §1.4 table)', () => {
  it.each([
    ['node-1', '192.168.0.0/16', 26, '192.168.84.128/26'],
    ['node-2', '192.168.0.0/16', 26, '192.168.247.0/26'],
    ['node-3', '192.168.0.0/16', 26, '192.168.139.64/26'],
    ['kind-control-plane', '192.168.0.0/16', 26, '192.168.82.0/26'],
    ['kind-worker', '192.168.0.0/16', 26, '192.168.162.128/26'],
    ['minikube', '192.168.0.0/16', 26, '192.168.120.64/26'],
    ['host-a', '192.168.0.0/16', 26, '192.168.54.0/26'],
    ['host-b', '192.168.0.0/16', 26, '192.168.195.128/26'],
    ['node-1', '10.244.0.0/16', 26, '10.244.84.128/26'],
    ['node-2', '10.244.0.0/16', 26, '10.244.247.0/26'],
    ['minikube', '10.244.0.0/16', 26, '10.244.120.64/26'],
    ['node-1', '10.244.0.0/16', 24, '10.244.25.0/24'],
    ['node-2', '10.244.0.0/16', 24, '10.244.5.0/24'],
    ['node-3', '10.244.0.0/16', 24, '10.244.45.0/24'],
    ['node-1', '10.0.0.0/24', 26, '10.0.0.128/26'],
    ['node-2', '10.0.0.0/24', 26, '10.0.0.0/26'],
    ['kind-worker', '10.0.0.0/24', 26, '10.0.0.128/26'],
    ['wrap-node', '10.0.0.0/24', 30, '10.0.0.168/30'],
    ['testnode', '10.0.0.0/24', 30, '10.0.0.148/30'],
    ['host1', '10.0.0.0/28', 30, '10.0.0.12/30'],
    ['host2', '10.0.0.0/28', 30, '10.0.0.4/30'],
    ['test-host', '192.168.1.0/24', 26, '192.168.1.128/26'],
  ] as const)('%s in %s /%i → %s', (host, cidr, size, want) => {
    expect(first(cidr, size, host)).toBe(want);
  });
});

describe('probe order', () => {
  it('walks every block once, from the start index, wrapping (calicoctl FV: consecutive blocks)', () => {
    const all = [...blockCandidates(pool('10.0.0.0/24', 26), 'node-1', 'calico')].map(formatCidr);
    expect(all).toEqual(['10.0.0.128/26', '10.0.0.192/26', '10.0.0.0/26', '10.0.0.64/26']);
  });

  it('sequential mode starts every node at the first block', () => {
    expect(startIndex(pool('10.244.0.0/16', 26), 'node-1', 'sequential')).toBe(0);
    const all = [...blockCandidates(pool('10.244.0.0/24', 26), 'anything', 'sequential')].map(formatCidr);
    expect(all).toEqual(['10.244.0.0/26', '10.244.0.64/26', '10.244.0.128/26', '10.244.0.192/26']);
  });

  it('a pool of one block always yields it', () => {
    expect(first('10.9.0.0/26', 26, 'node-1')).toBe('10.9.0.0/26');
  });
});
