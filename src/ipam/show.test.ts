import { describe, expect, it } from 'vitest';
import { reconcileTunnelAddresses } from './node-addresses.js';
import {
  borrowedAddresses,
  formatBorrowed,
  formatG5,
  formatIpamShow,
  formatRoundHalfEven,
  type IpamUsage,
  ipamUsage,
} from './show.js';
import { newIpamFixture, podAttrs } from './testing.js';

describe('Go %.5g', () => {
  it.each([
    [0n, '0'],
    [5n, '5'],
    [64n, '64'],
    [65536n, '65536'],
    [65531n, '65531'],
    [99999n, '99999'],
    [100000n, '1e+05'],
    [1048576n, '1.0486e+06'],
    [16777216n, '1.6777e+07'],
    [123455n, '1.2346e+05'],
    [123465n, '1.2346e+05'],
    [999995n, '1e+06'],
    [2n ** 80n, '1.2089e+24'],
    [2n ** 80n - 7n, '1.2089e+24'],
    [4294967296n, '4.295e+09'],
  ])('%s → %s', (n, want) => {
    expect(formatG5(n)).toBe(want);
  });
});

describe('Go %.f rounds half to even', () => {
  it.each([
    [37.5, '38'],
    [62.5, '62'],
    [2.5, '2'],
    [0.5, '0'],
    [7.8125, '8'],
    [92.1875, '92'],
    [10.9375, '11'],
    [99.98321533203125, '100'],
    [0.0167, '0'],
  ])('%s → %s', (x, want) => {
    expect(formatRoundHalfEven(x)).toBe(want);
  });
});

describe('ipam show table', () => {
  // The calicoctl FV test's table (reference calico.md §1.9), rebuilt from its numbers.
  const fv: IpamUsage = {
    pools: [
      {
        name: 'a',
        cidr: '10.65.0.0/16',
        total: 65536n,
        inUse: 5n,
        blocks: [{ cidr: '10.65.79.0/26', total: 64n, inUse: 5n }],
      },
      {
        name: 'b',
        cidr: '10.66.0.0/16',
        total: 65536n,
        inUse: 11n,
        blocks: [
          { cidr: '10.66.137.224/29', total: 8n, inUse: 8n },
          { cidr: '10.66.137.232/29', total: 8n, inUse: 3n },
        ],
      },
      {
        name: 'c',
        cidr: 'fd5f:abcd:64::/48',
        total: 2n ** 80n,
        inUse: 7n,
        blocks: [{ cidr: 'fd5f:abcd:64:4f2c:ec1b:27b9:1989:77c0/122', total: 64n, inUse: 7n }],
      },
    ],
    orphanBlocks: [],
  };

  it('--show-blocks matches calicoctl verbatim', async () => {
    await expect(formatIpamShow(fv, { showBlocks: true })).toMatchFileSnapshot(
      '__golden__/calicoctl-fv-show-blocks.txt',
    );
  });

  it('without --show-blocks has only pool rows', () => {
    const lines = formatIpamShow(fv).trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => l.startsWith('| Block'))).toEqual([]);
  });

  it('shows the state of a real three-node IPIP cluster', async () => {
    const f = newIpamFixture({
      pools: { 'default-ipv4-ippool': { cidr: '10.244.0.0/16', ipipMode: 'Always' } },
    });
    for (const n of ['node-1', 'node-2', 'node-3']) {
      f.addNode(n);
      reconcileTunnelAddresses(f.ipam, n);
    }
    for (let i = 0; i < 70; i++)
      f.ipam.assign({ node: 'node-1', handleID: `p${i}`, attrs: podAttrs('node-1', `p${i}`) });
    for (let i = 0; i < 3; i++)
      f.ipam.assign({ node: 'node-2', handleID: `q${i}`, attrs: podAttrs('node-2', `q${i}`) });
    const usage = ipamUsage(f.ipam.io.poolObjects(), f.ipam.io.blocks());
    await expect(formatIpamShow(usage, { showBlocks: true })).toMatchFileSnapshot(
      '__golden__/three-nodes-show-blocks.txt',
    );
    await expect(formatIpamShow(usage)).toMatchFileSnapshot('__golden__/three-nodes-show.txt');
  });

  it('--show-borrowed lists addresses taken from other nodes blocks', async () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.0.0.0/26' } } });
    f.addNode('host-a');
    f.addNode('host-b');
    f.ipam.assign({ node: 'host-a', handleID: 'a', attrs: podAttrs('host-a', 'web-a') });
    f.ipam.assign({ node: 'host-b', handleID: 'b', attrs: podAttrs('host-b', 'web-b', 'shop') });
    expect(borrowedAddresses(f.ipam.io.blocks())).toEqual([
      {
        ip: '10.0.0.1',
        borrowingNode: 'host-b',
        block: '10.0.0.0/26',
        blockOwner: 'host-a',
        type: 'pod',
        allocatedTo: 'shop/web-b',
      },
    ]);
    await expect(formatBorrowed(borrowedAddresses(f.ipam.io.blocks()))).toMatchFileSnapshot(
      '__golden__/show-borrowed.txt',
    );
  });
});
