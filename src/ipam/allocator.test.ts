import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { FakeClock } from '../util/clock.js';
import { CalicoIpam } from './allocator.js';
import { AssignIPError, BlockLimitError, NoQualifiedPoolError, PoolExhaustedError } from './errors.js';
import { memoryBackend } from './memory-backend.js';
import { reconcileTunnelAddresses } from './node-addresses.js';
import type { IPAMBlock } from './objects.js';
import {
  BLOCK_AFFINITIES_KEY,
  type BlockAffinity,
  IPAM_HANDLES_KEY,
  type IPAMHandle,
  type IPPool,
} from './objects.js';
import { newIpamFixture, podAttrs } from './testing.js';

const ipip = (cidr: string, blockSize = 26) => ({ cidr, blockSize, ipipMode: 'Always' as const });
const plain = (cidr: string, blockSize = 26) => ({ cidr, blockSize });

function assignPod(f: ReturnType<typeof newIpamFixture>, node: string, pod: string): string {
  const [ip] = f.ipam.assign({ node, handleID: `k8s-pod-network.${pod}`, attrs: podAttrs(node, pod) });
  expect(f.invariants()).toEqual([]);
  return ip as string;
}

describe('block choice', () => {
  it.each([
    { mode: 'calico' as const, want: ['10.244.84.128', '10.244.247.0', '10.244.139.64'] },
    { mode: 'sequential' as const, want: ['10.244.0.0', '10.244.0.64', '10.244.0.128'] },
  ])('$mode: first pod of node-1..3 in 10.244.0.0/16 (no encapsulation)', ({ mode, want }) => {
    const f = newIpamFixture({ blockSelection: mode, pools: { default: plain('10.244.0.0/16') } });
    for (const n of ['node-1', 'node-2', 'node-3']) f.addNode(n);
    expect(['node-1', 'node-2', 'node-3'].map((n) => assignPod(f, n, `${n}-a`))).toEqual(want);
  });

  it('a node whose start block is taken gets the next one (node-2 then node-3 in 10.0.0.0/24)', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    f.addNode('node-2');
    f.addNode('node-3');
    expect(assignPod(f, 'node-2', 'a')).toBe('10.0.0.0');
    expect(assignPod(f, 'node-3', 'b')).toBe('10.0.0.64');
  });

  it('hands out ordinals in order, and a node claims its next block when full', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    f.addNode('node-1');
    const ips = Array.from({ length: 65 }, (_, i) => assignPod(f, 'node-1', `p${i}`));
    expect(ips.slice(0, 3)).toEqual(['10.0.0.128', '10.0.0.129', '10.0.0.130']);
    expect(ips[63]).toBe('10.0.0.191');
    expect(ips[64]).toBe('10.0.0.192');
    const affinities = f.store
      .list<BlockAffinity>(BLOCK_AFFINITIES_KEY)
      .map((a) => [a.metadata.name, a.spec.state]);
    expect(affinities).toEqual([
      ['node-1-10-0-0-128-26', 'confirmed'],
      ['node-1-10-0-0-192-26', 'confirmed'],
    ]);
  });

  it('257 addresses from a /24 of /26 blocks: all 256, then "No IPs available in pools" (ipam_test "257 v4 0 v6")', () => {
    const f = newIpamFixture({ pools: { p: plain('192.168.1.0/24') } });
    f.addNode('test-host');
    const got = f.ipam.autoAssign({ node: 'test-host', handleID: 'h', attrs: {}, num: 257 });
    expect(got.ips).toHaveLength(256);
    expect(got.ips).toEqual(
      expect.arrayContaining(['192.168.1.0', '192.168.1.63', '192.168.1.64', '192.168.1.255']),
    );
    expect(got.msgs).toEqual(['No IPs available in pools: [192.168.1.0/24]']);
    expect(f.invariants()).toEqual([]);
  });
});

