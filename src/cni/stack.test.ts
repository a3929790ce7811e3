import { describe, expect, it } from 'vitest';
import type { Node, Typed } from '../api/types.js';
import { ipPoolAdmission } from '../ipam/admission.js';
import { silentLogger } from '../log/index.js';
import type { ExtensionRequest } from '../server/extensions.js';
import { ObjectStore } from '../store/object-store.js';
import { Registry } from '../store/registry.js';
import type { NetworkingConfig } from '../topology/types.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { PodNetworkStack } from './stack.js';
import { pod } from './testing.js';

function networking(ipam: Partial<NetworkingConfig['ipam']>): NetworkingConfig {
  return {
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/12',
    nodePortRange: { base: 30000, size: 2768 },
    clusterDomain: 'cluster.local',
    proxyMode: 'iptables',
    ipvsScheduler: 'rr',
    nodeSubnet: '127.0.10.0/24',
    loadBalancerPool: '127.0.20.0/24',
    ipam: {
      type: 'calico',
      blockSize: 26,
      blockSelection: 'calico',
      encapsulation: 'IPIP',
      strictAffinity: false,
      ...ipam,
    },
  };
}

function cluster(config: NetworkingConfig) {
  const clock = new FakeClock();
  const store = new ObjectStore({ freeze: true });
  const registry = new Registry({
    store,
    clock,
    random: seededRandom(1),
    admission: [ipPoolAdmission({ serviceSubnet: config.serviceSubnet })],
  });
  registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const stack = new PodNetworkStack({ registry, clock, logger: silentLogger(), networking: config });
  const abort = new AbortController();
  stack.start(abort.signal);
  const addNode = (name: string, address: string) =>
    registry.create<Typed<Node>>({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: { addresses: [{ type: 'InternalIP', address }] },
    });
  const get = async (path: string, params: Record<string, string>, query = '') => {
    const route = stack.routes.find((r) => r.path === path);
    const req: ExtensionRequest = {
      params,
      query: new URLSearchParams(query),
      body: undefined,
      raw: undefined as never,
      signal: abort.signal,
    };
    return route?.handle(req, undefined as never);
  };
  return { clock, store, registry, stack, addNode, get, abort };
}

describe('PodNetworkStack', () => {
  it('Calico IPIP: default pool, tunnels, pod addresses, routes and ipam show end to end', async () => {
    const c = cluster(networking({}));
    c.addNode('node-1', '127.0.10.1');
    c.addNode('node-2', '127.0.10.2');
    await c.stack.whenIdle();
    expect(c.stack.model.node('node-1')?.ipipTunnel).toBe('10.244.84.128');
    expect(c.stack.plugin.setUp(pod('nginx'), 'node-1')).toEqual({ ip: '10.244.84.129' });
    expect(c.stack.plugin.setUp(pod('web-1'), 'node-2')).toEqual({ ip: '10.244.247.1' });
    const routes = await c.get('/nodes/:node/routes', { node: 'node-1' });
    expect(routes).toEqual({
      kind: 'text',
      body: [
        'default via 127.0.10.254 dev eth0',
        'blackhole 10.244.84.128/26 proto bird',
        '10.244.84.129 dev calic440f455693 scope link',
        '10.244.247.0/26 via 127.0.10.2 dev tunl0 proto bird onlink',
        '127.0.10.0/24 dev eth0 proto kernel scope link src 127.0.10.1',
        '',
      ].join('\n'),
    });
    const show = await c.get('/ipam', {}, 'showBlocks=1');
    expect(show).toEqual({
      kind: 'text',
      body: expect.stringContaining(
        '| Block    | 10.244.84.128/26 |        64 | 2 (3%)     | 62 (97%)     |',
      ),
    });
    c.stack.plugin.tearDown(pod('nginx'), 'node-1');
    expect(c.stack.model.podByIP('10.244.84.129')).toBeUndefined();
    await c.stack.stop();
  });

  it('host-local: podCIDRs from the node IPAM controller, pods from .2, bridge routes', async () => {
    const c = cluster(networking({ type: 'host-local' }));
    c.addNode('worker-1', '127.0.10.1');
    c.addNode('worker-2', '127.0.10.2');
    await c.stack.whenIdle();
    expect(c.stack.ipam).toBeUndefined();
    expect(c.stack.plugin.setUp(pod('a'), 'worker-2')).toEqual({ ip: '10.244.1.2' });
    expect(c.stack.model.lookupRoute('worker-1', '10.244.1.2')).toMatchObject({
      kind: 'remote',
      node: 'worker-2',
      via: '127.0.10.2',
    });
    const show = await c.get('/ipam', {});
    expect(show).toEqual({ kind: 'text', body: expect.stringContaining('IPAM is host-local') });
    await c.stack.stop();
  });

  it('rejects a bad IPPool through the wired admission plugin', () => {
    const c = cluster(networking({}));
    expect(() =>
      c.registry.create({
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'IPPool',
        metadata: { name: 'bad' },
        spec: { cidr: '10.96.0.0/16' },
      } as never),
    ).toThrow('IP pool overlaps the service subnet 10.96.0.0/12');
    c.abort.abort();
  });
});
