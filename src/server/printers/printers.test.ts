import { describe, expect, it } from 'vitest';
import { type KubeObject, RESOURCES } from '../../api/index.js';
import { columnsFor, printRow, printTable } from './index.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

function obj(kind: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(300), ...meta },
    ...rest,
  } as KubeObject;
}

const running = { running: { startedAt: ago(100) } };

const pod = obj('Pod', {
  spec: { nodeName: 'worker-1', containers: [{ name: 'c' }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: running }],
  },
});

const done = obj('Pod', {
  spec: { nodeName: 'n', containers: [{ name: 'c' }] },
  status: {
    phase: 'Succeeded',
    containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  },
});

const deployment = obj('Deployment', {
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.25' },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  },
  status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
});

describe('printTable', () => {
  it('has one column per cell for every kind in the resource table', () => {
    for (const info of RESOURCES) {
      const row = printRow(info.kind, obj(info.kind, {}), NOW);
      expect(row.cells.length, info.kind).toBe(columnsFor(info.kind).length);
      expect(columnsFor(info.kind).filter((c) => c.format === 'name').length, info.kind).toBe(1);
    }
  });

  it('marks the wide columns with priority 1', () => {
    const wide = (kind: string) =>
      columnsFor(kind)
        .filter((c) => c.priority === 1)
        .map((c) => c.name);
    expect(wide('Pod')).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(wide('Deployment')).toEqual(['Containers', 'Images', 'Selector']);
    expect(wide('Service')).toEqual(['Selector']);
    expect(wide('Event')).toEqual(['Subobject', 'Source', 'First Seen', 'Count', 'Name']);
  });

  it('embeds PartialObjectMetadata by default, the object or null on request', () => {
    const meta = printTable('Pod', [pod], NOW, { resourceVersion: '7' });
    expect(meta.metadata).toEqual({ resourceVersion: '7' });
    expect(meta.rows[0]?.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    expect(printTable('Pod', [pod], NOW, { includeObject: 'Object' }).rows[0]?.object).toBe(pod);
    expect(printTable('Pod', [pod], NOW, { includeObject: 'None' }).rows[0]?.object).toBeNull();
    expect(printTable('Pod', [pod], NOW, { noHeaders: true }).columnDefinitions).toBeNull();
  });

  it('gives succeeded pods the Completed row condition', () => {
    expect(printRow('Pod', done, NOW).conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });

  it('matches the golden Table of a Deployment list', async () => {
    const table = printTable('Deployment', [deployment], NOW, {
      resourceVersion: '42',
    });
    await expect(`${JSON.stringify(table, null, 2)}\n`).toMatchFileSnapshot(
      '__golden__/deployment-table.json',
    );
  });
});
