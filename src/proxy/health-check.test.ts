import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../api/types.js';
import { healthCheckNodePorts, healthCheckResponse, localReadyEndpoints } from './health-check.js';
import { buildState, makeTestEndpointSlice, makeTestService } from './testing/fixtures.js';

const svc = makeTestService('ns1', 'svc1', (s) => {
  s.spec = {
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    clusterIP: '172.30.1.1',
    healthCheckNodePort: 30000,
    ports: [
      { name: 'a', port: 80, protocol: 'TCP', nodePort: 3001 },
      { name: 'b', port: 81, protocol: 'TCP', nodePort: 3002 },
    ],
  };
});

function slice(conditions: { ready: boolean; serving: boolean; terminating: boolean }): EndpointSlice {
  return makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
    eps.ports = [
      { name: 'a', port: 80, protocol: 'TCP' },
      { name: 'b', port: 81, protocol: 'TCP' },
    ];
    eps.endpoints = [
      { addresses: ['10.0.1.1'], nodeName: 'test-node', conditions },
      { addresses: ['10.0.1.2'], nodeName: 'other', conditions: { ready: true } },
    ];
  });
}

describe('service health checks', () => {
  it('lists health check node ports of eTP=Local LoadBalancers only', () => {
    const cluster = makeTestService('ns2', 'cluster', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '172.30.1.2',
        healthCheckNodePort: 30001,
        ports: [{ port: 80, protocol: 'TCP' }],
      };
    });
    const ports = healthCheckNodePorts(buildState([svc, cluster], []));
    expect([...ports.entries()]).toEqual([[30000, { namespace: 'ns1', name: 'svc1', port: 30000 }]]);
  });

  it('counts local Ready endpoints over every port, not serving-terminating ones (TestHealthCheckNodePortWhenTerminating)', () => {
    const ready = buildState([svc], [slice({ ready: true, serving: true, terminating: false })]);
    expect(localReadyEndpoints(ready, 'test-node', { namespace: 'ns1', name: 'svc1' })).toBe(2);
    const terminating = buildState([svc], [slice({ ready: false, serving: true, terminating: true })]);
    expect(localReadyEndpoints(terminating, 'test-node', { namespace: 'ns1', name: 'svc1' })).toBe(0);
  });

  it('answers 200 with kube-proxy’s JSON while local endpoints exist, 503 otherwise', () => {
    const ok = healthCheckResponse({ namespace: 'ns1', name: 'svc1' }, 1);
    expect(ok.status).toBe(200);
    expect(ok.headers['X-Load-Balancing-Endpoint-Weight']).toBe('1');
    expect(ok.body).toBe(
      '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "svc1"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}',
    );
    expect(healthCheckResponse({ namespace: 'ns1', name: 'svc1' }, 0).status).toBe(503);
  });
});
