import { describe, expect, it } from 'vitest';
import type { KubeObject, Service } from '../../api/types.js';
import { fixture, service } from './fixtures.test-helpers.js';
import { LoadBalancerController } from './loadbalancer-controller.js';

type Svc = Service & KubeObject;

function lbIPs(f: ReturnType<typeof fixture>): Record<string, string | undefined> {
  return Object.fromEntries(
    f.store.list<Svc>('services').map((s) => [s.metadata.name, s.status?.loadBalancer?.ingress?.[0]?.ip]),
  );
}

describe('LoadBalancerController', () => {
  it('assigns pool addresses in order, honours requests and leaves an exhausted pool pending with an event', () => {
    const f = fixture();
    const ctl = new LoadBalancerController({ ...f, pool: '127.0.20.0/30' });
    for (const n of ['a', 'b', 'c']) f.store.create('services', service(n, { type: 'LoadBalancer' }));
    for (const n of ['a', 'b', 'c']) ctl.reconcile(`default/${n}`);
    expect(lbIPs(f)).toEqual({ a: '127.0.20.1', b: '127.0.20.2', c: undefined });
    const events = f.store.list<KubeObject & { reason?: string; message?: string }>('events');
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toContain(
      'AllocationFailed: Failed to allocate IP for "default/c": no available IPs',
    );
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toContain(
      'IPAllocated: Assigned IP ["127.0.20.1"]',
    );
  });

  it('releases the address when the Service stops being a LoadBalancer', () => {
    const f = fixture();
    const ctl = new LoadBalancerController({ ...f, pool: '127.0.20.0/30' });
    f.store.create('services', service('a', { type: 'LoadBalancer' }));
    ctl.reconcile('default/a');
    const a = f.store.get<Svc>('services', 'default', 'a') as Svc;
    f.registry.update({ ...a, spec: { ...a.spec, type: 'ClusterIP' } });
    ctl.reconcile('default/a');
    expect(lbIPs(f)).toEqual({ a: undefined });
    f.store.create('services', service('b', { type: 'LoadBalancer', loadBalancerIP: '127.0.20.1' }));
    ctl.reconcile('default/b');
    expect(lbIPs(f).b).toBe('127.0.20.1');
  });

  it('gives an address given back to a Service still pending, without that Service changing', async () => {
    const f = fixture();
    const ctl = new LoadBalancerController({ ...f, pool: '127.0.20.0/30' });
    const abort = new AbortController();
    ctl.start(abort.signal);
    const settle = async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        await ctl.whenIdle();
      }
    };
    for (const n of ['a', 'b', 'c', 'd']) {
      f.store.create('services', service(n, { type: 'LoadBalancer' }));
      await settle();
    }
    expect(lbIPs(f)).toEqual({ a: '127.0.20.1', b: '127.0.20.2', c: undefined, d: undefined });
    f.store.delete('services', 'default', 'a');
    await settle();
    expect(lbIPs(f)).toEqual({ b: '127.0.20.2', c: '127.0.20.1', d: undefined });
    const b = f.store.get<Svc>('services', 'default', 'b') as Svc;
    f.registry.update({ ...b, spec: { ...b.spec, type: 'ClusterIP' } });
    await settle();
    expect(lbIPs(f)).toEqual({ b: undefined, c: '127.0.20.1', d: '127.0.20.2' });
    abort.abort();
    await ctl.stop();
  });
});
