import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../api/types.js';
import type { ContainerRunState, ContainerView } from './container-view.js';
import { generatePodStatus, podPhase, qosClass } from './pod-status.js';

const running: ContainerRunState = { kind: 'running', startedAt: 0 };
const waiting: ContainerRunState = { kind: 'waiting', reason: 'ContainerCreating' };
const exited = (exitCode: number): ContainerRunState => ({
  kind: 'terminated',
  termination: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: 0 },
});

function view(name: string, state: ContainerRunState, extra: Partial<ContainerView> = {}): ContainerView {
  return {
    name,
    image: 'nginx:1.14.2',
    pulled: state.kind !== 'waiting',
    containerID: undefined,
    state,
    lastTermination: undefined,
    restartCount: 0,
    ready: state.kind === 'running',
    started: state.kind === 'running',
    ...extra,
  };
}

function pod(restartPolicy: string, containers: string[], init: Container[] = []): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { restartPolicy, containers: containers.map((name) => ({ name })), initContainers: init },
  };
}

describe('podPhase', () => {
  it.each([
    { name: 'not started', policy: 'Always', views: [view('a', waiting)], want: 'Pending' },
    { name: 'running', policy: 'Always', views: [view('a', running)], want: 'Running' },
    {
      name: 'one of two started',
      policy: 'Always',
      views: [view('a', running), view('b', waiting)],
      want: 'Pending',
    },
    { name: 'Always, exited 0', policy: 'Always', views: [view('a', exited(0))], want: 'Running' },
    { name: 'OnFailure, exited 0', policy: 'OnFailure', views: [view('a', exited(0))], want: 'Succeeded' },
    { name: 'OnFailure, exited 1', policy: 'OnFailure', views: [view('a', exited(1))], want: 'Running' },
    { name: 'Never, exited 1', policy: 'Never', views: [view('a', exited(1))], want: 'Failed' },
    {
      name: 'Never, one ok one failed',
      policy: 'Never',
      views: [view('a', exited(0)), view('b', exited(2))],
      want: 'Failed',
    },
    {
      name: 'back-off counts as stopped',
      policy: 'Always',
      views: [
        view(
          'a',
          { kind: 'waiting', reason: 'CrashLoopBackOff' },
          { lastTermination: { exitCode: 1, reason: 'Error' } },
        ),
      ],
      want: 'Running',
    },
  ])('$name → $want', ({ policy, views, want }) => {
    expect(
      podPhase(
        pod(
          policy,
          views.map((v) => v.name),
        ),
        [],
        views,
        false,
      ),
    ).toBe(want);
  });

  it('is Pending while an init container runs, Failed when it fails under Never', () => {
    const p = pod('Never', ['app'], [{ name: 'init' }]);
    expect(podPhase(p, [view('init', running)], [view('app', waiting)], false)).toBe('Pending');
    expect(podPhase(p, [view('init', exited(1))], [view('app', waiting)], false)).toBe('Failed');
  });

  it('is terminal for a deleted pod: Succeeded when all exited 0, else Failed', () => {
    const p = pod('Always', ['a', 'b']);
    expect(podPhase(p, [], [view('a', exited(0)), view('b', exited(0))], true)).toBe('Succeeded');
    expect(podPhase(p, [], [view('a', exited(0)), view('b', exited(137))], true)).toBe('Failed');
  });
});

describe('generatePodStatus', () => {
  const base = {
    hostIP: '127.0.10.2',
    podIP: '10.244.1.5',
    sandboxReady: true,
    startTime: Date.UTC(2026, 0, 1),
    now: Date.UTC(2026, 0, 1, 0, 1),
    init: [],
    terminal: false,
  };

  it('lists every unready container in the Ready and ContainersReady messages', () => {
    const p = pod('Always', ['nginx', 'sidecar', 'log']);
    const st = generatePodStatus({
      ...base,
      pod: p,
      containers: [view('nginx', running, { ready: false }), view('sidecar', running), view('log', waiting)],
    });
    expect(st.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [nginx log]',
    });
  });

  it('keeps foreign conditions and the scheduler’s PodScheduled transition time', () => {
    const p: Pod = {
      ...pod('Always', ['nginx']),
      status: {
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-12-31T23:59:59Z' },
          { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager' },
        ],
      },
    };
    const st = generatePodStatus({ ...base, pod: p, containers: [view('nginx', running)] });
    expect(st.conditions?.map((c) => c.type)).toEqual([
      'DisruptionTarget',
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    expect(st.conditions?.at(-1)?.lastTransitionTime).toBe('2025-12-31T23:59:59Z');
    expect(st.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:01:00Z');
  });

  it('holds Ready False on an unmet readiness gate', () => {
    const p: Pod = {
      ...pod('Always', ['nginx']),
      spec: {
        containers: [{ name: 'nginx' }],
        readinessGates: [{ conditionType: 'www.example.com/feature-1' }],
      },
    };
    const st = generatePodStatus({ ...base, pod: p, containers: [view('nginx', running)] });
    expect(st.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message: 'corresponding condition of pod readiness gate "www.example.com/feature-1" does not exist.',
    });
  });

  it('reports containers that never ran as lost in a terminal status', () => {
    const st = generatePodStatus({
      ...base,
      pod: pod('Always', ['nginx']),
      containers: [view('nginx', waiting)],
      terminal: true,
    });
    expect(st.phase).toBe('Failed');
    expect(st.containerStatuses?.[0]?.state?.terminated).toEqual({
      exitCode: 137,
      reason: 'ContainerStatusUnknown',
      message: 'The container could not be located when the pod was terminated',
    });
  });
});

describe('qosClass', () => {
  const c = (requests?: Record<string, string>, limits?: Record<string, string>): Container => ({
    name: 'c',
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
  });
  it.each([
    { name: 'nothing set', containers: [c()], want: 'BestEffort' },
    { name: 'requests only', containers: [c({ cpu: '100m' })], want: 'Burstable' },
    {
      name: 'limits equal requests',
      containers: [c({ cpu: '500m', memory: '128Mi' }, { cpu: '0.5', memory: '128Mi' })],
      want: 'Guaranteed',
    },
    {
      name: 'limits only (requests default to them)',
      containers: [c(undefined, { cpu: '1', memory: '1Gi' })],
      want: 'Guaranteed',
    },
    { name: 'cpu limit only', containers: [c(undefined, { cpu: '1' })], want: 'Burstable' },
  ])('$name → $want', ({ containers, want }) => {
    expect(qosClass({ spec: { containers } })).toBe(want);
  });
});