describe('tunnel address first', () => {
  it.each([
    {
      enc: 'ipip',
      pool: ipip('10.244.0.0/16'),
      handle: 'ipip-tunnel-addr-node-1',
      type: 'ipipTunnelAddress',
    },
    {
      enc: 'vxlan',
      pool: { cidr: '10.244.0.0/16', vxlanMode: 'Always' as const },
      handle: 'vxlan-tunnel-addr-node-1',
      type: 'vxlanTunnelAddress',
    },
  ])('$enc: the tunnel takes ordinal 0, the first pod ordinal 1', ({ pool, handle, type }) => {
    const f = newIpamFixture({ pools: { default: pool } });
    f.addNode('node-1');
    expect(reconcileTunnelAddresses(f.ipam, 'node-1')).toEqual({
      [handle.split('-')[0] as string]: '10.244.84.128',
    });
    expect(assignPod(f, 'node-1', 'nginx')).toBe('10.244.84.129');
    const block = f.ipam.io.loadBlock({ network: (10 << 24) + (244 << 16) + (84 << 8) + 128, prefix: 26 });
    expect(block?.block.attributeOf(block.block.ipOf(0))).toEqual({
      handle_id: handle,
      secondary: { node: 'node-1', type },
    });
    expect(reconcileTunnelAddresses(f.ipam, 'node-1')).toEqual({
      [handle.split('-')[0] as string]: '10.244.84.128',
    });
  });

  it('no encapsulation: no tunnel address, the first pod gets ordinal 0', () => {
    const f = newIpamFixture({ pools: { default: plain('10.244.0.0/16') } });
    f.addNode('node-1');
    expect(reconcileTunnelAddresses(f.ipam, 'node-1')).toEqual({});
    expect(assignPod(f, 'node-1', 'nginx')).toBe('10.244.84.128');
  });
});

describe('borrowing and strictAffinity', () => {
  // One block in the pool: host-a claims it, host-b has no free block left.
  const onlyBlock = { p: plain('10.0.0.0/26') };

  it('borrows from another node block when strictAffinity is false', () => {
    const f = newIpamFixture({ pools: onlyBlock });
    f.addNode('host-a');
    f.addNode('host-b');
    expect(assignPod(f, 'host-a', 'a')).toBe('10.0.0.0');
    expect(assignPod(f, 'host-b', 'b')).toBe('10.0.0.1');
    expect(f.ipam.isAffine('host-a', '10.0.0.1')).toBe(true);
  });

  it('refuses with strictAffinity and says why', () => {
    const f = newIpamFixture({ pools: onlyBlock, strictAffinity: true });
    f.addNode('host-a');
    f.addNode('host-b');
    assignPod(f, 'host-a', 'a');
    const before = f.store.resourceVersion;
    expect(() => f.ipam.assign({ node: 'host-b', handleID: 'b', attrs: {} })).toThrow(
      new PoolExhaustedError(0, 1, ['No more free affine blocks and strict affinity enabled']),
    );
    expect(() => f.ipam.assign({ node: 'host-b', handleID: 'b', attrs: {} })).toThrow(
      'Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks and strict affinity enabled',
    );
    expect(f.store.resourceVersion).toBe(before);
  });

  it('reports the exhausted pool when even borrowing finds nothing', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/30', 30) } });
    f.addNode('host-a');
    for (let i = 0; i < 4; i++) assignPod(f, 'host-a', `p${i}`);
    expect(() => f.ipam.assign({ node: 'host-a', handleID: 'x', attrs: {} })).toThrow(
      'Assigned 0 out of 1 requested IPv4 addresses; No IPs available in pools: [10.0.0.0/30]',
    );
  });
});

describe('maxBlocksPerHost', () => {
  it('stops at the limit without borrowing (ipam_test "should respect MaxBlocksPerHost")', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') }, maxBlocksPerHost: 1 });
    f.addNode('node-1');
    for (let i = 0; i < 64; i++) assignPod(f, 'node-1', `p${i}`);
    const err = (() => {
      try {
        f.ipam.assign({ node: 'node-1', handleID: 'x', attrs: {} });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BlockLimitError);
    expect((err as BlockLimitError).message).toBe('cannot allocate new block due to per host block limit');
    expect((err as BlockLimitError).detail).toBe(
      'Need to allocate an IPAM block but could not - limit of 1 blocks reached for this node',
    );
  });

  it('defaults to 20 blocks', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/16', 30) } });
    expect(f.ipam.settings.maxBlocksPerHost).toBe(20);
    f.addNode('node-1');
    for (let i = 0; i < 80; i++) assignPod(f, 'node-1', `p${i}`);
    expect(() => f.ipam.assign({ node: 'node-1', handleID: 'x', attrs: {} })).toThrow(BlockLimitError);
  });
});

