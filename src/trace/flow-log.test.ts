import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../dataplane/flow.js';
import { PendingFlow } from '../dataplane/flow-builder.js';
import type { PathWorld } from '../dataplane/path.js';
import { compactFlow, stampMilli } from './flow-compact.js';
import { type FlowFilter, matchesFlow, parseFlowFilter } from './flow-filter.js';
import { estimateFlowBytes, estimatePendingBytes, FlowLog } from './flow-log.js';

let n = 0;

function flow(overrides: Partial<FlowRecord> = {}): FlowRecord {
  n++;
  const original = { src: { ip: '10.244.1.9', port: 40000 + n }, dst: { ip: '10.96.0.50', port: 80 } };
  const translated = { src: original.src, dst: { ip: '10.244.2.7', port: 8080 } };
  return {
    time: '2025-11-22T02:10:01.123456789Z',
    uuid: `uuid-${n}`,
    verdict: 'FORWARDED',
    Type: 'L3_L4',
    node_name: 'worker-1',
    IP: { source: original.src.ip, destination: translated.dst.ip, ipVersion: 'IPv4' },
    l4: { TCP: { source_port: original.src.port, destination_port: 8080 } },
    source: { ip: original.src.ip, port: original.src.port, namespace: 'default', pod_name: 'client-abc' },
    destination: { ip: '10.244.2.7', port: 8080, namespace: 'default', pod_name: 'web-7d4b9-x2x7k' },
    destination_service: { namespace: 'default', name: 'web', port: 'http' },
    traffic_direction: 'EGRESS',
    is_reply: false,
    Summary: 'TCP 10.244.1.9 -> 10.96.0.50:80 → 10.244.2.7:8080 (default/web:http) FORWARDED',
    original,
    translated,
    node_hops: ['worker-1', 'worker-2'],
    hops: [{ component: 'pod', action: 'Delivered', node: 'worker-2', summary: 'default/web eth0' }],
    bytes: { sent: 78, received: 312 },
    duration_ms: 3,
    ...overrides,
  };
}

describe('FlowLog', () => {
  it('keeps at most maxFlows records, the newest', () => {
    const log = new FlowLog({ maxFlows: 3 });
    const flows = [flow(), flow(), flow(), flow(), flow()];
    for (const f of flows) log.record(f);
    expect(log.list().map((f) => f.uuid)).toEqual(flows.slice(2).map((f) => f.uuid));
    expect(log.stats()).toMatchObject({ flows: 3, evicted: 2, total: 5 });
  });

  it('keeps the estimated bytes under maxBytes', () => {
    const size = estimateFlowBytes(flow());
    const log = new FlowLog({ maxFlows: 1000, maxBytes: size * 4.5 });
    for (let i = 0; i < 50; i++) log.record(flow());
    expect(log.stats().flows).toBe(4);
    expect(log.stats().bytes).toBeLessThanOrEqual(size * 4.5);
  });

  it('lists the last `limit` records passing a filter, oldest first', () => {
    const log = new FlowLog();
    const a = flow({ verdict: 'DROPPED', drop_reason_desc: 'no endpoints' });
    const b = flow();
    const c = flow({ verdict: 'DROPPED' });
    for (const f of [a, b, c]) log.record(f);
    expect(log.list({ filter: { verdict: ['DROPPED'] } }).map((f) => f.uuid)).toEqual([a.uuid, c.uuid]);
    expect(log.list({ limit: 2 }).map((f) => f.uuid)).toEqual([b.uuid, c.uuid]);
  });

  it('tells watchers about matching records until they stop, and survives a failing one', () => {
    const log = new FlowLog();
    const seen: string[] = [];
    log.watch(() => {
      throw new Error('closed stream');
    });
    const stop = log.watch((f) => seen.push(f.uuid), { verdict: ['DROPPED'] });
    const dropped = flow({ verdict: 'DROPPED' });
    log.record(flow());
    log.record(dropped);
    stop();
    log.record(flow({ verdict: 'DROPPED' }));
    expect(seen).toEqual([dropped.uuid]);
  });

  it('records nothing while disabled', () => {
    const log = new FlowLog({ enabled: false });
    log.record(flow());
    expect(log.enabled).toBe(false);
    expect(log.stats().flows).toBe(0);
  });
});

/** A flow as the dataplane hands it over: built only when read. */
function pending(verdict: 'FORWARDED' | 'DROPPED' = 'FORWARDED'): PendingFlow {
  const f = flow();
  const world = { podByIP: () => undefined, nodeByAddress: () => undefined } as unknown as PathWorld;
  return new PendingFlow({
    plan: {
      outcome: { kind: 'refused', reason: 'x' },
      seen: f.translated,
      hops: f.hops,
      service: 'default/web:http',
      masquerade: false,
      proxyNode: 'worker-1',
      serviceAddress: undefined,
      candidates: [],
      updates: [],
    },
    origin: { kind: 'host' },
    original: f.original,
    protocol: 'TCP',
    verdict,
    reason: verdict === 'DROPPED' ? 'no endpoints' : undefined,
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_000_003,
    bytes: { sent: 1, received: 2 },
    world,
  });
}

