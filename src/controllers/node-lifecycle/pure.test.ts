import type { Node, NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { checkNodeHealth } from './health.js';
import {
  desiredNoScheduleTaints,
  matchingTolerations,
  minTolerationSeconds,
  swapTaints,
  taintSetDiff,
  toleratesTaint,
} from './taints.js';
import { computeZoneState, TainterQueue, zoneKey } from './zones.js';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

describe('toleratesTaint', () => {
  it.each<{ name: string; t: Toleration; taint: Taint; want: boolean }>([
    {
      name: 'Exists on the key',
      t: { key: unreachable.key, operator: 'Exists' },
      taint: unreachable,
      want: true,
    },
    {
      name: 'empty key with Exists tolerates everything',
      t: { operator: 'Exists' },
      taint: unreachable,
      want: true,
    },
    {
      name: 'other effect',
      t: { key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' },
      taint: unreachable,
      want: false,
    },
    {
      name: 'Equal needs the value',
      t: { key: 'k', value: 'v' },
      taint: { key: 'k', value: 'v', effect: 'NoExecute' },
      want: true,
    },
    {
      name: 'Equal, wrong value',
      t: { key: 'k', value: 'w', operator: 'Equal' },
      taint: { key: 'k', value: 'v', effect: 'NoExecute' },
      want: false,
    },
    { name: 'other key', t: { key: 'x', operator: 'Exists' }, taint: unreachable, want: false },
  ])('$name', ({ t, taint, want }) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('eviction timing', () => {
  const seconds = (s?: number): Toleration => ({
    key: unreachable.key,
    operator: 'Exists',
    effect: 'NoExecute',
    ...(s === undefined ? {} : { tolerationSeconds: s }),
  });
  it.each([
    { name: 'no tolerations: now', tolerations: [], all: false, min: 0 },
    { name: 'DefaultTolerationSeconds', tolerations: [seconds(300)], all: true, min: 300 },
    { name: 'forever', tolerations: [seconds()], all: true, min: -1 },
    { name: 'zero means now', tolerations: [seconds(0)], all: true, min: 0 },
  ])('$name', ({ tolerations, all, min }) => {
    const m = matchingTolerations([unreachable], tolerations);
    expect(m.allTolerated).toBe(all);
    if (all) expect(minTolerationSeconds(m.used)).toBe(min);
  });

  it('takes the shortest of several used tolerations', () => {
    expect(minTolerationSeconds([seconds(600), seconds(), seconds(120)])).toBe(120);
  });
});

describe('taint sets', () => {
  it('derives NoSchedule taints from conditions and cordon', () => {
    const node: Node = {
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: 'Ready', status: 'Unknown' },
          { type: 'MemoryPressure', status: 'True' },
          { type: 'NetworkUnavailable', status: 'False' },
        ],
      },
    };
    expect(desiredNoScheduleTaints(node).map((t) => t.key)).toEqual([
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/memory-pressure',
      'node.kubernetes.io/unschedulable',
    ]);
  });

  it('diffs by key and effect and swaps with timeAdded', () => {
    const have: Taint[] = [
      { key: 'a', effect: 'NoSchedule' },
      { key: 'b', effect: 'NoSchedule' },
    ];
    expect(
      taintSetDiff(
        [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'c', effect: 'NoSchedule' },
        ],
        have,
      ),
    ).toEqual({
      add: [{ key: 'c', effect: 'NoSchedule' }],
      remove: [{ key: 'b', effect: 'NoSchedule' }],
    });
    const now = Date.UTC(2026, 0, 1);
    expect(
      swapTaints(
        [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
        [unreachable],
        [],
        now,
      ),
    ).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      { ...unreachable, timeAdded: '2026-01-01T00:00:00Z' },
    ]);
    expect(swapTaints([{ ...unreachable, timeAdded: 'x' }], [unreachable], [], now)).toBeUndefined();
  });
});

