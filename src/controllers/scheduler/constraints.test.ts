import { describe, expect, it } from 'vitest';
import type { PodObject } from '../runtime/pods.js';
import { cacheOf, message, newNode, newPod, schedule } from './testing.js';
import type { NodeObject } from './types.js';

describe('topology spread constraints and pod affinity', () => {
  const zoned = () => [
    newNode('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } }),
    newNode('b', { labels: { 'topology.kubernetes.io/zone': 'z1' } }),
    newNode('c', { labels: { 'topology.kubernetes.io/zone': 'z2' } }),
    newNode('nozone'),
  ];
  const existing = (name: string, labels: Record<string, string>): PodObject => newPod(name, { labels });
  const spread = (when: 'DoNotSchedule' | 'ScheduleAnyway') =>
    newPod('p', {
      labels: { app: 'x' },
      spec: {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: when,
            labelSelector: { matchLabels: { app: 'x' } },
          },
        ],
      },
    });

  it('DoNotSchedule keeps the skew within maxSkew and needs the key on the node', () => {
    const cache = cacheOf(zoned(), [
      [existing('x1', { app: 'x' }), 'a'],
      [existing('x2', { app: 'x' }), 'b'],
    ]);
    expect(message(schedule(spread('DoNotSchedule'), cache))).toBe('scheduled on c');
    const full = cacheOf(
      zoned()
        .slice(0, 2)
        .concat(zoned()[3] as NodeObject),
      [[existing('x1', { app: 'x' }), 'a']],
    );
    expect(message(schedule(spread('DoNotSchedule'), full))).toBe('scheduled on b');
    const skewed = cacheOf(
      [zoned()[0] as NodeObject, zoned()[2] as NodeObject, zoned()[3] as NodeObject],
      [
        [existing('x1', { app: 'x' }), 'a'],
        [existing('x2', { app: 'x' }), 'a'],
      ],
    );
    // With nodeAffinityPolicy Ignore, zone z2 still counts as a domain (with 0 pods), so z1 is too skewed.
    const base = spread('DoNotSchedule');
    const constraint = { ...base.spec?.topologySpreadConstraints?.[0], nodeAffinityPolicy: 'Ignore' };
    const onlyA = {
      ...base,
      spec: {
        ...base.spec,
        nodeSelector: { 'topology.kubernetes.io/zone': 'z1' },
        topologySpreadConstraints: [constraint],
      },
    } as PodObject;
    expect(message(schedule(onlyA, skewed))).toBe(
      "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it('ScheduleAnyway prefers the emptier domain', () => {
    const cache = cacheOf(zoned(), [
      [existing('x1', { app: 'x' }), 'a'],
      [existing('x2', { app: 'x' }), 'b'],
    ]);
    expect(message(schedule(spread('ScheduleAnyway'), cache))).toBe('scheduled on c');
  });

  it('required pod affinity follows the pods it names into their zone', () => {
    const cache = cacheOf(zoned(), [[existing('db', { app: 'db' }), 'c']]);
    const pod = newPod('web', {
      spec: {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' },
            ],
          },
        },
      },
    });
    expect(message(schedule(pod, cache))).toBe('scheduled on c');
    expect(message(schedule(pod, cacheOf(zoned())))).toBe(
      "0/4 nodes are available: 4 node(s) didn't match pod affinity rules. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
  });
});