describe('FlowLog with pending flows', () => {
  it('builds each record once, on the first read: the same uuid on every read', () => {
    const log = new FlowLog();
    for (let i = 0; i < 3; i++) log.recordPending(pending());
    const first = log.list();
    expect(first).toHaveLength(3);
    expect(first.every((f) => f.destination_service?.name === 'web' && f.hops.length === 1)).toBe(true);
    expect(log.list().map((f) => f.uuid)).toEqual(first.map((f) => f.uuid));
    expect(new Set(first.map((f) => f.uuid)).size).toBe(3);
  });

  it('filters on the built records and keeps the byte bound with them counted as built', () => {
    const size = estimatePendingBytes(pending());
    const log = new FlowLog({ maxBytes: size * 3.5 });
    for (let i = 0; i < 10; i++) log.recordPending(pending(i % 2 ? 'DROPPED' : 'FORWARDED'));
    expect(log.stats()).toMatchObject({ flows: 3, evicted: 7, total: 10 });
    // The last three: DROPPED, FORWARDED, DROPPED.
    expect(log.list({ filter: { verdict: ['DROPPED'] } }).map((f) => f.drop_reason_desc)).toEqual([
      'no endpoints',
      'no endpoints',
    ]);
    for (const f of log.list()) expect(estimateFlowBytes(f)).toBeLessThanOrEqual(size);
  });

  it('gives watchers the record at once, and records nothing while disabled', () => {
    const log = new FlowLog();
    const seen: FlowRecord[] = [];
    log.watch((f) => seen.push(f), { verdict: ['DROPPED'] });
    log.recordPending(pending());
    log.recordPending(pending('DROPPED'));
    expect(seen.map((f) => f.verdict)).toEqual(['DROPPED']);
    expect(log.list().at(-1)?.uuid).toBe(seen[0]?.uuid);
    log.setEnabled(false);
    log.recordPending(pending());
    expect(log.stats().total).toBe(2);
  });
});

describe('flow filters', () => {
  it.each<{ name: string; filter: FlowFilter; want: boolean }>([
    { name: 'pod by name prefix', filter: { pod: ['web-7d4b9'] }, want: true },
    { name: 'pod by namespace/prefix', filter: { pod: ['default/client'] }, want: true },
    { name: 'pod in another namespace', filter: { pod: ['kube-system/client'] }, want: false },
    { name: 'service by name', filter: { service: ['web'] }, want: true },
    { name: 'service by namespace/name', filter: { service: ['default/web'] }, want: true },
    { name: 'another service', filter: { service: ['api'] }, want: false },
    { name: 'one of several verdicts', filter: { verdict: ['DROPPED', 'FORWARDED'] }, want: true },
    { name: 'node crossed', filter: { node: ['worker-2'] }, want: true },
    { name: 'Service port', filter: { port: [80] }, want: true },
    { name: 'UDP only', filter: { protocol: ['UDP'] }, want: false },
    { name: 'every dimension must hold', filter: { service: ['web'], verdict: ['DROPPED'] }, want: false },
  ])('$name', ({ filter, want }) => {
    expect(matchesFlow(filter, flow())).toBe(want);
  });

  it('parses repeated and comma-separated values and refuses bad ones', () => {
    const q = new URLSearchParams('pod=web,client&verdict=dropped&port=80&port=8080');
    expect(parseFlowFilter(q)).toEqual({ pod: ['web', 'client'], verdict: ['DROPPED'], port: [80, 8080] });
    expect(parseFlowFilter(new URLSearchParams('verdict=LOST'))).toBe(
      'invalid verdict "LOST": FORWARDED, DROPPED or ERROR',
    );
    expect(parseFlowFilter(new URLSearchParams('port=0'))).toBe('invalid port "0"');
  });
});

describe('compact flows', () => {
  it('prints a flow as hubble observe -o compact does, with the Service for the identity', () => {
    const line = compactFlow(
      flow({ source: { ip: '10.244.1.9', port: 41234, namespace: 'default', pod_name: 'client' } }) as never,
    );
    expect(line).toBe(
      'Nov 22 02:10:01.123: default/client:41234 -> default/web-7d4b9-x2x7k:8080 (svc default/web:http) to-endpoint FORWARDED (TCP Flags: SYN)\n',
    );
  });

  it('names nodes and the world, and the drop reason of a dropped flow', () => {
    const line = compactFlow(
      flow({
        verdict: 'DROPPED',
        drop_reason_desc: 'service default/empty:http has no endpoints',
        source: { ip: '127.0.0.1', port: 41234 },
        destination: { ip: '127.0.10.2', port: 30083, node_name: 'worker-1' },
      }) as never,
    );
    expect(line).toContain(
      '127.0.0.1:41234 (world) -> 127.0.10.2:30083 (node worker-1) (svc default/web:http) service default/empty:http has no endpoints DROPPED',
    );
  });

  it('stamps times as Go time.StampMilli in the given zone', () => {
    expect(stampMilli('2025-01-02T03:04:05.678Z')).toBe('Jan  2 03:04:05.678');
    expect(stampMilli('2025-01-02T03:04:05.678Z', 'Asia/Tokyo')).toBe('Jan  2 12:04:05.678');
  });
});
