import { describe, expect, it } from 'vitest';
import type { Node, Typed } from '../api/types.js';
import { newFixture } from '../controllers/runtime/testing.js';
import { silentLogger } from '../log/index.js';
import { PodNetworkSetupError } from './errors.js';
import { nodeRoutesText } from './extension.js';
import { HostLocalNetworkPlugin } from './host-local-plugin.js';
import { NetworkReadModel } from './network-model.js';
import { renderPodIpAddr, renderPodIpRoute } from './pod-view.js';
import { syncNetworkModel } from './sync.js';
import { pod } from './testing.js';

function cluster(podCIDRs: Record<string, string | undefined>) {
  const f = newFixture();
  const model = new NetworkReadModel({ mode: 'host-local', nodeSubnet: '127.0.10.0/24' });
  syncNetworkModel({ store: f.store, model, logger: silentLogger() });
  let i = 1;
  for (const [name, podCIDR] of Object.entries(podCIDRs)) {
    f.registry.create<Typed<Node>>({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
      status: { addresses: [{ type: 'InternalIP', address: `127.0.10.${i++}` }] },
    });
  }
  const plugin = new HostLocalNetworkPlugin({ store: f.store, model, logger: silentLogger() });
  return { f, model, plugin };
}

describe('HostLocalNetworkPlugin', () => {
  it('gives pods .2, .3 … of the node podCIDR, behind veth interfaces', () => {
    const { plugin, model } = cluster({ 'worker-1': '10.244.1.0/24' });
    expect(plugin.setUp(pod('a'), 'worker-1')).toEqual({ ip: '10.244.1.2' });
    expect(plugin.setUp(pod('b'), 'worker-1')).toEqual({ ip: '10.244.1.3' });
    expect(plugin.setUp(pod('a'), 'worker-1')).toEqual({ ip: '10.244.1.2' });
    expect(model.podByIP('10.244.1.2')).toMatchObject({
      node: 'worker-1',
      prefixLength: 24,
      gateway: '10.244.1.1',
      mode: 'host-local',
    });
    expect(model.podByIP('10.244.1.2')?.veth).toMatch(/^veth[0-9a-f]{8}$/);
  });

  it('fails clearly without a podCIDR, and when the range is full', () => {
    const { plugin } = cluster({ bare: undefined, tiny: '10.244.9.0/30' });
    expect(() => plugin.setUp(pod('a'), 'bare')).toThrow(
      new PodNetworkSetupError(
        'bridge',
        'node bare has no spec.podCIDR (the node IPAM controller assigns one)',
      ),
    );
    expect(plugin.setUp(pod('a'), 'tiny').ip).toBe('10.244.9.2');
    expect(() => plugin.setUp(pod('b'), 'tiny')).toThrow(
      'plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.9.1-10.244.9.2',
    );
  });

  it('round robin: a freed address is not handed out next', () => {
    const { plugin, model } = cluster({ 'worker-1': '10.244.1.0/24' });
    plugin.setUp(pod('a'), 'worker-1');
    plugin.tearDown(pod('a'), 'worker-1');
    plugin.tearDown(pod('a'), 'worker-1');
    expect(model.podByIP('10.244.1.2')).toBeUndefined();
    expect(plugin.setUp(pod('b'), 'worker-1').ip).toBe('10.244.1.3');
  });

  it('routes: own podCIDR on the bridge, other nodes podCIDRs via their address', () => {
    const { model, plugin } = cluster({ 'worker-1': '10.244.1.0/24', 'worker-2': '10.244.2.0/24' });
    plugin.setUp(pod('a'), 'worker-1');
    expect(nodeRoutesText(model, 'worker-1')).toBe(
      [
        'default via 127.0.10.254 dev eth0',
        '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
        '10.244.2.0/24 via 127.0.10.2 dev eth0',
        '127.0.10.0/24 dev eth0 proto kernel scope link src 127.0.10.1',
        '',
      ].join('\n'),
    );
    expect(model.lookupRoute('worker-2', '10.244.1.2')).toMatchObject({
      kind: 'remote',
      node: 'worker-1',
      target: 'pod-cidr',
    });
  });

  it('in-pod views: /24 with broadcast, default via the bridge', () => {
    const { model, plugin } = cluster({ 'worker-1': '10.244.1.0/24' });
    plugin.setUp(pod('a'), 'worker-1');
    const a = model.podByIP('10.244.1.2');
    if (!a) throw new Error('not attached');
    expect(renderPodIpRoute(a)).toBe(
      'default via 10.244.1.1 dev eth0\n10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2\n',
    );
    expect(renderPodIpAddr(a)).toContain('    inet 10.244.1.2/24 brd 10.244.1.255 scope global eth0\n');
    expect(renderPodIpAddr(a)).not.toContain('tunl0');
  });
});
