import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../workloads/types.js';
import type { FlowRecord, FlowSink } from './flow.js';
import type { Owner } from './flow-builder.js';
import { buildHttpFlow, httpFlowObserver, PendingHttpFlow } from './flow-http.js';
import type { PathPod, PathWorld } from './path.js';

const CLIENT: PathPod = {
  ip: '10.244.1.9',
  namespace: 'default',
  name: 'client',
  node: 'worker-1',
  veth: 'cali0',
};

function world(pods: Map<string, PathPod>): PathWorld {
  const nodes = new Map([['127.0.10.2', 'worker-1']]);
  return {
    podByIP: (ip: string) => pods.get(ip),
    nodeByAddress: (ip: string) => nodes.get(ip),
    inPodSubnet: (ip: string) => ip.startsWith('10.244.'),
  } as unknown as PathWorld;
}

const WEB_POD = {
  name: 'web-0',
  namespace: 'default',
  uid: 'u',
  ip: '10.244.2.7',
  nodeName: 'worker-2',
  hostname: 'web-0',
  labels: {},
  annotations: {},
};

const T = Date.UTC(2026, 10, 22, 2, 10, 1, 120);

/** whoami answering a pod's GET, as the dataplane delivered it. */
const APP: HttpExchange = {
  pod: WEB_POD,
  tuple: { protocol: 'TCP', srcIP: CLIENT.ip, srcPort: 41234, dstIP: WEB_POD.ip, dstPort: 80 },
  method: 'GET',
  target: '/api?x=1',
  host: 'web.default.svc.cluster.local',
  httpVersion: '1.1',
  scheme: 'http',
  status: 200,
  startedAt: T,
  endedAt: T + 2.5,
  requestBytes: 0,
  responseBytes: 312,
};

const CONTROLLER_POD = {
  ...WEB_POD,
  name: 'ingress-nginx-controller-x',
  namespace: 'ingress-nginx',
  ip: '10.244.0.50',
  nodeName: 'worker-1',
};

/** The ingress controller proxying a request from a node (SNAT) to web-0. */
const PROXIED: HttpExchange = {
  ...APP,
  pod: CONTROLLER_POD,
  tuple: { protocol: 'TCP', srcIP: '127.0.10.2', srcPort: 50001, dstIP: '10.244.0.50', dstPort: 80 },
  host: 'web.example',
  target: '/',
  answer: 'upstream',
  ingress: { namespace: 'default', name: 'web' },
  service: { namespace: 'default', name: 'web', port: 80 },
  endpoint: {
    address: WEB_POD.ip,
    port: 8080,
    pod: { namespace: 'default', name: 'web-0' },
    nodeName: 'worker-2',
  },
};

describe('L7 flow records', () => {
  it("an app's answer: Hubble's HTTP response record, the server as source", () => {
    const f = buildHttpFlow(APP, world(new Map([[CLIENT.ip, CLIENT]])));
    expect(f).toMatchObject({
      time: '2026-11-22T02:10:01.122500000Z',
      verdict: 'FORWARDED',
      Type: 'L7',
      node_name: 'worker-2',
      IP: { source: WEB_POD.ip, destination: CLIENT.ip, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 80, destination_port: 41234 } },
      source: { ip: WEB_POD.ip, port: 80, namespace: 'default', pod_name: 'web-0' },
      destination: { ip: CLIENT.ip, port: 41234, namespace: 'default', pod_name: 'client' },
      traffic_direction: 'INGRESS',
      is_reply: true,
      l7: {
        type: 'RESPONSE',
        latency_ns: 2_500_000,
        http: {
          code: 200,
          method: 'GET',
          url: 'http://web.default.svc.cluster.local/api?x=1',
          protocol: 'HTTP/1.1',
          host: 'web.default.svc.cluster.local',
        },
      },
      Summary: 'HTTP/1.1 200 2ms (GET http://web.default.svc.cluster.local/api?x=1)',
      original: { src: { ip: CLIENT.ip, port: 41234 }, dst: { ip: WEB_POD.ip, port: 80 } },
      node_hops: ['worker-2'],
      hops: [],
      bytes: { sent: 0, received: 312 },
      duration_ms: 2.5,
    });
    expect(f.ingress).toBeUndefined();
    expect(f.drop_reason_desc).toBeUndefined();
  });

  it('through the ingress controller: the endpoint pod answered, Service and Ingress named, both nodes', () => {
    const f = buildHttpFlow(PROXIED, world(new Map()));
    expect(f).toMatchObject({
      verdict: 'FORWARDED',
      node_name: 'worker-1',
      source: { ip: WEB_POD.ip, port: 8080, namespace: 'default', pod_name: 'web-0' },
      destination: { ip: '127.0.10.2', port: 50001, node_name: 'worker-1' },
      source_service: { namespace: 'default', name: 'web', port: '80' },
      ingress: {
        namespace: 'default',
        name: 'web',
        service: { namespace: 'default', name: 'web', port: '80' },
        endpoint: '10.244.2.7:8080',
        answered_by: 'upstream',
      },
      original: { src: { ip: '127.0.10.2', port: 50001 }, dst: { ip: '10.244.0.50', port: 80 } },
      translated: { src: { ip: '10.244.0.50', port: 0 }, dst: { ip: WEB_POD.ip, port: 8080 } },
      node_hops: ['worker-1', 'worker-2'],
    });
    expect(f.l7?.http.url).toBe('http://web.example/');
  });

  it.each([
    ['default-backend', 404, 'DROPPED', 'no Ingress rule matched: the default backend answered'],
    ['no-endpoints', 503, 'DROPPED', 'the backend Service has no ready endpoints'],
    ['upstream-failed', 502, 'ERROR', 'no endpoint of the backend answered'],
    ['client-closed', 499, 'ERROR', 'the client closed the connection before the response'],
    ['redirect', 308, 'FORWARDED', undefined],
  ] as const)(
    "the controller's own answer %s (%i) is %s, the controller pod the source",
    (answer, status, verdict, reason) => {
      const f = buildHttpFlow(
        { ...PROXIED, answer, status, endpoint: undefined, ingress: undefined },
        world(new Map()),
      );
      expect(f.verdict).toBe(verdict);
      expect(f.drop_reason_desc).toBe(reason);
      expect(f.source).toEqual({
        ip: '10.244.0.50',
        port: 80,
        namespace: 'ingress-nginx',
        pod_name: 'ingress-nginx-controller-x',
      });
      expect(f.source_service).toBeUndefined();
      expect(f.ingress?.answered_by).toBe(answer);
      expect(f.l7?.http.code).toBe(status);
    },
  );

  it('names the client pod as it was when the request was answered, and builds the record once', () => {
    const pods = new Map([[CLIENT.ip, CLIENT]]);
    const pending = new PendingHttpFlow(APP, world(pods));
    pods.clear();
    const first = pending.record();
    expect(first.destination.pod_name).toBe('client');
    expect(pending.record()).toBe(first);
  });

  it('names a node by its tunnel address (the client a remote pod sees after masquerade)', () => {
    const tunnel = (ip: string) => (ip === '10.244.235.128' ? 'worker-1' : undefined);
    const e = { ...APP, tuple: { ...APP.tuple, srcIP: '10.244.235.128' } };
    const f = new PendingHttpFlow(e, world(new Map()), tunnel).record();
    expect(f.destination).toEqual({ ip: '10.244.235.128', port: 41234, node_name: 'worker-1' });
  });

  it('without a Host header the URL names the address the pod was reached on', () => {
    const f = buildHttpFlow({ ...APP, host: undefined, httpVersion: '1.0' }, world(new Map()));
    expect(f.l7?.http).toEqual({
      code: 200,
      method: 'GET',
      url: 'http://10.244.2.7:80/api?x=1',
      protocol: 'HTTP/1.0',
    });
  });
});

