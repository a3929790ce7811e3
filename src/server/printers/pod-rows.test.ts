import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { printRow } from './index.js';

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

interface Case {
  name: string;
  object: KubeObject;
  cells: unknown[];
}

const cases: Case[] = [
  {
    name: 'Pod running and ready',
    object: obj('Pod', {
      spec: { nodeName: 'worker-1', containers: [{ name: 'c' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.244.1.5' }],
        containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: running }],
      },
    }),
    cells: ['x', '1/1', 'Running', '0', '5m', '10.244.1.5', 'worker-1', '<none>', '<none>'],
  },
  {
    name: 'Pod pending, unscheduled',
    object: obj('Pod', { spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } }),
    cells: ['x', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'Pod ContainerCreating',
    object: obj('Pod', {
      spec: { nodeName: 'n', containers: [{ name: 'c' }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    }),
    cells: ['x', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'n', '<none>', '<none>'],
  },
  {
    name: 'Pod CrashLoopBackOff with restarts "2 (5m ago)"',
    object: obj('Pod', {
      spec: { nodeName: 'n', containers: [{ name: 'c' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(300) } },
          },
        ],
      },
    }),
    cells: ['x', '0/1', 'CrashLoopBackOff', '2 (5m ago)', '5m', '<none>', 'n', '<none>', '<none>'],
  },
  {
    name: 'Pod Init:0/1',
    object: obj('Pod', {
      spec: { nodeName: 'n', initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, state: running }],
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
    }),
    cells: ['x', '0/1', 'Init:0/1', '0', '5m', '<none>', 'n', '<none>', '<none>'],
  },
  {
    name: 'Pod Init:CrashLoopBackOff',
    object: obj('Pod', {
      spec: { nodeName: 'n', initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    }),
    cells: ['x', '0/1', 'Init:CrashLoopBackOff', '3', '5m', '<none>', 'n', '<none>', '<none>'],
  },
  {
    name: 'Pod Terminating',
    object: obj(
      'Pod',
      {
        spec: { nodeName: 'n', containers: [{ name: 'c' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, state: running }] },
      },
      { deletionTimestamp: ago(-30) },
    ),
    cells: ['x', '1/1', 'Terminating', '0', '5m', '<none>', 'n', '<none>', '<none>'],
  },
  {
    name: 'Pod Completed keeps its phase-based conditions',
    object: obj('Pod', {
      spec: { nodeName: 'n', containers: [{ name: 'c' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    }),
    cells: ['x', '0/1', 'Completed', '0', '5m', '<none>', 'n', '<none>', '<none>'],
  },
];

describe('printers: golden rows', () => {
  it.each(cases)('$name', ({ object, cells }) => {
    expect(printRow(object.kind, object, NOW).cells).toEqual(cells);
  });
});
