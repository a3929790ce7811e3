import { describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKey } from '../api/resources.js';
import { silentLogger } from '../log/index.js';
import { CalicoNodeController } from './calico-node-controller.js';
import { EmptyBlockCollector, reconcileTunnelAddresses, releaseNode } from './node-addresses.js';
import { newIpamFixture, podAttrs } from './testing.js';

function pod(f: ReturnType<typeof newIpamFixture>, node: string, name: string): string {
  return f.ipam.assign({
    node,
    handleID: `k8s-pod-network.${name}`,
    attrs: podAttrs(node, name),
  })[0] as string;
}

function blocksOf(f: ReturnType<typeof newIpamFixture>): [string, string | null][] {
  return f.ipam.io.blocks().map((b) => [b.spec.cidr, b.spec.affinity]);
}

describe('releaseNode', () => {
  it('releases pods and tunnel of the node, deletes its empty blocks and affinities', () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.244.0.0/16', ipipMode: 'Always' } } });
    f.addNode('node-1');
    reconcileTunnelAddresses(f.ipam, 'node-1');
    pod(f, 'node-1', 'a');
    expect(releaseNode(f.ipam, 'node-1')).toEqual({ handles: 2, blocks: 1 });
    expect(blocksOf(f)).toEqual([]);
    expect(f.ipam.io.affinities()).toEqual([]);
    expect(f.ipam.io.handles()).toEqual([]);
    expect(f.invariants()).toEqual([]);
  });

  it('a block still holding another node borrowed address loses its affinity and goes once emptied', () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.0.0.0/26' } } });
    f.addNode('host-a');
    f.addNode('host-b');
    pod(f, 'host-a', 'a');
    const borrowed = pod(f, 'host-b', 'b');
    releaseNode(f.ipam, 'host-a');
    expect(blocksOf(f)).toEqual([['10.0.0.0/26', null]]);
    expect(f.invariants()).toEqual([]);
    f.ipam.releaseByHandle('k8s-pod-network.b');
    expect(blocksOf(f)).toEqual([]);
    expect(borrowed).toBe('10.0.0.1');
    expect(f.invariants()).toEqual([]);
  });
});

describe('reconcileTunnelAddresses', () => {
  it('follows the pools: IPIP pool removed → the tunnel address is released', () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.244.0.0/16', ipipMode: 'Always' } } });
    f.addNode('node-1');
    expect(reconcileTunnelAddresses(f.ipam, 'node-1')).toEqual({ ipip: '10.244.84.128' });
    const pool = f.ipam.io.poolObjects()[0];
    if (!pool) throw new Error('no pool');
    f.registry.update({ ...pool, spec: { ...pool.spec, ipipMode: 'Never' } });
    expect(reconcileTunnelAddresses(f.ipam, 'node-1')).toEqual({});
    expect(f.ipam.ipsByHandle('ipip-tunnel-addr-node-1')).toEqual([]);
    expect(f.invariants()).toEqual([]);
  });

  it('only pools whose nodeSelector matches give a tunnel address', () => {
    const f = newIpamFixture({
      pools: { p: { cidr: '10.244.0.0/16', vxlanMode: 'Always', nodeSelector: "tunnel == 'yes'" } },
    });
    f.addNode('plain');
    f.addNode('tunnelled', { labels: { tunnel: 'yes' } });
    expect(reconcileTunnelAddresses(f.ipam, 'plain')).toEqual({});
    expect(reconcileTunnelAddresses(f.ipam, 'tunnelled').vxlan).toMatch(/^10\.244\./);
  });
});

describe('EmptyBlockCollector', () => {
  it('releases a block empty for the grace period, never the node last one', () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.0.0.0/24', blockSize: 30 } } });
    f.addNode('node-1');
    const names = Array.from({ length: 9 }, (_, i) => `p${i}`);
    for (const n of names) pod(f, 'node-1', n); // 3 blocks of 4
    for (const n of names) f.ipam.releaseByHandle(`k8s-pod-network.${n}`);
    expect(f.ipam.io.blocks()).toHaveLength(3);
    const gc = new EmptyBlockCollector({ ipam: f.ipam, clock: f.clock, gracePeriodMs: 60_000 });
    expect(gc.collect()).toEqual([]);
    f.clock.step(30_000);
    expect(gc.collect()).toEqual([]);
    f.clock.step(30_000);
    expect(gc.collect()).toHaveLength(2);
    expect(f.ipam.io.blocks()).toHaveLength(1);
    expect(f.ipam.io.affinitiesOf('node-1')).toHaveLength(1);
    f.clock.step(3_600_000);
    expect(gc.collect()).toEqual([]);
    expect(f.invariants()).toEqual([]);
  });

  it('forgets a block that filled up again', () => {
    const f = newIpamFixture({ pools: { p: { cidr: '10.0.0.0/24', blockSize: 30 } } });
    f.addNode('node-1');
    for (let i = 0; i < 5; i++) pod(f, 'node-1', `p${i}`);
    f.ipam.releaseByHandle('k8s-pod-network.p4'); // second block now empty
    const gc = new EmptyBlockCollector({ ipam: f.ipam, clock: f.clock, gracePeriodMs: 1000 });
    gc.collect();
    pod(f, 'node-1', 'again');
    f.clock.step(5000);
    expect(gc.collect()).toEqual([]);
  });
});

describe('CalicoNodeController', () => {
  it('creates the default pool, gives new nodes tunnel addresses, releases deleted nodes', async () => {
    const f = newIpamFixture();
    const controller = new CalicoNodeController({
      ipam: f.ipam,
      store: f.store,
      clock: f.clock,
      logger: silentLogger(),
      networking: {
        podSubnet: '10.244.0.0/16',
        ipam: {
          type: 'calico',
          blockSize: 26,
          blockSelection: 'calico',
          encapsulation: 'IPIP',
          strictAffinity: false,
        },
      },
    });
    const abort = new AbortController();
    controller.start(abort.signal);
    f.addNode('node-1');
    await controller.whenIdle();
    expect(f.ipam.ipsByHandle('ipip-tunnel-addr-node-1')).toEqual(['10.244.84.128']);
    f.registry.delete(resourceForKey('nodes') as ResourceInfo, undefined, 'node-1');
    await controller.whenIdle();
    expect(f.ipam.io.handles()).toEqual([]);
    expect(f.ipam.io.blocks()).toEqual([]);
    await controller.stop();
  });
});
