/**
 * L7 flows from the ingress controller: each request it answers is reported
 * once, with the Ingress it matched, the backend Service and endpoint, and
 * who wrote the response (the endpoint, or the controller's own 404/503).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpExchange, HttpFlowObserver } from '../../workloads/types.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { CONTROLLER_POD_IP, IngressHarness } from '../testing/harness.js';
import { rawConnect, rawExchange } from '../testing/raw-client.js';
import { CASE_CLIENT_IP } from '../testing/run-cases.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Keeps the exchanges; `first` settles with the first one (the response may reach the client before). */
function recorder(enabled = true): HttpFlowObserver & { seen: HttpExchange[]; first: Promise<HttpExchange> } {
  const seen: HttpExchange[] = [];
  let resolve: (e: HttpExchange) => void = () => {};
  const first = new Promise<HttpExchange>((r) => {
    resolve = r;
  });
  return {
    enabled,
    seen,
    first,
    exchange(e) {
      seen.push(e);
      resolve(e);
    },
  };
}

const WEB = ingress('web', { rules: [rule('example.com', ['/', 'Prefix', 'web'])] });

async function start(httpFlows: HttpFlowObserver, notReady = false): Promise<IngressHarness> {
  const w = backendWorld([WEB], { web: { notReady } });
  h = await IngressHarness.start({
    snapshot: {
      ingresses: [WEB],
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
    httpFlows,
  });
  return h;
}

describe('ingress controller L7 flows', () => {
  it('a proxied request (lean keep-alive front): the endpoint answered, with Ingress, Service and pod', async () => {
    const flows = recorder();
    const h = await start(flows);
    const c = await rawConnect(h.httpPort);
    c.socket.write('GET /hello?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n');
    const e = await flows.first;
    await c.waitFor('\r\n\r\n');
    c.socket.destroy();
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(flows.seen).toHaveLength(1);
    expect(e).toMatchObject({
      method: 'GET',
      target: '/hello?x=1',
      host: 'example.com',
      httpVersion: '1.1',
      scheme: 'http',
      status: 200,
      answer: 'upstream',
      ingress: { namespace: 'default', name: 'web' },
      service: { namespace: 'default', name: 'web' },
      endpoint: { address: '10.244.10.2', port: 8080, pod: { namespace: 'default', name: 'web-0' } },
    });
    expect(e.tuple).toMatchObject({ srcIP: CASE_CLIENT_IP, dstIP: CONTROLLER_POD_IP, dstPort: 80 });
    expect(e.pod.namespace).toBe('ingress-nginx');
    expect(e.responseBytes).toBeGreaterThan(0);
  });

  it("the controller's own 404 (no rule matched) and 503 (no ready endpoint)", async () => {
    const flows = recorder();
    let h = await start(flows);
    await rawExchange(h.httpPort, 'GET /x HTTP/1.1\r\nHost: unknown.test\r\nConnection: close\r\n\r\n');
    expect(flows.seen.map((e) => [e.status, e.answer, e.host, e.ingress])).toEqual([
      [404, 'default-backend', 'unknown.test', undefined],
    ]);
    await h.close();
    h = await start(flows, true);
    await rawExchange(
      h.httpPort,
      'POST /api HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(flows.seen[1]).toMatchObject({
      method: 'POST',
      status: 503,
      answer: 'no-endpoints',
      ingress: { name: 'web' },
      service: { namespace: 'default', name: 'web' },
      endpoint: undefined,
    });
  });

  it('reports nothing while flows are off', async () => {
    const flows = recorder(false);
    const h = await start(flows);
    await rawExchange(h.httpPort, 'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect(flows.seen).toEqual([]);
  });
});
