import { describe, expect, it } from 'vitest';
import { parseCidr, parseIPv4 } from '../ipam/ipv4.js';
import { masqueradesOutgoing, type NatPool } from './nat-outgoing.js';
import { NetworkReadModel } from './network-model.js';
import { newCniFixture } from './testing.js';

function pool(cidr: string, natOutgoing: boolean): NatPool {
  const c = parseCidr(cidr);
  if (!c) throw new Error(cidr);
  return { cidr: { network: c.network, prefix: c.prefix }, natOutgoing };
}

const POOLS = [pool('10.244.0.0/16', true), pool('10.10.0.0/16', false)];

describe('masqueradesOutgoing (cali-nat-outgoing)', () => {
  it.each([
    { name: 'pod to another node address', src: '10.244.1.9', dst: '172.18.0.3', want: true },
    { name: 'pod to the internet', src: '10.244.1.9', dst: '8.8.8.8', want: true },
    { name: 'pod to a pod of its pool', src: '10.244.1.9', dst: '10.244.2.7', want: false },
    { name: 'pod to a pod of another pool', src: '10.244.1.9', dst: '10.10.0.5', want: false },
    { name: 'pod of a pool without natOutgoing', src: '10.10.0.5', dst: '172.18.0.3', want: false },
    { name: 'a node address is in no pool', src: '172.18.0.2', dst: '172.18.0.3', want: false },
  ])('$name: $want', ({ src, dst, want }) => {
    expect(masqueradesOutgoing(POOLS, parseIPv4(src) as number, parseIPv4(dst) as number)).toBe(want);
  });

  it('no pools: nothing is masqueraded', () => {
    expect(masqueradesOutgoing([], parseIPv4('10.244.1.9') as number, parseIPv4('8.8.8.8') as number)).toBe(
      false,
    );
  });
});

describe('NetworkReadModel.natOutgoing', () => {
  it("follows the IPPools' natOutgoing through the store sync", () => {
    const f = newCniFixture({
      nodeSubnet: '172.18.0.0/16',
      pools: { 'default-ipv4-ippool': { cidr: '192.168.0.0/16', natOutgoing: true } },
    });
    expect(f.model.natOutgoing('192.168.84.129', '172.18.0.3')).toBe(true);
    expect(f.model.natOutgoing('192.168.84.129', '192.168.247.1')).toBe(false);
    expect(f.model.natOutgoing('not an address', '172.18.0.3')).toBe(false);
    const stored = f.ipam.io.poolObjects()[0];
    if (!stored) throw new Error('no pool');
    f.registry.update({ ...stored, spec: { ...stored.spec, natOutgoing: false } });
    expect(f.model.natOutgoing('192.168.84.129', '172.18.0.3')).toBe(false);
  });

  it('host-local: pods of any podCIDR to addresses in none', () => {
    const m = new NetworkReadModel({ mode: 'host-local', nodeSubnet: '127.0.10.0/24' });
    m.upsertNode('worker-1', { address: '127.0.10.2', podCIDR: '10.244.1.0/24' });
    m.upsertNode('worker-2', { address: '127.0.10.3', podCIDR: '10.244.2.0/24' });
    expect(m.natOutgoing('10.244.1.2', '127.0.10.3')).toBe(true);
    expect(m.natOutgoing('10.244.1.2', '10.244.2.2')).toBe(false);
    expect(m.natOutgoing('127.0.10.2', '127.0.10.3')).toBe(false);
  });
});
