import { describe, expect, it } from 'vitest';
import type { Node, Typed } from '../api/types.js';
import { newFixture } from '../controllers/runtime/testing.js';
import { CidrSet, HostLocalRange, NO_CIDRS_REMAINING } from './host-local.js';
import { type Cidr, formatCidr, formatIPv4, parseCidr } from './ipv4.js';
import { NodeIpamController } from './node-ipam-controller.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(text);
  return { network: c.network, prefix: c.prefix };
}

function take(set: CidrSet): string {
  const got = set.allocateNext();
  return typeof got === 'string' ? got : formatCidr(got);
}

describe('CidrSet (node IPAM, cidr_set.go)', () => {
  it('hands out /24s of the cluster CIDR in order', () => {
    const set = new CidrSet(cidr('10.244.0.0/16'));
    expect([take(set), take(set), take(set)]).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
  });

  it('does not reuse a released CIDR until the scan wraps (round robin)', () => {
    const set = new CidrSet(cidr('10.0.0.0/22'), 24);
    expect(take(set)).toBe('10.0.0.0/24');
    expect(take(set)).toBe('10.0.1.0/24');
    set.release(cidr('10.0.0.0/24'));
    expect(take(set)).toBe('10.0.2.0/24');
    expect(take(set)).toBe('10.0.3.0/24');
    expect(take(set)).toBe('10.0.0.0/24');
    expect(take(set)).toBe(NO_CIDRS_REMAINING);
  });

  it('skips occupied CIDRs (existing podCIDRs, an overlapping service range)', () => {
    const set = new CidrSet(cidr('10.0.0.0/22'), 24);
    set.occupy(cidr('10.0.0.0/23'));
    expect(take(set)).toBe('10.0.2.0/24');
  });
});

describe('HostLocalRange (host-local allocator)', () => {
  it('keeps .1 for the bridge and starts at .2', () => {
    const r = new HostLocalRange(cidr('10.244.1.0/24'));
    expect(formatIPv4(r.gateway)).toBe('10.244.1.1');
    expect([r.allocate('a'), r.allocate('b')].map((ip) => formatIPv4(ip as number))).toEqual([
      '10.244.1.2',
      '10.244.1.3',
    ]);
    expect(r.allocate('a')).toBe(r.allocate('a'));
  });

  it('never allocates the broadcast address (allocator_test, /29: .2…​.6 then error)', () => {
    const r = new HostLocalRange(cidr('192.168.1.0/29'));
    const got = ['a', 'b', 'c', 'd', 'e'].map((id) => formatIPv4(r.allocate(id) as number));
    expect(got).toEqual(['192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5', '192.168.1.6']);
    expect(r.allocate('f')).toBe(
      'failed to allocate for range 0: no IP addresses available in range set: 192.168.1.1-192.168.1.6',
    );
  });

  it('allocates round robin: a released address is not the next one', () => {
    const r = new HostLocalRange(cidr('10.244.1.0/24'));
    r.allocate('a');
    r.release('a');
    expect(formatIPv4(r.allocate('b') as number)).toBe('10.244.1.3');
  });

  it('wraps to the lowest free address after the end of the range', () => {
    const r = new HostLocalRange(cidr('192.168.1.0/29'));
    for (const id of ['a', 'b', 'c', 'd', 'e']) r.allocate(id);
    r.release('b');
    expect(formatIPv4(r.allocate('f') as number)).toBe('192.168.1.3');
  });

  it('rejects /31 and /32', () => {
    expect(() => new HostLocalRange(cidr('10.0.0.0/31'))).toThrow(
      'Network 10.0.0.0/31 too small to allocate from',
    );
  });
});

describe('NodeIpamController', () => {
  it('sets spec.podCIDR(s) on nodes in the order it sees them, releases deleted ones', async () => {
    const f = newFixture();
    const nodes = ['control-plane', 'worker-1'].map((name) =>
      f.registry.create<Typed<Node>>({ apiVersion: 'v1', kind: 'Node', metadata: { name } }),
    );
    const controller = new NodeIpamController({
      registry: f.registry,
      clock: f.clock,
      logger: f.logger,
      clusterCidr: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
    });
    controller.start(new AbortController().signal);
    await controller.whenIdle();
    const specs = nodes.map((n) => f.store.get<Typed<Node>>('nodes', undefined, n.metadata.name ?? '')?.spec);
    expect(specs).toEqual([
      { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
      { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
    ]);
    f.registry.create<Typed<Node>>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-2' } });
    await controller.whenIdle();
    expect(controller.podCidrOf('worker-2')).toBe('10.244.2.0/24');
    await controller.stop();
  });

  it('records CIDRNotAvailable when the cluster CIDR is full', async () => {
    const f = newFixture();
    const controller = new NodeIpamController({
      registry: f.registry,
      clock: f.clock,
      logger: f.logger,
      clusterCidr: '10.244.0.0/24',
      serviceSubnet: '10.96.0.0/12',
      events: f.events,
    });
    f.registry.create<Typed<Node>>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } });
    f.registry.create<Typed<Node>>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' } });
    controller.start(new AbortController().signal);
    await controller.whenIdle();
    expect(controller.podCidrOf('a')).toBe('10.244.0.0/24');
    expect(controller.podCidrOf('b')).toBeUndefined();
    expect(f.eventLines()).toEqual(['Normal CIDRNotAvailable Node b status is now: CIDRNotAvailable']);
    await controller.stop();
  });
});
