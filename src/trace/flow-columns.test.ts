/**
 * The flow log's column storage: a flow recorded by copying its fields
 * (`recordHttp`, `recordConnection`) reads back as the record built from the
 * objects themselves, keeps who owned each address when it was recorded, and
 * shares the ring's bounds, order, watchers and stable uuids with every other
 * kind of kept flow.
 */
import { describe, expect, it } from 'vitest';
import { buildFlow, type FlowInput, ownerOf, PendingFlow } from '../dataplane/flow-builder.js';
import { buildHttpFlow, PendingHttpFlow } from '../dataplane/flow-http.js';
import type { PathPod, PathWorld } from '../dataplane/path.js';
import type { HttpExchange } from '../workloads/types.js';
import { estimatePendingBytes, FlowLog } from './flow-log.js';

const CLIENT: PathPod = {
  ip: '10.244.1.9',
  namespace: 'default',
  name: 'client',
  node: 'worker-1',
  veth: 'c',
};
const WEB: PathPod = { ip: '10.244.2.7', namespace: 'default', name: 'web-1', node: 'worker-2', veth: 'w' };

/** A world whose pods can be deleted, as the cluster's can between a flow and its read. */
function world(pods: PathPod[]): PathWorld {
  return {
    podByIP: (ip: string) => pods.find((p) => p.ip === ip),
    nodeByAddress: (ip: string) => (ip === '127.0.10.2' ? 'worker-1' : undefined),
  } as unknown as PathWorld;
}

const T = Date.UTC(2026, 10, 22, 9, 0, 0, 250);

function exchange(overrides: Partial<HttpExchange> = {}): HttpExchange {
  return {
    pod: {
      name: 'web-1',
      namespace: 'default',
      uid: 'u',
      ip: WEB.ip,
      nodeName: 'worker-2',
      hostname: 'web-1',
      labels: {},
      annotations: {},
    },
    tuple: { protocol: 'TCP', srcIP: CLIENT.ip, srcPort: 41234, dstIP: WEB.ip, dstPort: 8080 },
    method: 'GET',
    // A string built at run time, as a parser hands it over.
    target: ['/api', 'items?page=2'].join('/'),
    host: 'web.default.svc.cluster.local',
    httpVersion: '1.1',
    scheme: 'http',
    status: 200,
    startedAt: T - 2.5,
    endedAt: T,
    requestBytes: 0,
    responseBytes: 512,
    ...overrides,
  };
}

const PROXIED = exchange({
  answer: 'upstream',
  ingress: { namespace: 'shop', name: 'shop' },
  service: { namespace: 'shop', name: 'cart', port: 80 },
  endpoint: {
    address: WEB.ip,
    port: 8080,
    pod: { namespace: 'default', name: 'web-1' },
    nodeName: 'worker-2',
  },
});

function connection(verdict: 'FORWARDED' | 'DROPPED', w: PathWorld, srcPort = 40001): FlowInput {
  const original = { src: { ip: CLIENT.ip, port: srcPort }, dst: { ip: '10.96.0.50', port: 80 } };
  const seen = { src: original.src, dst: { ip: WEB.ip, port: 8080 } };
  return {
    plan: {
      outcome: { kind: 'refused', reason: 'x' },
      seen,
      hops: [
        { component: 'pod', action: 'Forwarded', node: 'worker-1', summary: 'default/client eth0' },
        { component: 'pod', action: 'Delivered', node: 'worker-2', summary: 'default/web-1 eth0' },
      ],
      service: 'default/web:http',
      masquerade: false,
      proxyNode: 'worker-1',
      serviceAddress: undefined,
      candidates: [],
      updates: [],
    },
    origin: { kind: 'pod', namespace: 'default', name: 'client', ip: CLIENT.ip, node: 'worker-1' },
    original,
    protocol: 'TCP',
    verdict,
    reason: verdict === 'DROPPED' ? 'nothing listens on the destination port' : undefined,
    startedAt: T - 4,
    endedAt: T,
    bytes: { sent: 78, received: 312 },
    world: w,
  };
}

function withoutUuid<T extends { uuid: string }>(f: T | undefined): Omit<T, 'uuid'> | undefined {
  if (!f) return undefined;
  const { uuid: _uuid, ...rest } = f;
  return rest;
}

