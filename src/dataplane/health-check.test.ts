import { createServer } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointSlice, Node } from '../api/types.js';
import { buildState, makeTestEndpointSlice, makeTestService } from '../proxy/testing/fixtures.js';
import {
  healthCheckResponse,
  localReadyEndpoints,
  nodeEligible,
  type ProxyHealth,
  proxyHealthResponse,
  serveHealthCheck,
  serveProxyHealth,
} from './health-check.js';
import { planListeners } from './listener-plan.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
let count = 1;
/** kube-proxy started an hour before NOW and last synced 20 s before it. */
const HEALTH: ProxyHealth = {
  now: NOW + 250,
  startedAt: NOW - 3_600_000,
  lastUpdated: NOW - 20_000,
  healthy: true,
  nodeEligible: true,
};
const CLIENT = {
  protocol: 'TCP',
  srcIP: '127.0.0.1',
  srcPort: 40000,
  dstIP: '127.0.0.1',
  dstPort: 10256,
} as const;
const server = createServer((req, res) =>
  req.headers['x-proxy-health'] === undefined
    ? serveHealthCheck(req, res, { namespace: 'default', name: 'web', servicePorts: [] }, count, NOW)
    : serveProxyHealth(req, res, HEALTH, CLIENT),
);

beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends `request` on a fresh connection and resolves with what came back before `until` matched. */
function raw(request: string, until: RegExp): Promise<string> {
  const port = (server.address() as { port: number }).port;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (until.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

describe('healthCheckNodePort answers', () => {
  it("are framed as kube-proxy's Go server frames them: sorted headers, Date, Content-Length, no keep-alive lines", async () => {
    const body =
      '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}';
    count = 1;
    expect(await raw('GET / HTTP/1.1\r\nHost: n\r\n\r\n', /serviceProxyHealthy": true\n}$/)).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n' +
        `X-Load-Balancing-Endpoint-Weight: 1\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    count = 0;
    expect(await raw('GET / HTTP/1.1\r\nHost: n\r\n\r\n', /}$/)).toMatch(
      /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*X-Load-Balancing-Endpoint-Weight: 0\r\n[\s\S]*"localEndpoints": 0,/,
    );
  });
});

const lb = makeTestService('ns1', 'svc1', (s) => {
  s.spec = {
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    clusterIP: '172.30.1.1',
    healthCheckNodePort: 30000,
    ports: [
      { name: 'a', port: 80, protocol: 'TCP', nodePort: 30001 },
      { name: 'b', port: 81, protocol: 'TCP', nodePort: 30002 },
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

describe('healthCheckNodePort decisions', () => {
  const nodes = [{ name: 'test-node', address: '127.0.0.2' }];

  it('plans a health check listener for eTP=Local LoadBalancers only', () => {
    const cluster = makeTestService('ns2', 'cluster', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '172.30.1.2',
        healthCheckNodePort: 30003,
        ports: [{ port: 80, protocol: 'TCP', nodePort: 30004 }],
      };
    });
    const plan = planListeners(buildState([lb, cluster], []), nodes);
    expect([...plan.healthChecks.keys()]).toEqual([30000]);
    expect(plan.healthChecks.get(30000)).toMatchObject({ namespace: 'ns1', name: 'svc1' });
  });

  it('counts local Ready addresses once over all ports, not serving-terminating ones (TestHealthCheckNodePortWhenTerminating)', () => {
    const target = planListeners(buildState([lb], []), nodes).healthChecks.get(30000);
    if (!target) throw new Error('no health check target');
    const ready = buildState([lb], [slice({ ready: true, serving: true, terminating: false })]);
    // 10.0.1.1 serves ports a and b: one endpoint, as LocalReadyEndpoints squashes by IP.
    expect(localReadyEndpoints(ready, target, 'test-node')).toBe(1);
    expect(localReadyEndpoints(ready, target, 'nowhere')).toBe(0);
    const terminating = buildState([lb], [slice({ ready: false, serving: true, terminating: true })]);
    expect(localReadyEndpoints(terminating, target, 'test-node')).toBe(0);
  });

  it("answers 200 with kube-proxy's JSON while local endpoints exist, 503 otherwise", () => {
    const target = { namespace: 'ns1', name: 'svc1', servicePorts: [] };
    expect(healthCheckResponse(target, 1)).toEqual({
      status: 200,
      body: '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "svc1"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}',
    });
    expect(healthCheckResponse(target, 0).status).toBe(503);
  });
});

describe("kube-proxy's health server (10256)", () => {
  const CURRENT = '2026-11-22 12:00:00.25 +0000 UTC m=+3600.250000000';
  const SYNCED = '2026-11-22 11:59:40 +0000 UTC m=+3580.000000000';

  it.each([
    {
      name: '/healthz, healthy: the current time as lastUpdated',
      path: '/healthz',
      health: HEALTH,
      want: {
        status: 200,
        body: `{"lastUpdated": "${CURRENT}","currentTime": "${CURRENT}", "nodeEligible": true}`,
      },
    },
    {
      name: '/healthz, node being deleted: 503 with the last sync',
      path: '/healthz',
      health: { ...HEALTH, nodeEligible: false },
      want: {
        status: 503,
        body: `{"lastUpdated": "${SYNCED}","currentTime": "${CURRENT}", "nodeEligible": false}`,
      },
    },
    {
      name: '/healthz, proxy late: 503',
      path: '/healthz',
      health: { ...HEALTH, healthy: false },
      want: {
        status: 503,
        body: `{"lastUpdated": "${SYNCED}","currentTime": "${CURRENT}", "nodeEligible": true}`,
      },
    },
    {
      name: '/livez ignores the node',
      path: '/livez',
      health: { ...HEALTH, nodeEligible: false },
      want: { status: 200, body: `{"lastUpdated": "${CURRENT}","currentTime": "${CURRENT}"}` },
    },
    { name: 'any other path: none (404)', path: '/healthz/', health: HEALTH, want: undefined },
  ])('$name', ({ path, health, want }) => {
    expect(proxyHealthResponse(path, health)).toEqual(want);
  });

  it.each<{ name: string; node: Node | undefined; want: boolean }>([
    { name: 'unknown node', node: undefined, want: true },
    { name: 'plain node', node: { metadata: { name: 'n' }, spec: { taints: [] } }, want: true },
    {
      name: 'being deleted',
      node: { metadata: { name: 'n', deletionTimestamp: '2026-11-22T12:00:00Z' } },
      want: false,
    },
    {
      name: 'tainted by the Cluster Autoscaler',
      node: {
        metadata: { name: 'n' },
        spec: {
          taints: [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1700000000', effect: 'NoSchedule' }],
        },
      },
      want: false,
    },
  ])('nodeEligible: $name', ({ node, want }) => {
    expect(nodeEligible(node)).toBe(want);
  });

  it("is framed as Go's net/http frames it: sorted headers, Date, Content-Length; 404 and HEAD as the mux answers", async () => {
    const body = `{"lastUpdated": "${CURRENT}","currentTime": "${CURRENT}", "nodeEligible": true}`;
    const date = 'Date: Sun, 22 Nov 2026 12:00:00 GMT';
    expect(await raw('GET /healthz HTTP/1.1\r\nHost: n\r\nX-Proxy-Health: 1\r\n\r\n', /}$/)).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n' +
        `${date}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(await raw('GET /metrics HTTP/1.1\r\nHost: n\r\nX-Proxy-Health: 1\r\n\r\n', /found\n$/)).toBe(
      'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n' +
        `${date}\r\nContent-Length: 19\r\n\r\n404 page not found\n`,
    );
    expect(await raw('HEAD /livez HTTP/1.1\r\nHost: n\r\nX-Proxy-Health: 1\r\n\r\n', /\r\n\r\n$/)).toMatch(
      /^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json\r\nX-Content-Type-Options: nosniff\r\nDate: [^\r]+\r\nContent-Length: \d+\r\n\r\n$/,
    );
  });
});
