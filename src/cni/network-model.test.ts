import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKey } from '../api/resources.js';
import { IpamError } from '../ipam/errors.js';
import { reconcileTunnelAddresses, releaseNode } from '../ipam/node-addresses.js';
import { silentLogger } from '../log/index.js';
import { PodNetworkSetupError } from './errors.js';
import { nodeRoutesText } from './extension.js';
import { NetworkReadModel } from './network-model.js';
import { lookupRoute } from './routes.js';
import { syncNetworkModel } from './sync.js';
import { type CniFixture, newCniFixture, pod } from './testing.js';

const NODES = ['node-1', 'node-2', 'node-3'];
const NODE_INFO = resourceForKey('nodes') as ResourceInfo;
/** Every pool address, the node subnets and a few outsiders. */
const PROBES = [
  ...Array.from({ length: 34 }, (_, i) => `10.0.0.${i}`),
  '172.18.0.2',
  '172.18.0.200',
  '172.18.9.4',
  '8.8.8.8',
];

type Op =
  | { readonly op: 'addNode'; readonly node: number }
  | { readonly op: 'removeNode'; readonly node: number }
  | { readonly op: 'setUp'; readonly node: number; readonly pod: number; readonly fixed: number | null }
  | { readonly op: 'tearDown'; readonly pod: number }
  | { readonly op: 'encap'; readonly mode: 'ipip' | 'vxlan' | 'none' | 'cross' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('addNode' as const), node: fc.nat(2) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('removeNode' as const), node: fc.nat(2) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('setUp' as const),
      node: fc.nat(2),
      pod: fc.nat(12),
      fixed: fc.option(fc.nat(31), { nil: null }),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ op: fc.constant('tearDown' as const), pod: fc.nat(12) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('encap' as const),
      mode: fc.constantFrom('ipip' as const, 'vxlan' as const, 'none' as const, 'cross' as const),
    }),
    weight: 1,
  },
);

function snapshot(model: NetworkReadModel): unknown {
  return {
    routes: Object.fromEntries(model.nodeNames().map((n) => [n, nodeRoutesText(model, n)])),
    // MTU is fixed when the veth is made (as on a node): a rebuilt model may differ there.
    pods: [...model.pods.values()].map((p) => `${p.ip} ${p.node} ${p.namespace}/${p.pod} ${p.veth}`).sort(),
    tunnels: model.nodeNames().map((n) => model.node(n)),
  };
}

function apply(f: CniFixture, present: Map<string, number>, onNode: Map<number, string>, o: Op): void {
  switch (o.op) {
    case 'addNode': {
      const name = NODES[o.node] as string;
      if (present.has(name)) return;
      f.addNode(name, { address: `172.18.${o.node === 2 ? 9 : 0}.${o.node + 2}` });
      present.set(name, o.node);
      reconcileTunnelAddresses(f.ipam, name);
      return;
    }
    case 'removeNode': {
      const name = NODES[o.node] as string;
      if (!present.has(name)) return;
      f.registry.delete(NODE_INFO, undefined, name);
      present.delete(name);
      releaseNode(f.ipam, name);
      for (const [p, n] of onNode) if (n === name) onNode.delete(p);
      return;
    }
    case 'setUp': {
      const name = NODES[o.node] as string;
      if (!present.has(name) || onNode.has(o.pod)) return;
      const annotations =
        o.fixed === null ? undefined : { 'cni.projectcalico.org/ipAddrs': `["10.0.0.${o.fixed}"]` };
      f.plugin.setUp(pod(`p${o.pod}`, annotations ? { annotations } : {}), name);
      onNode.set(o.pod, name);
      return;
    }
    case 'tearDown': {
      const name = onNode.get(o.pod);
      if (name === undefined) return;
      f.plugin.tearDown(pod(`p${o.pod}`), name);
      onNode.delete(o.pod);
      return;
    }
    case 'encap': {
      const pool = f.ipam.io.poolObjects()[0];
      if (!pool) return;
      const modes = {
        ipip: { ipipMode: 'Always', vxlanMode: 'Never' },
        vxlan: { ipipMode: 'Never', vxlanMode: 'Always' },
        none: { ipipMode: 'Never', vxlanMode: 'Never' },
        cross: { ipipMode: 'CrossSubnet', vxlanMode: 'Never' },
      } as const;
      f.registry.update({ ...pool, spec: { ...pool.spec, ...modes[o.mode] } });
      for (const name of present.keys()) reconcileTunnelAddresses(f.ipam, name);
      return;
    }
  }
}

