import { describe, expect, it } from 'vitest';
import type { EndpointSlice, KubeObject, Service } from '../../api/types.js';
import { EndpointSliceController, SLICES_RESOURCE } from './endpointslice-controller.js';
import { fixture, pod, service } from './fixtures.test-helpers.js';

type Slice = EndpointSlice & KubeObject;

function slices(store: ReturnType<typeof fixture>['store']): Slice[] {
  return store.list<Slice>(SLICES_RESOURCE);
}

function summary(s: Slice) {
  return {
    ports: (s.ports ?? []).map((p) => `${p.name}:${p.port}/${p.protocol}`),
    endpoints: (s.endpoints ?? []).map(
      (e) =>
        `${e.addresses[0]}@${e.nodeName} r=${e.conditions?.ready} s=${e.conditions?.serving} t=${e.conditions?.terminating}`,
    ),
  };
}

describe('EndpointSliceController', () => {
  it('builds one slice per Service with conditions, node, targetRef, labels and owner', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create('services', service('web', { selector: { app: 'web' } }, { team: 'a' }));
    f.store.create('pods', pod('web-1', { ip: '10.244.1.5', node: 'worker-1' }));
    f.store.create('pods', pod('web-2', { ip: '10.244.2.7', node: 'worker-2', ready: false }));
    f.store.create('pods', pod('web-3', { ip: '10.244.2.8', node: 'worker-2', terminating: true }));
    f.store.create('pods', pod('other', { ip: '10.244.1.9', labels: { app: 'db' } }));
    f.store.create('pods', pod('pending', { labels: { app: 'web' } }));
    ctl.reconcile('default/web');
    const [s] = slices(f.store);
    expect(slices(f.store)).toHaveLength(1);
    expect(s?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(s?.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(s?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
      uid: 'uid-web',
      controller: true,
    });
    expect(s?.addressType).toBe('IPv4');
    expect(summary(s as Slice)).toEqual({
      ports: ['http:8080/TCP'],
      endpoints: [
        '10.244.1.5@worker-1 r=true s=true t=false',
        '10.244.2.7@worker-2 r=false s=false t=false',
        '10.244.2.8@worker-2 r=false s=true t=true',
      ],
    });
    expect(s?.endpoints?.[0]?.targetRef).toEqual({
      kind: 'Pod',
      namespace: 'default',
      name: 'web-1',
      uid: 'uid-web-1',
    });
  });

  it('hints each Ready endpoint for its own zone under trafficDistribution PreferClose, and drops the hints without it', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    for (const [name, zone] of [
      ['worker-1', 'zone-a'],
      ['worker-2', 'zone-b'],
      ['worker-3', undefined],
    ] as const) {
      f.store.create('nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} },
      });
    }
    f.store.create(
      'services',
      service('web', { selector: { app: 'web' }, trafficDistribution: 'PreferClose' }),
    );
    f.store.create('pods', pod('web-1', { ip: '10.244.1.5', node: 'worker-1' }));
    f.store.create('pods', pod('web-2', { ip: '10.244.2.7', node: 'worker-2', ready: false }));
    f.store.create('pods', pod('web-3', { ip: '10.244.3.8', node: 'worker-3' }));
    ctl.reconcile('default/web');
    const hints = () =>
      (slices(f.store)[0]?.endpoints ?? []).map((e) => [e.addresses[0], e.zone, e.hints?.forZones]);
    expect(hints()).toEqual([
      ['10.244.1.5', 'zone-a', [{ name: 'zone-a' }]],
      ['10.244.2.7', 'zone-b', undefined], // not Ready: no hint
      ['10.244.3.8', undefined, undefined], // no zone: no hint
    ]);
    const svc = f.store.get<Service & KubeObject>('services', 'default', 'web');
    f.store.update('services', { ...svc, spec: { ...svc?.spec, trafficDistribution: undefined } } as never);
    ctl.reconcile('default/web');
    expect(hints().map(([, , h]) => h)).toEqual([undefined, undefined, undefined]);
  });

  it('resolves a named targetPort per pod into separate slices', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create(
      'services',
      service('web', {
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }],
      }),
    );
    f.store.create('pods', pod('a', { ip: '10.244.1.2', ports: [{ name: 'web', containerPort: 8080 }] }));
    f.store.create('pods', pod('b', { ip: '10.244.1.3', ports: [{ name: 'web', containerPort: 9090 }] }));
    ctl.reconcile('default/web');
    expect(
      slices(f.store)
        .map((s) => summary(s).ports[0])
        .sort(),
    ).toEqual(['http:8080/TCP', 'http:9090/TCP']);
  });

  it('keeps one empty placeholder slice when nothing is selected', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create('services', service('web', { selector: { app: 'none' } }));
    ctl.reconcile('default/web');
    ctl.reconcile('default/web');
    expect(slices(f.store).map(summary)).toEqual([{ ports: [], endpoints: [] }]);
  });

  it('publishNotReadyAddresses marks every admitted pod ready', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create('services', service('web', { selector: { app: 'web' }, publishNotReadyAddresses: true }));
    f.store.create('pods', pod('a', { ip: '10.244.1.2', ready: false }));
    ctl.reconcile('default/web');
    expect(slices(f.store)[0]?.endpoints?.[0]?.conditions).toEqual({
      ready: true,
      serving: false,
      terminating: false,
    });
  });

  it('splits at maxEndpointsPerSlice and updates in place without churn', () => {
    const f = fixture();
    const ctl = new EndpointSliceController({ ...f, maxEndpointsPerSlice: 2 });
    f.store.create('services', service('web', { selector: { app: 'web' } }));
    for (let i = 1; i <= 5; i++) f.store.create('pods', pod(`p${i}`, { ip: `10.244.1.${i}` }));
    ctl.reconcile('default/web');
    expect(
      slices(f.store)
        .map((s) => s.endpoints?.length)
        .sort(),
    ).toEqual([1, 2, 2]);
    const rv = f.store.resourceVersion;
    ctl.reconcile('default/web');
    expect(f.store.resourceVersion).toBe(rv);
    f.store.delete('pods', 'default', 'p5');
    ctl.reconcile('default/web');
    expect(
      slices(f.store)
        .flatMap((s) => s.endpoints ?? [])
        .map((e) => e.addresses[0])
        .sort(),
    ).toEqual(['10.244.1.1', '10.244.1.2', '10.244.1.3', '10.244.1.4']);
  });

  it('leaves selectorless Services to their user-written slices and marks headless ones', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create('services', service('ext', {}));
    ctl.reconcile('default/ext');
    expect(slices(f.store)).toHaveLength(0);
    f.store.create('services', service('db', { selector: { app: 'web' }, clusterIP: 'None' }));
    f.store.create('pods', pod('a', { ip: '10.244.1.2' }));
    ctl.reconcile('default/db');
    expect(slices(f.store)[0]?.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
  });

  it('follows pod events through the running controller', async () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    ctl.start(new AbortController().signal);
    f.registry.create(service('web', { selector: { app: 'web' } }));
    f.registry.create(pod('a', { ip: '10.244.1.2' }));
    await new Promise((r) => setImmediate(r));
    await ctl.whenIdle();
    expect(
      slices(f.store)
        .flatMap((s) => s.endpoints ?? [])
        .map((e) => e.addresses[0]),
    ).toEqual(['10.244.1.2']);
    await ctl.stop();
  });

  it('keeps metadata.generation as the API server does: 1 on create, one more per change of its endpoints', () => {
    const f = fixture();
    const ctl = new EndpointSliceController(f);
    f.store.create('services', service('web', { selector: { app: 'web' } }));
    f.registry.create(pod('web-1', { ip: '10.244.1.5', node: 'worker-1' }));
    ctl.reconcile('default/web');
    expect(slices(f.store)[0]?.metadata.generation).toBe(1);
    f.registry.create(pod('web-2', { ip: '10.244.2.7', node: 'worker-2' }));
    ctl.reconcile('default/web');
    expect(slices(f.store)[0]?.metadata.generation).toBe(2);
    ctl.reconcile('default/web');
    expect(slices(f.store)[0]?.metadata.generation).toBe(2);
  });
});
