/**
 * L7 records in the flow log: Hubble's HTTP filters (`--type l7`,
 * `--http-status`, `--http-method`, `--http-path`), the compact line of an
 * HTTP response, and pending L7 flows kept and built on first read.
 */
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../dataplane/flow.js';
import { buildHttpFlow, PendingHttpFlow } from '../dataplane/flow-http.js';
import type { PathWorld } from '../dataplane/path.js';
import type { HttpExchange } from '../workloads/types.js';
import { compactFlow } from './flow-compact.js';
import { type FlowFilter, matchesFlow, parseFlowFilter, urlPath } from './flow-filter.js';
import { estimateFlowBytes, estimatePendingBytes, FlowLog } from './flow-log.js';

const WORLD = {
  podByIP: (ip: string) =>
    ip === '10.244.1.9'
      ? { ip, namespace: 'default', name: 'client', node: 'worker-1', veth: 'c' }
      : undefined,
  nodeByAddress: (ip: string) => (ip === '127.0.10.2' ? 'worker-1' : undefined),
  inPodSubnet: (ip: string) => ip.startsWith('10.244.'),
} as unknown as PathWorld;

const T = Date.UTC(2025, 10, 22, 2, 10, 1, 123);

function exchange(overrides: Partial<HttpExchange> = {}): HttpExchange {
  return {
    pod: {
      name: 'web-7d4b9-x2x7k',
      namespace: 'default',
      uid: 'u',
      ip: '10.244.2.7',
      nodeName: 'worker-2',
      hostname: 'web',
      labels: {},
      annotations: {},
    },
    tuple: { protocol: 'TCP', srcIP: '10.244.1.9', srcPort: 41234, dstIP: '10.244.2.7', dstPort: 8080 },
    method: 'POST',
    target: '/v1/request-landing?fast=1',
    host: 'web.default.svc.cluster.local',
    httpVersion: '1.1',
    scheme: 'http',
    status: 201,
    startedAt: T - 6.4,
    endedAt: T,
    requestBytes: 12,
    responseBytes: 40,
    ...overrides,
  };
}

const L7 = buildHttpFlow(exchange(), WORLD);
const { l7: _l7, ...plain } = L7;
const L4: FlowRecord = {
  ...plain,
  Type: 'L3_L4',
  is_reply: false,
  destination_service: { namespace: 'default', name: 'web' },
};