describe('release', () => {
  it('keeps an empty affine block and its affinity; the next pod gets the next ordinal', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    f.addNode('node-1');
    assignPod(f, 'node-1', 'a');
    expect(f.ipam.releaseByHandle('k8s-pod-network.a')).toBe(1);
    expect(f.ipam.io.blocks()).toHaveLength(1);
    expect(f.store.list<IPAMHandle>(IPAM_HANDLES_KEY)).toEqual([]);
    expect(assignPod(f, 'node-1', 'b')).toBe('10.0.0.129');
    expect(f.invariants()).toEqual([]);
  });

  it('is idempotent for unknown handles', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    expect(f.ipam.releaseByHandle('nope')).toBe(0);
  });

  it('releaseIPs reports addresses that were not allocated', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    f.addNode('node-1');
    const ip = assignPod(f, 'node-1', 'a');
    expect(f.ipam.releaseIPs([{ ip }, { ip: '10.0.0.5' }, { ip: '172.16.0.1' }]).sort()).toEqual([
      '10.0.0.5',
      '172.16.0.1',
    ]);
    expect(f.ipam.ipsByHandle('k8s-pod-network.a')).toEqual([]);
    expect(f.invariants()).toEqual([]);
  });

  it('releaseIPs with the wrong handle changes nothing', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24') } });
    f.addNode('node-1');
    const ip = assignPod(f, 'node-1', 'a');
    expect(() => f.ipam.releaseIPs([{ ip, handle: 'other' }])).toThrow('Handle other does not match');
    expect(f.ipam.ipsByHandle('k8s-pod-network.a')).toEqual([ip]);
  });
});

describe('assignIP (annotation cni.projectcalico.org/ipAddrs)', () => {
  it('assigns the address, claiming its block for the node', () => {
    const f = newIpamFixture({ pools: { p: plain('10.244.0.0/16') } });
    f.addNode('node-1');
    f.ipam.assignIP({ ip: '10.244.7.7', node: 'node-1', handleID: 'h', attrs: podAttrs('node-1', 'fixed') });
    expect(f.ipam.ipsByHandle('h')).toEqual(['10.244.7.7']);
    expect(f.ipam.isAffine('node-1', '10.244.7.7')).toBe(true);
    expect(f.invariants()).toEqual([]);
  });

  it.each([
    {
      name: 'outside every pool',
      ip: '192.168.9.9',
      want: 'The provided IP address is not in a configured pool',
    },
    { name: 'not an address', ip: 'nope', want: 'The provided IP address is not in a configured pool' },
    { name: 'in use', ip: '10.244.84.128', want: 'Address already assigned in block' },
  ])('$name', ({ ip, want }) => {
    const f = newIpamFixture({ pools: { p: plain('10.244.0.0/16') } });
    f.addNode('node-1');
    assignPod(f, 'node-1', 'a');
    const before = f.store.resourceVersion;
    expect(() => f.ipam.assignIP({ ip, node: 'node-1', handleID: 'h', attrs: {} })).toThrow(
      new AssignIPError(ip, want),
    );
    expect(f.store.resourceVersion).toBe(before);
  });
});

describe('which pools a request may use (§1.3)', () => {
  const pools = {
    'pool-a': { cidr: '10.1.0.0/16', nodeSelector: "zone == 'a'" },
    'pool-b': { cidr: '10.2.0.0/16', nodeSelector: "zone == 'b'" },
    'pool-manual': { cidr: '10.3.0.0/16', assignmentMode: 'Manual' as const },
    'pool-tunnel': { cidr: '10.4.0.0/16', nodeSelector: "zone == 'c'", allowedUses: ['Tunnel' as const] },
  };

  it.each([
    { name: 'node selector picks pool-a', zone: 'a', req: {}, want: /^10\.1\./ },
    { name: 'node selector picks pool-b', zone: 'b', req: {}, want: /^10\.2\./ },
    {
      name: 'requested pool by name ignores selectors',
      zone: 'a',
      req: { pools: ['pool-b'] },
      want: /^10\.2\./,
    },
    { name: 'requested pool by CIDR', zone: 'a', req: { pools: ['10.3.0.0/16'] }, want: /^10\.3\./ },
  ])('$name', ({ zone, req, want }) => {
    const f = newIpamFixture({ pools });
    f.addNode('n', { labels: { zone } });
    const [ip] = f.ipam.assign({ node: 'n', handleID: 'h', attrs: {}, ...req });
    expect(ip).toMatch(want);
  });

  it.each([
    { name: 'no pool selects the node', zone: 'z', req: {}, want: 'no configured Calico pools for node n' },
    {
      name: 'no pool allows the use',
      zone: 'c',
      req: {},
      want: 'cannot find a qualified ippool, no pools match the required use (Workload)',
    },
    {
      name: 'requested pool does not exist',
      zone: 'a',
      req: { pools: ['10.9.0.0/16'] },
      want: 'the given pool (10.9.0.0/16) does not exist, or is not enabled',
    },
  ])('$name', ({ zone, req, want }) => {
    const f = newIpamFixture({ pools });
    f.addNode('n', { labels: { zone } });
    expect(() => f.ipam.assign({ node: 'n', handleID: 'h', attrs: {}, ...req })).toThrow(
      new NoQualifiedPoolError(want),
    );
  });

  it('no pool at all', () => {
    const f = newIpamFixture();
    f.addNode('n');
    expect(() => f.ipam.assign({ node: 'n', handleID: 'h', attrs: {} })).toThrow(
      'cannot find a qualified ippool',
    );
  });
});