describe('httpFlowObserver', () => {
  function sink(enabled: boolean) {
    const records: FlowRecord[] = [];
    const pending: PendingHttpFlow[] = [];
    const s: FlowSink & { enabled: boolean } = {
      enabled,
      record: (f) => records.push(f),
      recordPending: (f) => pending.push(f as PendingHttpFlow),
    };
    return { s, records, pending };
  }

  it('follows the sink: nothing while disabled, a pending flow (no record built) while enabled', () => {
    const { s, records, pending } = sink(false);
    const observer = httpFlowObserver(s, world(new Map()));
    expect(observer.enabled).toBe(false);
    observer.exchange(APP);
    expect(pending).toHaveLength(0);
    s.enabled = true;
    expect(observer.enabled).toBe(true);
    observer.exchange(APP);
    expect(pending).toHaveLength(1);
    expect(records).toHaveLength(0);
    expect(pending[0]?.record().Type).toBe('L7');
  });

  it("a connection's observer names its client once per network version, and anew after a change", () => {
    const pods = new Map([[CLIENT.ip, CLIENT]]);
    let lookups = 0;
    const w = world(pods);
    const counting = {
      ...w,
      podByIP: (ip: string) => {
        lookups++;
        return pods.get(ip);
      },
    } as PathWorld;
    const rows: { client: Owner; target: string }[] = [];
    const s: FlowSink = {
      enabled: true,
      record: () => {},
      recordHttp: (e, client) => rows.push({ client, target: e.target }),
    };
    let version = 7;
    const observer = httpFlowObserver(s, counting, undefined, () => version);
    const conn = observer.connection?.(APP.tuple);
    if (!conn) throw new Error('no connection observer with a network version');
    conn.exchange(APP);
    conn.exchange({ ...APP, target: '/second' });
    expect(lookups).toBe(1);
    // The client pod is deleted and its address given to another pod: the network changed.
    const other: PathPod = { ...CLIENT, name: 'other', veth: 'cali1' };
    pods.set(CLIENT.ip, other);
    version++;
    conn.exchange({ ...APP, target: '/third' });
    expect(lookups).toBe(2);
    expect(rows).toEqual([
      { client: CLIENT, target: '/api?x=1' },
      { client: CLIENT, target: '/second' },
      { client: other, target: '/third' },
    ]);
    // Disabled: nothing, and no lookup.
    (s as { enabled: boolean }).enabled = false;
    conn.exchange(APP);
    expect(rows).toHaveLength(3);
    // The plain observer (no connection) names the client on every request.
    (s as { enabled: boolean }).enabled = true;
    observer.exchange(APP);
    observer.exchange(APP);
    expect(lookups).toBe(4);
    expect(httpFlowObserver(s, counting).connection).toBeUndefined();
  });

  it('gives a sink without recordPending the built record', () => {
    const records: FlowRecord[] = [];
    httpFlowObserver({ enabled: true, record: (f) => records.push(f) }, world(new Map())).exchange(APP);
    expect(records.map((r) => r.Summary)).toEqual([
      'HTTP/1.1 200 2ms (GET http://web.default.svc.cluster.local/api?x=1)',
    ]);
  });
});