describe('zones', () => {
  const ready = (status: string): NodeCondition => ({ type: 'Ready', status });
  it.each([
    { name: 'all ready', conds: ['True', 'True', 'True'], want: 'Normal' },
    { name: 'one of three down', conds: ['True', 'True', 'Unknown'], want: 'Normal' },
    { name: 'all down', conds: ['Unknown', 'False'], want: 'FullDisruption' },
    {
      name: 'three of four down',
      conds: ['Unknown', 'Unknown', 'Unknown', 'True'],
      want: 'PartialDisruption',
    },
    { name: 'two of three down (needs more than 2)', conds: ['Unknown', 'Unknown', 'True'], want: 'Normal' },
  ])('$name → $want', ({ conds, want }) => {
    expect(computeZoneState(conds.map(ready), 0.55).state).toBe(want);
  });

  it('keys nodes by region and zone labels', () => {
    expect(zoneKey({ metadata: {} })).toBe('');
    expect(zoneKey({ metadata: { labels: { 'topology.kubernetes.io/zone': 'a' } } })).toBe(':\u0000:a');
  });

  it('taints at most one node per 10 s at 0.1 qps, each node once', () => {
    const q = new TainterQueue(0.1, 0);
    expect(q.add('n1')).toBe(true);
    expect(q.add('n2')).toBe(true);
    expect(q.add('n1')).toBe(false);
    const taken: string[] = [];
    expect(q.drain(0, (n) => taken.push(n) > 0)).toBe(10_000);
    expect(taken).toEqual(['n1']);
    expect(q.drain(5_000, (n) => taken.push(n) > 0)).toBe(5_000);
    expect(q.drain(10_000, (n) => taken.push(n) > 0)).toBeUndefined();
    expect(taken).toEqual(['n1', 'n2']);
    expect(q.add('n1')).toBe(false);
    q.remove('n1');
    expect(q.add('n1')).toBe(true);
    q.setRate(0, 20_000);
    expect(q.drain(100_000, () => true)).toBeUndefined();
    expect(q.length).toBe(1);
  });
});

describe('checkNodeHealth', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const node = (heartbeat: string): Node => ({
    metadata: { name: 'n', creationTimestamp: '2026-01-01T00:00:00Z' },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          lastHeartbeatTime: heartbeat,
          lastTransitionTime: heartbeat,
        },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
      ],
    },
  });
  const input = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };

  it('stays healthy while the Lease is renewed, even with an old Ready heartbeat', () => {
    let r = checkNodeHealth({
      ...input,
      node: node('2026-01-01T00:00:00Z'),
      lease: undefined,
      saved: undefined,
      now: t0,
    });
    for (let s = 10; s <= 100; s += 10) {
      const lease = { spec: { renewTime: new Date(t0 + s * 1000).toISOString() } };
      r = checkNodeHealth({
        ...input,
        node: node('2026-01-01T00:00:00Z'),
        lease,
        saved: r.health,
        now: t0 + s * 1000,
      });
      expect(r.status).toBeUndefined();
    }
  });

  it('turns every kubelet condition Unknown after the grace period without a sign of life', () => {
    const first = checkNodeHealth({
      ...input,
      node: node('2026-01-01T00:00:00Z'),
      lease: undefined,
      saved: undefined,
      now: t0,
    });
    const at40 = checkNodeHealth({
      ...input,
      node: node('2026-01-01T00:00:00Z'),
      lease: undefined,
      saved: first.health,
      now: t0 + 40_000,
    });
    expect(at40.status).toBeUndefined();
    const r = checkNodeHealth({
      ...input,
      node: node('2026-01-01T00:00:00Z'),
      lease: undefined,
      saved: first.health,
      now: t0 + 41_000,
    });
    expect(r.observedReady.status).toBe('True');
    expect(r.currentReady).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    // Conditions the kubelet never posted are added as NodeStatusNeverUpdated.
    expect(r.status?.conditions?.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([
      'Ready=Unknown:NodeStatusUnknown',
      'MemoryPressure=Unknown:NodeStatusUnknown',
      'DiskPressure=Unknown:NodeStatusNeverUpdated',
      'PIDPressure=Unknown:NodeStatusNeverUpdated',
    ]);
    expect(r.status?.conditions?.[0]?.lastHeartbeatTime).toBe('2026-01-01T00:00:00Z');
    expect(r.status?.conditions?.[0]?.lastTransitionTime).toBe('2026-01-01T00:00:41Z');
  });

  it('adds the conditions a kubelet never posted after the startup grace period', () => {
    const bare: Node = { metadata: { name: 'n', creationTimestamp: '2026-01-01T00:00:00Z' }, status: {} };
    const r = checkNodeHealth({ ...input, node: bare, lease: undefined, saved: undefined, now: t0 + 61_000 });
    expect(r.status?.conditions?.[0]).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
    });
  });
});