describe('default pool', () => {
  it('is created from the topology once, with Calico defaults', () => {
    const f = newIpamFixture();
    const networking = {
      podSubnet: '10.244.0.0/16',
      ipam: {
        type: 'calico',
        blockSize: 26,
        blockSelection: 'calico',
        encapsulation: 'IPIP',
        strictAffinity: false,
      },
    } as const;
    const pool = f.ipam.ensureDefaultPool(networking);
    expect(pool?.metadata.name).toBe('default-ipv4-ippool');
    expect(pool?.spec).toEqual({
      cidr: '10.244.0.0/16',
      blockSize: 26,
      ipipMode: 'Always',
      vxlanMode: 'Never',
      natOutgoing: true,
      nodeSelector: 'all()',
      allowedUses: ['Workload', 'Tunnel'],
    });
    expect(f.ipam.ensureDefaultPool(networking)).toBeUndefined();
  });
});

describe('backends', () => {
  it('the memory backend allocates exactly as the Registry backend', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24', 28) } });
    const mem = new CalicoIpam({ objects: memoryBackend(), clock: f.clock, logger: silentLogger() });
    mem.io.createPool(f.ipam.io.poolObjects()[0] as IPPool);
    for (const n of ['node-1', 'node-2']) f.addNode(n);
    const script = (ipam: CalicoIpam) => {
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        const node = i % 3 === 0 ? 'node-2' : 'node-1';
        out.push(...ipam.assign({ node, handleID: `h${i}`, attrs: podAttrs(node, `p${i}`) }));
        if (i % 4 === 1) ipam.releaseByHandle(`h${i - 1}`);
      }
      return out;
    };
    expect(script(mem)).toEqual(script(f.ipam));
    const specs = (ipam: CalicoIpam) => ipam.io.blocks().map((b) => b.spec);
    expect(specs(mem)).toEqual(specs(f.ipam));
    expect(mem.io.handles().map((h) => h.spec)).toEqual(f.ipam.io.handles().map((h) => h.spec));
  });

  it('the memory backend rolls a failed operation back', () => {
    const clock = new FakeClock();
    const mem = new CalicoIpam({
      objects: memoryBackend(),
      clock,
      logger: silentLogger(),
      strictAffinity: true,
    });
    mem.io.createPool({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'p' },
      spec: plain('10.0.0.0/26'),
    });
    mem.assign({ node: 'a', handleID: 'a', attrs: {} });
    const before = JSON.stringify([mem.io.blocks(), mem.io.handles(), mem.io.affinities()]);
    expect(() => mem.assign({ node: 'b', handleID: 'b', attrs: {} })).toThrow(PoolExhaustedError);
    expect(JSON.stringify([mem.io.blocks(), mem.io.handles(), mem.io.affinities()])).toBe(before);
  });
});

describe('hand-edited blocks', () => {
  it('leaves a block it cannot read alone and allocates from the next one', () => {
    const f = newIpamFixture({ pools: { p: plain('10.0.0.0/24', 26) }, blockSelection: 'sequential' });
    f.addNode('node-1');
    expect(f.ipam.assign({ node: 'node-1', handleID: 'a', attrs: {} })).toEqual(['10.0.0.0']);
    const stored = f.ipam.io.blocks()[0] as IPAMBlock;
    // A free ordinal outside the block (Calico's allocator would panic on it).
    f.registry.update({ ...stored, spec: { ...stored.spec, unallocated: [...stored.spec.unallocated, 64] } });
    expect(f.ipam.assign({ node: 'node-1', handleID: 'b', attrs: {} })).toEqual(['10.0.0.64']);
    expect(f.invariants()).toContain('block 10-0-0-0-26: cannot be read (cidr 10.0.0.0/26)');
  });
});

describe('debug log of assignments', () => {
  it('follows the logger level as it changes', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', base: null }, { write: (line: string) => lines.push(line) });
    const ipam = new CalicoIpam({ objects: memoryBackend(), clock: new FakeClock(), logger });
    ipam.io.createPool({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'p' },
      spec: plain('10.0.0.0/24'),
    });
    const assigned = () => lines.filter((l) => l.includes('"msg":"Assigned"')).length;
    ipam.assign({ node: 'a', handleID: 'h0', attrs: {} });
    expect(assigned()).toBe(0);
    logger.level = 'debug';
    ipam.assign({ node: 'a', handleID: 'h1', attrs: {} });
    expect(assigned()).toBe(1);
    expect(lines.at(-1)).toContain('"handle":"h1"');
    logger.level = 'warn';
    ipam.assign({ node: 'a', handleID: 'h2', attrs: {} });
    expect(assigned()).toBe(1);
  });
});