describe('FlowLog columns, L7', () => {
  it('reads an answered request back as the record built from the exchange, for apps and the ingress', () => {
    const w = world([CLIENT, WEB]);
    const log = new FlowLog();
    for (const e of [exchange(), PROXIED, exchange({ host: undefined, httpVersion: '1.0', status: 404 })])
      log.recordHttp(e, ownerOf(w, e.tuple.srcIP));
    const read = log.list();
    expect(read.map(withoutUuid)).toEqual(
      [exchange(), PROXIED, exchange({ host: undefined, httpVersion: '1.0', status: 404 })].map((e) =>
        withoutUuid(buildHttpFlow(e, w)),
      ),
    );
    expect(read[1]?.ingress).toEqual({
      namespace: 'shop',
      name: 'shop',
      service: { namespace: 'shop', name: 'cart', port: '80' },
      endpoint: '10.244.2.7:8080',
      answered_by: 'upstream',
    });
    // Built once: the same objects, so the same uuids, on every read.
    expect(log.list()).toEqual(read);
    expect(log.list()[0]).toBe(read[0]);
  });

  it('copies the exchange: changing it afterwards, or deleting the client pod, changes nothing', () => {
    const pods = [CLIENT, WEB];
    const w = world(pods);
    const log = new FlowLog();
    const e = { ...exchange(), tuple: { ...exchange().tuple } } as {
      -readonly [K in keyof HttpExchange]: HttpExchange[K];
    };
    log.recordHttp(e, ownerOf(w, e.tuple.srcIP));
    e.status = 500;
    e.target = '/changed';
    pods.splice(0, 1);
    const [f] = log.list();
    expect(f?.l7?.http).toMatchObject({
      code: 200,
      url: 'http://web.default.svc.cluster.local/api/items?page=2',
    });
    expect(f?.destination).toEqual({ ip: CLIENT.ip, port: 41234, namespace: 'default', pod_name: 'client' });
  });
});

describe('FlowLog columns, L3/L4', () => {
  it('reads a finished connection back as the record built from its plan, with the owners of then', () => {
    const pods = [CLIENT, WEB];
    const w = world(pods);
    const log = new FlowLog();
    const inputs = [connection('FORWARDED', w), connection('DROPPED', w, 40002)];
    const expected = inputs.map((i) => withoutUuid(buildFlow(i)));
    for (const i of inputs) log.recordConnection(i);
    pods.length = 0; // both pods deleted before anyone reads
    const read = log.list();
    expect(read.map(withoutUuid)).toEqual(expected);
    expect(read[0]?.source).toMatchObject({ namespace: 'default', pod_name: 'client' });
    expect(read[1]?.drop_reason_desc).toBe('nothing listens on the destination port');
    expect(read[0]?.node_hops).toEqual(['worker-1', 'worker-2']);
    expect(log.list()[1]).toBe(read[1]);
  });

  it('counts a row as its built record, bounds rows of every kind together, and tells watchers at once', () => {
    const w = world([CLIENT, WEB]);
    const input = connection('FORWARDED', w);
    const log = new FlowLog({ maxFlows: 3 });
    const told: string[] = [];
    log.watch((f) => told.push(f.uuid), { type: ['l7'] });
    log.recordConnection(input);
    log.recordHttp(exchange(), undefined);
    log.recordConnection(connection('DROPPED', w, 40003));
    log.recordHttp(exchange({ status: 503 }), undefined);
    expect(log.stats()).toMatchObject({ flows: 3, evicted: 1, total: 4 });
    const kinds = log.list().map((f) => `${f.Type} ${f.l7?.http?.code ?? f.verdict}`);
    expect(kinds).toEqual(['L7 200', 'L3_L4 DROPPED', 'L7 503']);
    expect(told).toEqual(log.list({ filter: { type: ['l7'] } }).map((f) => f.uuid));
    // The same size estimate as the object form of the same flows.
    const one = new FlowLog();
    one.recordConnection(input);
    one.recordHttp(exchange(), undefined);
    const objects =
      estimatePendingBytes(new PendingFlow(input)) + estimatePendingBytes(new PendingHttpFlow(exchange(), w));
    expect(one.stats().bytes).toBe(objects);
  });

  it('records nothing while disabled', () => {
    const log = new FlowLog({ enabled: false });
    log.recordConnection(connection('FORWARDED', world([])));
    log.recordHttp(exchange(), undefined);
    expect(log.stats().total).toBe(0);
    expect(log.list()).toEqual([]);
  });
});
