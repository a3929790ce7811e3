import { describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKey } from '../api/resources.js';
import { reconcileTunnelAddresses, releaseNode } from '../ipam/node-addresses.js';
import { nodeRoutesText } from './extension.js';
import { renderRoute } from './routes.js';
import { type CniFixture, pod, referenceCluster } from './testing.js';

/** node-1 runs default/nginx and default/busybox; node-2 runs default/web-1 (reference calico.md §2.4). */
function setUp(f: CniFixture, tunnels: boolean): void {
  if (tunnels) for (const n of ['node-1', 'node-2']) reconcileTunnelAddresses(f.ipam, n);
  f.plugin.setUp(pod('nginx'), 'node-1');
  f.plugin.setUp(pod('busybox'), 'node-1');
  f.plugin.setUp(pod('web-1'), 'node-2');
}

describe('node routes per encapsulation (golden, reference calico.md §2.4 verbatim)', () => {
  it.each([
    { name: 'IPIP Always + BGP', pool: { ipipMode: 'Always' as const }, golden: 'ipip-node-1.routes.txt' },
    {
      name: 'VXLAN Always (Felix)',
      pool: { vxlanMode: 'Always' as const },
      golden: 'vxlan-node-1.routes.txt',
    },
    { name: 'no encapsulation + BGP', pool: {}, golden: 'none-node-1.routes.txt' },
  ])('$name', async ({ pool, golden }) => {
    const f = referenceCluster(pool);
    setUp(f, pool !== undefined && Object.keys(pool).length > 0);
    await expect(nodeRoutesText(f.model, 'node-1')).toMatchFileSnapshot(`__golden__/${golden}`);
  });

  it('the other node sees node-1 block the same way', () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    setUp(f, true);
    const lines = nodeRoutesText(f.model, 'node-2')?.split('\n') ?? [];
    expect(lines).toContain('192.168.84.128/26 via 172.18.0.2 dev tunl0 proto bird onlink');
    expect(lines).toContain('blackhole 192.168.247.0/26 proto bird');
    expect(lines).toContain('192.168.247.1 dev cali0761ccbeace scope link');
  });
});

describe('borrowed addresses (reference §2.4)', () => {
  it.each([
    {
      name: 'IPIP',
      pool: { ipipMode: 'Always' as const },
      want: '192.168.84.131 via 172.18.0.3 dev tunl0 proto bird onlink',
    },
    {
      name: 'VXLAN',
      pool: { vxlanMode: 'Always' as const },
      want: '192.168.84.131 via 192.168.247.0 dev vxlan.calico onlink',
    },
  ])('$name: the block owner routes the borrowed /32 to the borrower', ({ pool, want }) => {
    const f = referenceCluster(pool);
    setUp(f, true);
    f.plugin.setUp(
      pod('web-2', { annotations: { 'cni.projectcalico.org/ipAddrs': '["192.168.84.131"]' } }),
      'node-2',
    );
    const node1 = nodeRoutesText(f.model, 'node-1')?.split('\n') ?? [];
    const node2 = nodeRoutesText(f.model, 'node-2')?.split('\n') ?? [];
    expect(node1).toContain(want);
    expect(node2).toContain('192.168.84.131 dev cali9fb0db7f13e scope link');
    expect(f.model.lookupRoute('node-1', '192.168.84.131')?.kind).toBe('remote');
    expect(f.model.lookupRoute('node-1', '192.168.84.132')?.kind).toBe('blackhole');
    f.plugin.tearDown(pod('web-2'), 'node-2');
    expect(nodeRoutesText(f.model, 'node-1')?.split('\n')).not.toContain(want);
    expect(f.model.podByIP('192.168.84.131')).toBeUndefined();
  });
});

describe('routes follow IPAM changes incrementally', () => {
  it('pod gone → its /32 gone; node deleted → its blocks leave every table', () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    setUp(f, true);
    f.plugin.tearDown(pod('busybox'), 'node-1');
    expect(nodeRoutesText(f.model, 'node-1')).not.toContain('cali12d4a061371');
    f.registry.delete(resourceForKey('nodes') as ResourceInfo, undefined, 'node-2');
    releaseNode(f.ipam, 'node-2');
    expect(f.model.routes('node-2')).toBeUndefined();
    expect(nodeRoutesText(f.model, 'node-1')).not.toContain('172.18.0.3');
  });

  it('a pool switched from IPIP to no encapsulation re-routes its blocks', () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    setUp(f, true);
    const poolObj = f.ipam.io.poolObjects()[0];
    if (!poolObj) throw new Error('no pool');
    f.registry.update({ ...poolObj, spec: { ...poolObj.spec, ipipMode: 'Never' } });
    expect(nodeRoutesText(f.model, 'node-1')?.split('\n')).toContain(
      '192.168.247.0/26 via 172.18.0.3 dev eth0 proto bird',
    );
  });

  it('CrossSubnet: same subnet goes direct, another subnet through tunl0', () => {
    const f = referenceCluster({ ipipMode: 'CrossSubnet' });
    f.addNode('far', { address: '10.9.0.5' });
    for (const n of ['node-1', 'node-2', 'far']) reconcileTunnelAddresses(f.ipam, n);
    const routes = f.model.routes('node-1')?.map(renderRoute) ?? [];
    expect(routes).toContain('192.168.247.0/26 via 172.18.0.3 dev eth0 proto bird');
    const farBlock = [...f.model.blocks.values()].find((b) => b.owner === 'far');
    expect(routes.find((r) => r.includes('via 10.9.0.5'))).toMatch(/dev tunl0 proto bird onlink$/);
    expect(farBlock).toBeDefined();
  });
});
