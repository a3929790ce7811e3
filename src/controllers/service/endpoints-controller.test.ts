import { describe, expect, it } from 'vitest';
import type { Endpoints, KubeObject } from '../../api/types.js';
import { EndpointsController } from './endpoints-controller.js';
import { fixture, pod, service } from './fixtures.test-helpers.js';

describe('EndpointsController', () => {
  it('puts ready pods in addresses, unready in notReadyAddresses and drops terminating ones', () => {
    const f = fixture();
    const ctl = new EndpointsController(f);
    f.store.create('services', service('web', { selector: { app: 'web' } }, { app: 'web' }));
    f.store.create('pods', pod('b', { ip: '10.244.2.7', ready: false, node: 'worker-2' }));
    f.store.create('pods', pod('a', { ip: '10.244.1.10', node: 'worker-1' }));
    f.store.create('pods', pod('c', { ip: '10.244.1.9', node: 'worker-1' }));
    f.store.create('pods', pod('t', { ip: '10.244.1.11', terminating: true }));
    ctl.reconcile('default/web');
    const ep = f.store.get<Endpoints & KubeObject>('endpoints', 'default', 'web');
    expect(ep?.metadata.labels).toEqual({ app: 'web' });
    expect(ep?.subsets).toEqual([
      {
        addresses: [
          {
            ip: '10.244.1.9',
            nodeName: 'worker-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' },
          },
          {
            ip: '10.244.1.10',
            nodeName: 'worker-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.244.2.7',
            nodeName: 'worker-2',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' },
          },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('writes no subsets for a Service selecting nothing and removes Endpoints with the Service', () => {
    const f = fixture();
    const ctl = new EndpointsController(f);
    f.store.create('services', service('web', { selector: { app: 'nothing' } }));
    ctl.reconcile('default/web');
    const ep = f.store.get<Endpoints & KubeObject>('endpoints', 'default', 'web');
    expect(ep?.subsets).toBeUndefined();
    // A Service without labels gives Endpoints without a labels map (omitempty), not `labels: {}`.
    expect(ep?.metadata).not.toHaveProperty('labels');
    f.store.delete('services', 'default', 'web');
    ctl.reconcile('default/web');
    expect(f.store.get('endpoints', 'default', 'web')).toBeUndefined();
  });
});
