import { describe, expect, it } from 'vitest';
import type { KubeObject, Service } from '../../api/types.js';
import { ObjectStore } from '../../store/object-store.js';
import { Registry } from '../../store/registry.js';
import { FakeClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { serviceAllocationPlugin } from './allocation.js';

type Svc = Service & KubeObject;

function setup() {
  const store = new ObjectStore({ freeze: true });
  const plugin = serviceAllocationPlugin({
    serviceSubnet: '10.96.0.0/12',
    nodePortRange: { base: 30000, size: 2768 },
    random: seededRandom(7),
  });
  const registry = new Registry({
    store,
    clock: new FakeClock(),
    random: seededRandom(1),
    admission: [plugin],
  });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return { store, registry };
}

function svc(name: string, spec: Service['spec']): Svc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { ports: [{ port: 80, protocol: 'TCP' }], ...spec },
  };
}

describe('Service allocation', () => {
  it('allocates dynamic ClusterIPs from the upper band of the range', () => {
    const { registry } = setup();
    const s = registry.create(svc('web', {}));
    const ip = s.spec?.clusterIP ?? '';
    expect(s.spec?.clusterIPs).toEqual([ip]);
    const n = ip.split('.').map(Number);
    const offset = ((n[1] ?? 0) - 96) * 65536 + (n[2] ?? 0) * 256 + (n[3] ?? 0);
    expect(offset).toBeGreaterThan(256);
  });

  it.each([
    { name: 'kubernetes at .1', ip: '10.96.0.1' },
    { name: 'kube-dns at .10', ip: '10.96.0.10' },
  ])('honours a requested ClusterIP: $name', ({ ip }) => {
    const { registry } = setup();
    expect(registry.create(svc('a', { clusterIP: ip })).spec?.clusterIP).toBe(ip);
  });

  it.each([
    {
      name: 'already allocated',
      ip: '10.96.0.10',
      want: 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    },
    {
      name: 'outside the range',
      ip: '10.0.0.5',
      want: 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    },
    {
      name: 'not an IP (validated before allocation)',
      ip: 'banana',
      want: 'Service "b" is invalid: spec.clusterIPs[0]: Invalid value: "banana": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    },
    {
      name: 'not an IP either',
      ip: '10.96.0.999',
      want: 'Service "b" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.999": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    },
  ])('rejects a requested ClusterIP that is $name with the API server message', ({ ip, want }) => {
    const { registry } = setup();
    registry.create(svc('a', { clusterIP: '10.96.0.10' }));
    expect(() => registry.create(svc('b', { clusterIP: ip }))).toThrow(want);
  });

  it('gives headless and ExternalName Services no address', () => {
    const { registry } = setup();
    expect(registry.create(svc('h', { clusterIP: 'None' })).spec?.clusterIPs).toEqual(['None']);
    const ext = registry.create(svc('x', { type: 'ExternalName', externalName: 'example.com', ports: [] }));
    expect(ext.spec?.clusterIP).toBeUndefined();
    // Without ports the Service keeps none: no `ports: []` (the field is omitempty).
    const { ports: _p, ...spec } = svc('y', { type: 'ExternalName', externalName: 'example.com' }).spec ?? {};
    const bare = registry.create({ ...svc('y', {}), spec });
    expect(bare.spec).not.toHaveProperty('ports');
  });

  it('allocates NodePorts, honours requests and rejects conflicts and out-of-range values', () => {
    const { registry } = setup();
    const a = registry.create(
      svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
    );
    expect(a.spec?.ports?.[0]?.nodePort).toBe(30080);
    const b = registry.create(svc('b', { type: 'NodePort' }));
    const np = b.spec?.ports?.[0]?.nodePort ?? 0;
    expect(np).toBeGreaterThanOrEqual(30086);
    expect(np).toBeLessThanOrEqual(32767);
    expect(() =>
      registry.create(
        svc('c', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
      ),
    ).toThrow(
      'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(() =>
      registry.create(
        svc('d', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 29999 }] }),
      ),
    ).toThrow(
      'spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('shares one NodePort between the TCP and UDP ports of the same service port number', () => {
    const { registry } = setup();
    const s = registry.create(
      svc('dns', {
        type: 'NodePort',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      }),
    );
    expect(s.spec?.ports?.[0]?.nodePort).toBe(s.spec?.ports?.[1]?.nodePort);
  });

  it('keeps allocations across an update that omits them and releases them on delete', () => {
    const { registry, store } = setup();
    const created = registry.create(
      svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
    );
    const omitted = {
      ...created,
      spec: {
        ...created.spec,
        clusterIP: undefined,
        clusterIPs: undefined,
        ports: [{ port: 80, protocol: 'TCP' as const }],
      },
    };
    const updated = registry.update(omitted as unknown as Svc);
    expect(updated.spec?.clusterIP).toBe(created.spec?.clusterIP);
    expect(updated.spec?.ports?.[0]?.nodePort).toBe(30080);
    registry.delete(registry.resourceOf(created), 'default', 'a');
    expect(store.list('services')).toHaveLength(0);
    expect(
      registry.create(
        svc('again', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
      ).spec?.ports?.[0]?.nodePort,
    ).toBe(30080);
  });

  it('releases NodePorts when the type changes to ClusterIP', () => {
    const { registry } = setup();
    const a = registry.create(
      svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
    );
    const b = registry.update({ ...a, spec: { ...a.spec, type: 'ClusterIP' } });
    expect(b.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(
      registry.create(svc('c', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }))
        .spec?.ports?.[0]?.nodePort,
    ).toBe(30080);
  });

  it('allocates a healthCheckNodePort for LoadBalancer with externalTrafficPolicy Local', () => {
    const { registry } = setup();
    const s = registry.create(svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    const hc = s.spec?.healthCheckNodePort ?? 0;
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).not.toBe(s.spec?.ports?.[0]?.nodePort);
  });

  it('rolls allocations back with a failed transaction', () => {
    const { registry, store } = setup();
    expect(() =>
      store.transaction(() => {
        registry.create(
          svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
        );
        registry.create(
          svc('b', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }),
        );
      }),
    ).toThrow(/already allocated/);
    expect(
      registry.create(svc('c', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }))
        .spec?.ports?.[0]?.nodePort,
    ).toBe(30080);
  });
});