describe('NetworkReadModel', () => {
  it('incremental updates equal a model rebuilt from the store; lookups equal LPM over the listing (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 50, size: 'max' }), (ops) => {
        const f = newCniFixture({
          nodeSubnet: '172.18.0.0/24',
          pools: { p: { cidr: '10.0.0.0/27', blockSize: 29 } },
        });
        const present = new Map<string, number>();
        const onNode = new Map<number, string>();
        for (const o of ops) {
          try {
            apply(f, present, onNode, o);
          } catch (err) {
            if (!(err instanceof PodNetworkSetupError || err instanceof IpamError)) throw err;
          }
          const fresh = new NetworkReadModel({ mode: 'calico', nodeSubnet: '172.18.0.0/24' });
          const stop = syncNetworkModel({ store: f.store, model: fresh, logger: silentLogger() });
          stop();
          expect(snapshot(f.model)).toEqual(snapshot(fresh));
          for (const n of f.model.nodeNames()) {
            const listing = f.model.routes(n) ?? [];
            for (const ip of PROBES) expect(f.model.lookupRoute(n, ip)).toEqual(lookupRoute(listing, ip));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('answers pod, block and node questions for the dataplane and the tracer', () => {
    const f = newCniFixture({
      nodeSubnet: '172.18.0.0/16',
      pools: { p: { cidr: '192.168.0.0/16', ipipMode: 'Always' } },
    });
    f.addNode('node-1', { address: '172.18.0.2' });
    f.addNode('node-2', { address: '172.18.0.3' });
    f.plugin.setUp(pod('nginx'), 'node-1');
    f.plugin.setUp(pod('web-1'), 'node-2');
    expect(f.model.nodeOf('192.168.84.129')).toBe('node-1');
    expect(f.model.nodeOf('192.168.84.150')).toBe('node-1');
    expect(f.model.blockOf('192.168.247.1')).toMatchObject({
      owner: 'node-2',
      mode: { kind: 'IPIP', crossSubnet: false },
    });
    expect(f.model.lookupRoute('node-1', '192.168.247.1')).toMatchObject({
      kind: 'remote',
      node: 'node-2',
      dev: 'tunl0',
    });
    expect(f.model.lookupRoute('node-1', '192.168.84.129')).toMatchObject({
      kind: 'local-pod',
      dev: 'calic440f455693',
    });
    expect(f.model.podsOnNode('node-2').map((p) => p.pod)).toEqual(['web-1']);
    expect(f.model.node('node-2')).toEqual({
      name: 'node-2',
      address: '172.18.0.3',
      podCIDR: undefined,
      ipipTunnel: '192.168.247.0',
      vxlanTunnel: undefined,
    });
  });
});

describe('NetworkReadModel.nodeByTunnel', () => {
  it('names the node of a tunnel address, follows changes and forgets removed nodes', () => {
    const m = new NetworkReadModel({ mode: 'calico', nodeSubnet: '172.18.0.0/24' });
    m.upsertNode('node-1', { address: '172.18.0.2' });
    m.upsertNode('node-2', { address: '172.18.0.3' });
    m.setTunnel('node-1', 'ipip', '10.0.0.0');
    m.setTunnel('node-2', 'vxlan', '10.0.0.64');
    expect([m.nodeByTunnel('10.0.0.0'), m.nodeByTunnel('10.0.0.64')]).toEqual(['node-1', 'node-2']);
    m.setTunnel('node-1', 'ipip', '10.0.0.128');
    expect([m.nodeByTunnel('10.0.0.0'), m.nodeByTunnel('10.0.0.128')]).toEqual([undefined, 'node-1']);
    m.setTunnel('node-1', 'ipip', undefined);
    expect(m.nodeByTunnel('10.0.0.128')).toBeUndefined();
    m.removeNode('node-2');
    expect(m.nodeByTunnel('10.0.0.64')).toBeUndefined();
    expect(m.nodeByTunnel('172.18.0.2')).toBeUndefined();
  });
});
