import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../util/clock.js';
import type { PodObject } from '../runtime/pods.js';
import { podsToDelete, rankPodsForDeletion } from './ranking.js';

const NOW = Date.UTC(2026, 0, 1, 12);

interface PodSpec {
  name: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySecondsAgo?: number;
  createdSecondsAgo?: number;
  cost?: string;
  restarts?: number;
  uid?: string;
}

function pod(p: PodSpec): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: 'default',
      uid: p.uid ?? p.name,
      creationTimestamp: rfc3339(NOW - (p.createdSecondsAgo ?? 3600) * 1000),
      ...(p.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': p.cost } }
        : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(p.node ? { nodeName: p.node } : {}) },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: (p.ready ?? true) ? 'True' : 'False',
          lastTransitionTime: rfc3339(NOW - (p.readySecondsAgo ?? 3000) * 1000),
        },
      ],
      containerStatuses: [
        { name: 'c', image: 'x', imageID: '', ready: p.ready ?? true, restartCount: p.restarts ?? 0 },
      ],
    },
  };
}

describe('scale-down ranking (ActivePodsWithRanks)', () => {
  it.each<{ name: string; first: PodSpec; second: PodSpec }>([
    {
      name: 'unassigned before assigned',
      first: { name: 'a', phase: 'Pending' },
      second: { name: 'b', node: 'n1' },
    },
    {
      name: 'Pending before Running',
      first: { name: 'a', node: 'n1', phase: 'Pending' },
      second: { name: 'b', node: 'n1' },
    },
    {
      name: 'Pending before Unknown',
      first: { name: 'a', node: 'n1', phase: 'Pending' },
      second: { name: 'b', node: 'n1', phase: 'Unknown' },
    },
    {
      name: 'Unknown before Running',
      first: { name: 'a', node: 'n1', phase: 'Unknown' },
      second: { name: 'b', node: 'n1' },
    },
    {
      name: 'not ready before ready',
      first: { name: 'a', node: 'n1', ready: false },
      second: { name: 'b', node: 'n1' },
    },
    {
      name: 'lower deletion cost first',
      first: { name: 'a', node: 'n1', cost: '-5' },
      second: { name: 'b', node: 'n1', cost: '10' },
    },
    {
      name: 'malformed deletion cost counts as 0',
      first: { name: 'a', node: 'n1', cost: 'x' },
      second: { name: 'b', node: 'n1', cost: '1' },
    },
    { name: 'doubled-up node first', first: { name: 'a', node: 'n2' }, second: { name: 'b', node: 'n1' } },
    {
      name: 'ready more recently first',
      first: { name: 'a', node: 'n1', readySecondsAgo: 10 },
      second: { name: 'b', node: 'n1', readySecondsAgo: 5000 },
    },
    {
      name: 'ready within the same power of two: lower uid first',
      first: { name: 'z', uid: 'a-uid', node: 'n1', readySecondsAgo: 2000 },
      second: { name: 'y', uid: 'b-uid', node: 'n1', readySecondsAgo: 2100 },
    },
    {
      name: 'more restarts first',
      first: { name: 'a', node: 'n1', restarts: 3 },
      second: { name: 'b', node: 'n1', restarts: 1 },
    },
    {
      name: 'created more recently first',
      first: { name: 'a', node: 'n1', ready: false, createdSecondsAgo: 10 },
      second: { name: 'b', node: 'n1', ready: false, createdSecondsAgo: 5000 },
    },
  ])('$name', ({ first, second }) => {
    const a = pod(first);
    const b = pod(second);
    // n2 hosts one extra related pod, so pods there rank as doubled up.
    const related = [a, b, pod({ name: 'sibling', node: 'n2' })];
    expect(rankPodsForDeletion([b, a], related, NOW).map((p) => p.metadata.name)).toEqual([
      first.name,
      second.name,
    ]);
    expect(rankPodsForDeletion([a, b], related, NOW).map((p) => p.metadata.name)).toEqual([
      first.name,
      second.name,
    ]);
  });

  it('returns every pod unranked when all are deleted, and the first n otherwise', () => {
    const pods = [pod({ name: 'ready', node: 'n1' }), pod({ name: 'pending', phase: 'Pending' })];
    expect(podsToDelete(pods, pods, 2, NOW).map((p) => p.metadata.name)).toEqual(['ready', 'pending']);
    expect(podsToDelete(pods, pods, 1, NOW).map((p) => p.metadata.name)).toEqual(['pending']);
  });
});
