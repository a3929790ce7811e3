import { describe, expect, it } from 'vitest';
import { buildFlow, type FlowInput, PendingFlow, rfc3339Nano } from './flow-builder.js';
import type { PathPlan, PathPod, PathWorld } from './path.js';

const WEB: PathPod = {
  ip: '10.244.2.7',
  namespace: 'default',
  name: 'web-b',
  node: 'worker-2',
  veth: 'cali7f8e9d0c1b2',
};

/** The two lookups a flow makes, over a pod table the test can change. */
function world(pods: Map<string, PathPod>): PathWorld {
  const nodes = new Map([['127.0.10.2', 'worker-1']]);
  return {
    podByIP: (ip: string) => pods.get(ip),
    nodeByAddress: (ip: string) => nodes.get(ip),
  } as unknown as PathWorld;
}

const original = { src: { ip: '127.0.0.1', port: 41234 }, dst: { ip: '127.0.10.2', port: 30080 } };
const seen = { src: { ip: '127.0.10.2', port: 50001 }, dst: { ip: WEB.ip, port: 8080 } };

const plan: PathPlan = {
  outcome: { kind: 'pod', pod: WEB },
  seen,
  hops: [
    {
      component: 'node',
      action: 'Forwarded',
      node: 'worker-1',
      summary: 'worker-1 accepts 127.0.10.2:30080',
    },
    { component: 'tunnel', action: 'Forwarded', node: 'worker-1', summary: 'tunl0: IPIP to worker-2' },
    { component: 'pod', action: 'Delivered', node: 'worker-2', summary: 'default/web-b eth0' },
  ],
  service: 'default/web:http',
  masquerade: true,
  proxyNode: 'worker-1',
  serviceAddress: original.dst,
  candidates: [],
  updates: [],
};

function input(w: PathWorld): FlowInput {
  return {
    plan,
    origin: { kind: 'host' },
    original,
    protocol: 'TCP',
    verdict: 'FORWARDED',
    reason: undefined,
    startedAt: Date.UTC(2026, 10, 22, 2, 10, 1, 123) + 0.5,
    endedAt: Date.UTC(2026, 10, 22, 2, 10, 1, 126),
    bytes: { sent: 78, received: 312 },
    world: w,
  };
}

describe('PendingFlow', () => {
  it('builds the complete Hubble-shaped record once, on the first read', () => {
    const pending = new PendingFlow(input(world(new Map([[WEB.ip, WEB]]))));
    const r = pending.record();
    expect(pending.record()).toBe(r);
    expect(r).toMatchObject({
      time: '2026-11-22T02:10:01.123500000Z',
      verdict: 'FORWARDED',
      Type: 'L3_L4',
      node_name: 'worker-1',
      IP: { source: '127.0.0.1', destination: WEB.ip, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 41234, destination_port: 8080 } },
      source: { ip: '127.0.0.1', port: 41234 },
      destination: { ip: WEB.ip, port: 8080, namespace: 'default', pod_name: 'web-b' },
      destination_service: { namespace: 'default', name: 'web', port: 'http' },
      traffic_direction: 'INGRESS',
      is_reply: false,
      Summary: 'TCP 127.0.0.1:41234 -> 127.0.10.2:30080 → 10.244.2.7:8080 (default/web:http) FORWARDED',
      original,
      translated: seen,
      node_hops: ['worker-1', 'worker-2'],
      hops: plan.hops,
      bytes: { sent: 78, received: 312 },
      duration_ms: 2.5,
    });
    expect(r.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('names the pods as they were when the connection ran, not when the record is read', () => {
    const pods = new Map([[WEB.ip, WEB]]);
    const pending = new PendingFlow(input(world(pods)));
    pods.delete(WEB.ip); // the pod is gone (and its IP may be reused) before anyone reads the flow
    expect(pending.record().destination).toEqual({
      ip: WEB.ip,
      port: 8080,
      namespace: 'default',
      pod_name: 'web-b',
    });
  });

  it('is what buildFlow returns, with the reason of a dropped connection', () => {
    const w = world(new Map());
    const dropped = buildFlow({ ...input(w), verdict: 'DROPPED', reason: 'no endpoints' });
    expect(dropped.drop_reason_desc).toBe('no endpoints');
    expect(dropped.Summary).toMatch(/ DROPPED: no endpoints$/);
    expect(dropped.destination).toEqual({ ip: WEB.ip, port: 8080 });
  });
});

describe('rfc3339Nano', () => {
  it.each([
    {
      name: 'milliseconds and nanoseconds',
      ms: Date.UTC(2026, 0, 2, 3, 4, 5, 120) + 0.25,
      want: '2026-01-02T03:04:05.120250000Z',
    },
    {
      name: 'the next second (the cached prefix moves on)',
      ms: Date.UTC(2026, 0, 2, 3, 4, 6, 7),
      want: '2026-01-02T03:04:06.007000000Z',
    },
    {
      name: 'back to an earlier second',
      ms: Date.UTC(2025, 11, 31, 23, 59, 59, 999),
      want: '2025-12-31T23:59:59.999000000Z',
    },
  ])('$name', ({ ms, want }) => {
    expect(rfc3339Nano(ms)).toBe(want);
  });
});