describe('HTTP flow filters', () => {
  it.each<{ name: string; filter: FlowFilter; l7: boolean; l4: boolean }>([
    { name: '--type l7', filter: { type: ['l7'] }, l7: true, l4: false },
    { name: '--type trace', filter: { type: ['trace'] }, l7: false, l4: true },
    { name: '--type drop', filter: { type: ['drop'] }, l7: false, l4: false },
    { name: 'a whole status', filter: { httpStatus: ['201'] }, l7: true, l4: false },
    { name: 'a status prefix 2+', filter: { httpStatus: ['2'] }, l7: true, l4: false },
    { name: 'a status prefix 20+', filter: { httpStatus: ['20'] }, l7: true, l4: false },
    { name: 'another status', filter: { httpStatus: ['4', '500'] }, l7: false, l4: false },
    { name: 'the method', filter: { httpMethod: ['GET', 'POST'] }, l7: true, l4: false },
    { name: 'another method', filter: { httpMethod: ['GET'] }, l7: false, l4: false },
    { name: 'a path regex', filter: { httpPath: [/^\/v1\//] }, l7: true, l4: false },
    { name: 'the query is not in the path', filter: { httpPath: [/fast/] }, l7: false, l4: false },
    { name: 'the Service of an L3/L4 record', filter: { service: ['default/web'] }, l7: false, l4: true },
  ])('$name', ({ filter, l7, l4 }) => {
    expect(matchesFlow(filter, L7)).toBe(l7);
    expect(matchesFlow(filter, L4)).toBe(l4);
  });

  it('matches the backend Service of an ingress record however it was answered', () => {
    const f = buildHttpFlow(
      exchange({
        answer: 'no-endpoints',
        status: 503,
        service: { namespace: 'shop', name: 'cart', port: 'http' },
        ingress: { namespace: 'shop', name: 'cart' },
      }),
      WORLD,
    );
    expect(matchesFlow({ service: ['shop/cart'] }, f)).toBe(true);
    expect(matchesFlow({ verdict: ['DROPPED'], httpStatus: ['5'] }, f)).toBe(true);
  });

  it('parses the HTTP filters as hubble observe does and refuses bad ones', () => {
    const q = new URLSearchParams('type=L7&http_status=404,5%2B&http_method=get&http_path=^/a,b$');
    const f = parseFlowFilter(q) as FlowFilter;
    expect(f.type).toEqual(['l7']);
    expect(f.httpStatus).toEqual(['404', '5']);
    expect(f.httpMethod).toEqual(['GET']);
    expect(f.httpPath?.map(String)).toEqual(['/^\\/a,b$/']);
    expect(parseFlowFilter(new URLSearchParams('http_status=2xx'))).toBe(
      'invalid http status code filter: invalid status code prefix: "2xx"',
    );
    expect(parseFlowFilter(new URLSearchParams('http_status=600'))).toContain('invalid status code prefix');
    expect(parseFlowFilter(new URLSearchParams('type=policy-verdict'))).toBe(
      'invalid type "policy-verdict": l7, trace or drop',
    );
    expect(parseFlowFilter(new URLSearchParams('http_path=('))).toMatch(/^invalid http path filter: \(: /);
  });

  it.each([
    ['http://h/a/b?x=1', '/a/b'],
    ['http://h', '/'],
    ['/a#f', '/a'],
    ['https://h:8443/', '/'],
  ])('the path of %s is %s', (url, path) => {
    expect(urlPath(url)).toBe(path);
  });
});

describe('compact L7 flows', () => {
  it('prints the client first and <-, then http-response and the HTTP summary, as hubble observe', () => {
    expect(compactFlow(L7 as never)).toBe(
      'Nov 22 02:10:01.123: default/client:41234 <- default/web-7d4b9-x2x7k:8080 http-response FORWARDED (HTTP/1.1 201 6ms (POST http://web.default.svc.cluster.local/v1/request-landing?fast=1))\n',
    );
  });

  it('names the Service and the Ingress of an ingress record', () => {
    const f = buildHttpFlow(
      exchange({
        tuple: { protocol: 'TCP', srcIP: '127.0.10.2', srcPort: 50001, dstIP: '10.244.0.50', dstPort: 80 },
        method: 'GET',
        target: '/',
        host: 'shop.example',
        status: 404,
        answer: 'default-backend',
      }),
      WORLD,
    );
    expect(compactFlow(f as never)).toBe(
      'Nov 22 02:10:01.123: 127.0.10.2:50001 (node worker-1) <- default/web-7d4b9-x2x7k:80 http-response DROPPED (HTTP/1.1 404 6ms (GET http://shop.example/))\n',
    );
    const proxied = buildHttpFlow(
      exchange({
        answer: 'upstream',
        ingress: { namespace: 'shop', name: 'cart' },
        service: { namespace: 'shop', name: 'cart', port: 80 },
        endpoint: { address: '10.244.3.4', port: 8080, pod: { namespace: 'shop', name: 'cart-0' } },
      }),
      WORLD,
    );
    expect(compactFlow(proxied as never)).toContain(
      'default/client:41234 <- shop/cart-0:8080 (svc shop/cart:80) (ingress shop/cart) http-response FORWARDED',
    );
  });
});

describe('FlowLog with L7 flows', () => {
  it('keeps pending L7 flows, builds them on first read, and counts them as built', () => {
    const log = new FlowLog({ maxFlows: 10 });
    const pending = new PendingHttpFlow(exchange(), WORLD);
    log.recordPending(pending);
    const [first] = log.list();
    expect(first?.Type).toBe('L7');
    expect(log.list()[0]).toBe(first);
    expect(log.list({ filter: { type: ['l7'], httpMethod: ['POST'] } })).toHaveLength(1);
    expect(estimatePendingBytes(pending)).toBeGreaterThanOrEqual(estimateFlowBytes(first as FlowRecord));
  });
});
