import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../api/types.js';
import {
  buildState,
  makeTestEndpointSlice,
  makeTestService,
  simpleSlice,
} from '../proxy/testing/fixtures.js';
import { planListeners } from './listener-plan.js';
import { listenKeyString } from './listeners.js';

const NODES = [{ address: '127.0.10.2' }, { address: '127.0.10.3' }];

function nodePortService(name: string, nodePort: number, extra: Partial<Service['spec']> = {}): Service {
  return makeTestService('default', name, (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '10.96.0.50',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort }],
      ...extra,
    };
  });
}

function keys(services: Service[], slices: EndpointSlice[]): string[] {
  return planListeners(buildState(services, slices), NODES).keys.map(listenKeyString).sort();
}

describe('planListeners', () => {
  it('binds a NodePort on every node address once the Service has an endpoint', () => {
    const svc = nodePortService('web', 30080);
    const slice = simpleSlice('default', 'web', { name: 'http', port: 8080 }, [['10.244.1.5', 'worker-1']]);
    expect(keys([svc], [slice])).toEqual(['TCP/127.0.10.2:30080', 'TCP/127.0.10.3:30080']);
  });

  it('leaves the port unbound while kube-proxy would REJECT (no endpoints): the laptop gets connection refused', () => {
    expect(keys([nodePortService('web', 30080)], [])).toEqual([]);
  });

  it('counts a serving endpoint that is terminating (kube-proxy falls back to it), not a not-ready one', () => {
    const svc = nodePortService('web', 30080);
    const slice = (ready: boolean, serving: boolean, terminating: boolean) =>
      makeTestEndpointSlice('default', 'web', 1, (eps) => {
        eps.endpoints = [
          { addresses: ['10.244.1.5'], nodeName: 'worker-1', conditions: { ready, serving, terminating } },
        ];
        eps.ports = [{ name: 'http', port: 8080, protocol: 'TCP' }];
      });
    expect(keys([svc], [slice(false, true, true)])).toHaveLength(2);
    expect(keys([svc], [slice(false, false, false)])).toEqual([]);
  });

  it('keeps a LoadBalancer health-check port bound even without endpoints', () => {
    const svc = makeTestService('default', 'lb', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.60',
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 32000,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30090 }],
      };
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.20.1' }] } };
    });
    expect(keys([svc], [])).toEqual(['TCP/127.0.10.2:32000', 'TCP/127.0.10.3:32000']);
  });

  it("binds kube-proxy's health server port on every node address, with or without Services", () => {
    const keysOf = (healthzPort?: number) =>
      planListeners(buildState([], []), NODES, healthzPort === undefined ? {} : { healthzPort })
        .keys.map(listenKeyString)
        .sort();
    expect(keysOf(10256)).toEqual(['TCP/127.0.10.2:10256', 'TCP/127.0.10.3:10256']);
    expect(keysOf(0)).toEqual([]);
    expect(keysOf()).toEqual([]);
  });
});
