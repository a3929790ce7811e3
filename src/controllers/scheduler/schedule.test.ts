import { describe, expect, it } from 'vitest';
import type { PodObject } from '../runtime/pods.js';
import { integerValue, milliCPU, podRequests } from './resources.js';
import { numFeasibleNodesToFind } from './schedule.js';
import {
  CONTROL_PLANE_TAINT,
  cacheOf,
  defaultCluster,
  message,
  newNode,
  newPod,
  schedule,
} from './testing.js';
import type { NodeObject } from './types.js';

describe('quantities and pod requests', () => {
  it.each<[string, number, number]>([
    ['100m', 100, 1],
    ['0.5', 500, 1],
    ['2', 2000, 2],
    ['1.5Gi', 1610612736000, 1610612736],
    ['128Mi', 134217728000, 134217728],
    ['1e3', 1000000, 1000],
    ['2G', 2e12, 2e9],
    ['1k', 1e6, 1000],
  ])('%s → %d millicores, %d', (q, milli, value) => {
    expect(milliCPU(q)).toBe(milli);
    expect(integerValue(q)).toBe(value);
  });

  it('takes the largest init container when it exceeds the containers, and adds sidecars and overhead', () => {
    const r = podRequests(
      {
        containers: [{ name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        initContainers: [
          { name: 'init', resources: { requests: { cpu: '500m' } } },
          {
            name: 'sidecar',
            restartPolicy: 'Always',
            resources: { requests: { cpu: '50m', memory: '16Mi' } },
          },
        ],
        overhead: { cpu: '10m' },
      },
      false,
    );
    expect(r).toEqual({ milliCPU: 510, memory: 80 * 1024 * 1024 });
    expect(podRequests({ containers: [{ name: 'a' }] }, true)).toEqual({
      milliCPU: 100,
      memory: 200 * 1024 * 1024,
    });
  });
});

describe('filters and the FailedScheduling message', () => {
  it('says why no node fits, with upstream preemption diagnostics (request larger than any node)', () => {
    const r = schedule(newPod('big', { cpu: '5' }), cacheOf(defaultCluster()));
    expect(message(r)).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('reports no preemption victims on nodes that are merely full', () => {
    const busy = newPod('busy', { cpu: '1500m' });
    const cache = cacheOf(defaultCluster(), [
      [busy, 'worker-1'],
      [{ ...busy, metadata: { ...busy.metadata, name: 'busy2' } }, 'worker-2'],
    ]);
    expect(message(schedule(newPod('web', { cpu: '1' }), cache))).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it.each<{ name: string; pod: PodObject; nodes: NodeObject[]; want: string }>([
    {
      name: 'nodeSelector',
      pod: newPod('p', { spec: { nodeSelector: { disk: 'ssd' } } }),
      nodes: [newNode('a'), newNode('b', { labels: { disk: 'ssd' } })],
      want: 'scheduled on b',
    },
    {
      name: 'required node affinity matchExpressions (NotIn)',
      pod: newPod('p', {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }] },
                ],
              },
            },
          },
        },
      }),
      nodes: [newNode('a', { labels: { zone: 'z1' } }), newNode('b', { labels: { zone: 'z2' } })],
      want: 'scheduled on b',
    },
    {
      name: 'required node affinity matchFields on metadata.name',
      pod: newPod('p', {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] },
                ],
              },
            },
          },
        },
      }),
      nodes: [newNode('a'), newNode('b')],
      want: 'scheduled on a',
    },
    {
      name: 'nothing matches the selector',
      pod: newPod('p', { spec: { nodeSelector: { gpu: 'true' } } }),
      nodes: [newNode('a'), newNode('b')],
      want: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
    {
      name: 'a toleration lets a pod onto the control plane',
      pod: newPod('p', {
        spec: {
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
          ],
        },
      }),
      nodes: [newNode('cp', { taints: [CONTROL_PLANE_TAINT] })],
      want: 'scheduled on cp',
    },
    {
      name: 'NoExecute taints filter too; Equal needs the value',
      pod: newPod('p', {
        spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] },
      }),
      nodes: [
        newNode('a', { taints: [{ key: 'dedicated', value: 'web', effect: 'NoExecute' }] }),
        newNode('b', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }),
      ],
      want: 'scheduled on b',
    },
    {
      name: 'cordoned and not-ready nodes',
      pod: newPod('p'),
      nodes: [
        newNode('a', { unschedulable: true }),
        newNode('b', { ready: 'False' }),
        newNode('c', { ready: 'Unknown' }),
      ],
      want: '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    },
    {
      name: 'pod count and memory',
      pod: newPod('p', { memory: '3Gi' }),
      nodes: [newNode('a', { pods: '0' }), newNode('b', { memory: '2Gi' })],
      want: '0/2 nodes are available: 1 Insufficient memory, 1 Too many pods. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    },
  ])('$name', ({ pod, nodes, want }) => {
    expect(message(schedule(pod, cacheOf(nodes)))).toBe(want);
  });

  it('refuses a host port already bound on the node', () => {
    const port = { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }] };
    const cache = cacheOf([newNode('a'), newNode('b')], [[newPod('other', { spec: port }), 'a']]);
    expect(message(schedule(newPod('p', { spec: port }), cache))).toBe('scheduled on b');
    const udp = {
      containers: [
        { name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] },
      ],
    };
    expect(
      schedule(newPod('p', { spec: udp }), cacheOf([newNode('a')], [[newPod('other', { spec: port }), 'a']]))
        .kind,
    ).toBe('scheduled');
  });

  it('says so when there are no nodes', () => {
    expect(message(schedule(newPod('p'), cacheOf([])))).toBe('no nodes available to schedule pods');
  });
});

describe('scores', () => {
  it('prefers the least allocated node', () => {
    const cache = cacheOf([newNode('a'), newNode('b')], [[newPod('x', { cpu: '1', memory: '1Gi' }), 'a']]);
    expect(message(schedule(newPod('p', { cpu: '100m', memory: '100Mi' }), cache))).toBe('scheduled on b');
  });

  it('avoids PreferNoSchedule taints it does not tolerate', () => {
    const nodes = [newNode('a', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }), newNode('b')];
    expect(message(schedule(newPod('p'), cacheOf(nodes)))).toBe('scheduled on b');
  });

  it('follows preferred node affinity', () => {
    const pod = newPod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
              },
            ],
          },
        },
      },
    });
    expect(message(schedule(pod, cacheOf([newNode('a'), newNode('b', { labels: { disk: 'ssd' } })])))).toBe(
      'scheduled on b',
    );
  });
});

describe('percentageOfNodesToScore', () => {
  it.each<[number, number, number]>([
    [0, 50, 50],
    [0, 100, 100],
    [0, 200, 100],
    [0, 1000, 420],
    [0, 5000, 500],
    [0, 10000, 500],
    [10, 5000, 500],
    [30, 1000, 300],
  ])('percentage %d of %d nodes → find %d', (pct, nodes, want) => {
    expect(numFeasibleNodesToFind(pct, nodes)).toBe(want);
  });

  it('stops after enough feasible nodes and rotates the start index', () => {
    const nodes = Array.from({ length: 200 }, (_, i) => newNode(`n${String(i).padStart(3, '0')}`));
    const cache = cacheOf(nodes);
    const first = schedule(newPod('p'), cache, 150);
    expect(first).toMatchObject({
      kind: 'scheduled',
      evaluatedNodes: 100,
      feasibleNodes: 100,
      nextStartIndex: 50,
    });
  });
});
