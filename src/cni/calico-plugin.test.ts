import { describe, expect, it } from 'vitest';
import { IPAM_HANDLES_KEY, type IPAMHandle } from '../ipam/objects.js';
import { goTimeString } from './calico-plugin.js';
import { podHandleID } from './container-id.js';
import { PodNetworkSetupError } from './errors.js';
import { newCniFixture, pod } from './testing.js';

function failure(fn: () => unknown): PodNetworkSetupError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PodNetworkSetupError) return err;
    throw err;
  }
  throw new Error('expected a PodNetworkSetupError');
}

describe('CalicoNetworkPlugin against a real ObjectStore + Registry', () => {
  it('attaches a pod: address, handle object, read model entry; idempotent', () => {
    const f = newCniFixture({ pools: { p: { cidr: '10.244.0.0/16' } } });
    f.addNode('node-1', { address: '127.0.10.1' });
    const nginx = pod('nginx');
    expect(f.plugin.setUp(nginx, 'node-1')).toEqual({ ip: '10.244.84.128' });
    expect(f.plugin.setUp(nginx, 'node-1')).toEqual({ ip: '10.244.84.128' });
    const handle = f.store.get<IPAMHandle>(IPAM_HANDLES_KEY, undefined, podHandleID(nginx));
    expect(handle?.spec).toEqual({
      handleID: podHandleID(nginx),
      block: { '10.244.84.128/26': 1 },
      deleted: false,
    });
    expect(podHandleID(nginx)).toMatch(/^k8s-pod-network\.[0-9a-f]{64}$/);
    expect(f.model.podByIP('10.244.84.128')).toMatchObject({
      namespace: 'default',
      pod: 'nginx',
      node: 'node-1',
      veth: 'calic440f455693',
      prefixLength: 32,
      gateway: '169.254.1.1',
      mtu: 1500,
    });
    const block = f.ipam.io.blocks()[0];
    expect(block?.spec.attributes[0]).toEqual({
      handle_id: podHandleID(nginx),
      secondary: {
        namespace: 'default',
        node: 'node-1',
        pod: 'nginx',
        timestamp: '2026-01-01 00:00:00 +0000 UTC',
      },
    });
    expect(f.invariants()).toEqual([]);
  });

  it('a full pool fails with Calico text, allocates nothing, and works again after a release', () => {
    const f = newCniFixture({ pools: { p: { cidr: '10.0.0.0/30', blockSize: 30 } } });
    f.addNode('node-1');
    for (const n of ['a', 'b', 'c', 'd']) f.plugin.setUp(pod(n), 'node-1');
    const before = f.store.resourceVersion;
    const err = failure(() => f.plugin.setUp(pod('e'), 'node-1'));
    expect(err.code).toBe('ERR_POD_NETWORK');
    expect(err.message).toBe(
      'plugin type="calico" failed (add): failed to request IPv4 addresses: Assigned 0 out of 1 requested IPv4 addresses; No IPs available in pools: [10.0.0.0/30]',
    );
    expect(f.store.resourceVersion).toBe(before);
    f.plugin.tearDown(pod('b'), 'node-1');
    expect(f.plugin.setUp(pod('e'), 'node-1')).toEqual({ ip: '10.0.0.1' });
    expect(f.invariants()).toEqual([]);
  });

  it.each([
    {
      name: 'ipAddrs outside every pool',
      annotations: { 'cni.projectcalico.org/ipAddrs': '["192.168.9.9"]' },
      want: 'plugin type="calico" failed (add): The provided IP address is not in a configured pool',
    },
    {
      name: 'ipAddrs already taken',
      annotations: { 'cni.projectcalico.org/ipAddrs': '["10.244.84.128"]' },
      want: 'plugin type="calico" failed (add): Address already assigned in block',
    },
    {
      name: 'ipAddrs not JSON',
      annotations: { 'cni.projectcalico.org/ipAddrs': '10.244.1.1' },
      want: /^plugin type="calico" failed \(add\): failed to parse '10\.244\.1\.1' as JSON: /,
    },
    {
      name: 'ipv4pools naming no pool',
      annotations: { 'cni.projectcalico.org/ipv4pools': '["10.99.0.0/16"]' },
      want: 'plugin type="calico" failed (add): the given pool (10.99.0.0/16) does not exist, or is not enabled',
    },
  ])('$name', ({ annotations, want }) => {
    const f = newCniFixture({ pools: { p: { cidr: '10.244.0.0/16' } } });
    f.addNode('node-1');
    f.plugin.setUp(pod('first'), 'node-1');
    const before = f.store.resourceVersion;
    const err = failure(() => f.plugin.setUp(pod('x', { annotations }), 'node-1'));
    if (typeof want === 'string') expect(err.message).toBe(want);
    else expect(err.message).toMatch(want);
    expect(f.store.resourceVersion).toBe(before);
  });

  it('ipAddrs gives the pod exactly that address', () => {
    const f = newCniFixture({ pools: { p: { cidr: '10.244.0.0/16' } } });
    f.addNode('node-1');
    const fixed = pod('fixed', { annotations: { 'cni.projectcalico.org/ipAddrs': '["10.244.7.7"]' } });
    expect(f.plugin.setUp(fixed, 'node-1')).toEqual({ ip: '10.244.7.7' });
  });

  it('ipv4pools from the pod, else from its namespace', () => {
    const f = newCniFixture({
      pools: { a: { cidr: '10.1.0.0/16' }, b: { cidr: '10.2.0.0/16' }, c: { cidr: '10.3.0.0/16' } },
    });
    f.addNode('node-1');
    f.registry.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', annotations: { 'cni.projectcalico.org/ipv4pools': '["c"]' } },
    });
    expect(f.plugin.setUp(pod('plain'), 'node-1').ip).toMatch(/^10\.1\./);
    expect(f.plugin.setUp(pod('ns', { namespace: 'team' }), 'node-1').ip).toMatch(/^10\.3\./);
    const own = pod('own', {
      namespace: 'team',
      annotations: { 'cni.projectcalico.org/ipv4pools': '["b"]' },
    });
    expect(f.plugin.setUp(own, 'node-1').ip).toMatch(/^10\.2\./);
  });

  it('tearDown is idempotent and releases the address for the next pod', () => {
    const f = newCniFixture({ pools: { p: { cidr: '10.244.0.0/16' } } });
    f.addNode('node-1');
    f.plugin.setUp(pod('a'), 'node-1');
    f.plugin.tearDown(pod('a'), 'node-1');
    f.plugin.tearDown(pod('a'), 'node-1');
    expect(f.model.podByIP('10.244.84.128')).toBeUndefined();
    expect(f.plugin.setUp(pod('b'), 'node-1').ip).toBe('10.244.84.129');
  });

  it('in IPIP mode the node tunnel comes first even without the node controller', () => {
    const f = newCniFixture({ pools: { p: { cidr: '10.244.0.0/16', ipipMode: 'Always' } } });
    f.addNode('node-1');
    expect(f.plugin.setUp(pod('a'), 'node-1').ip).toBe('10.244.84.129');
    expect(f.model.node('node-1')?.ipipTunnel).toBe('10.244.84.128');
    expect(f.model.podByIP('10.244.84.129')?.mtu).toBe(1480);
  });
});

describe('goTimeString', () => {
  it.each([
    [Date.UTC(2026, 0, 1), '2026-01-01 00:00:00 +0000 UTC'],
    [Date.UTC(2026, 0, 1, 12, 3, 4, 120), '2026-01-01 12:03:04.12 +0000 UTC'],
  ])('%s → %s', (ms, want) => {
    expect(goTimeString(ms)).toBe(want);
  });
});
