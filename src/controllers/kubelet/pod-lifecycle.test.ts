import { describe, expect, it } from 'vitest';
import { container, kubeletFixture } from './fixture.test-helpers.js';

const fast = { imagePullMs: 0, containerStartMs: 0 };

describe('sandbox failures', () => {
  it('keeps the pod ContainerCreating with a FailedCreatePodSandBox event, and retries', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    const message = 'plugin type="calico" failed (add): no more free IPs in pool 10.244.0.0/16';
    f.network.failNext(message, message);
    f.create('web-1', [container('nginx')]);
    await f.settle();
    expect(f.pod('web-1')?.status?.podIP).toBeUndefined();
    expect(f.watch.get('web-1')).toEqual(['0/1 Pending', '0/1 ContainerCreating']);
    const failed = f.events.log.filter((e) => e.reason === 'FailedCreatePodSandBox');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.type).toBe('Warning');
    expect(failed[0]?.message).toMatch(
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="calico" failed \(add\): no more free IPs in pool 10\.244\.0\.0\/16$/,
    );
    const ready = f.pod('web-1')?.status?.conditions?.find((c) => c.type === 'PodReadyToStartContainers');
    expect(ready?.status).toBe('False');
    await f.run(10_000);
    expect(f.events.log.filter((e) => e.reason === 'FailedCreatePodSandBox')).toHaveLength(2);
    expect(f.watch.get('web-1')?.at(-1)).toBe('0/1 ContainerCreating');
    await f.run(10_000);
    expect(f.watch.get('web-1')?.at(-1)).toBe('1/1 Running');
    expect(f.pod('web-1')?.status?.podIP).toMatch(/^10\.244\./);
  });
});

describe('restartPolicy', () => {
  it.each([
    { policy: 'Always', code: 0, phase: 'Running', restarts: 1, status: '1/1 Running' },
    { policy: 'Always', code: 1, phase: 'Running', restarts: 1, status: '1/1 Running' },
    { policy: 'OnFailure', code: 0, phase: 'Succeeded', restarts: 0, status: '0/1 Completed' },
    { policy: 'OnFailure', code: 1, phase: 'Running', restarts: 1, status: '1/1 Running' },
    { policy: 'Never', code: 0, phase: 'Succeeded', restarts: 0, status: '0/1 Completed' },
    { policy: 'Never', code: 1, phase: 'Failed', restarts: 0, status: '0/1 Error' },
  ])('$policy with exit $code → $phase', async ({ policy, code, phase, restarts, status }) => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('job', [container('app')], { restartPolicy: policy });
    await f.settle();
    f.runtime.latest('job', 'app')?.exit(code);
    await f.settle();
    const pod = f.pod('job');
    expect(pod?.status?.phase).toBe(phase);
    expect(pod?.status?.containerStatuses?.[0]?.restartCount).toBe(restarts);
    expect(f.watch.get('job')?.at(-1)).toBe(status);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    expect(f.network.log.includes('tearDown job')).toBe(terminal);
    if (terminal) {
      const ready = pod?.status?.conditions?.find((c) => c.type === 'Ready');
      expect(ready).toMatchObject({
        status: 'False',
        reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed',
      });
      expect(pod?.status?.podIP).toBeDefined();
    }
    if (restarts) {
      expect(pod?.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
      });
    }
  });

  it('shows the exit before the restart, as kubectl get -w does', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web', [container('nginx')]);
    await f.settle();
    f.runtime.latest('web', 'nginx')?.exit(2);
    await f.settle();
    expect(f.watch.get('web')).toEqual(['0/1 Pending', '1/1 Running', '0/1 Error', '1/1 Running']);
  });
});

describe('CrashLoopBackOff', () => {
  it('backs off 10s, 20s, 40s … 5m between restarts of a crashing container', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('nginx', { exitAfterMs: 0, exitCode: 1 });
    f.kubelet.start();
    const pod = f.create('web-x', [container('nginx')]);
    await f.run(1_000_000, 1000);
    const starts = f.runtime.startTimes('web-x', 'nginx', f.origin).map((ms) => ms / 1000);
    expect(starts.slice(0, 10)).toEqual([0, 0, 10, 30, 70, 150, 310, 610, 910]);
    const waiting = f.pod('web-x')?.status?.containerStatuses?.[0];
    expect(waiting?.state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 5m0s restarting failed container=nginx pod=web-x_default(${pod.metadata.uid})`,
    });
    expect(waiting?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const messages = f.events.log.filter((e) => e.reason === 'BackOff');
    expect(messages[0]).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container nginx in pod web-x_default(${pod.metadata.uid})`,
    });
    // A container that dies as it starts is never seen Running, as with a real crashing image.
    expect(f.watch.get('web-x')?.slice(0, 5)).toEqual([
      '0/1 Pending',
      '0/1 Error',
      '0/1 CrashLoopBackOff',
      '0/1 Error',
      '0/1 CrashLoopBackOff',
    ]);
  });

  it('reports each back-off delay in the waiting message', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('nginx', { exitAfterMs: 0, exitCode: 1 });
    f.kubelet.start();
    f.create('web-x', [container('nginx')]);
    const seen: string[] = [];
    f.store.subscribe('pods', (e) => {
      const m = (
        e.object as { status?: { containerStatuses?: { state?: { waiting?: { message?: string } } }[] } }
      ).status?.containerStatuses?.[0]?.state?.waiting?.message;
      const delay = m?.match(/^back-off (\S+) /)?.[1];
      if (delay && seen.at(-1) !== delay) seen.push(delay);
    });
    await f.run(1_300_000, 1000);
    expect(seen).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
  });

  it('starts over at 10s after a container ran for more than 10 minutes', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('nginx', { exitAfterMs: 0, exitCode: 1 });
    f.kubelet.start();
    f.create('web-x', [container('nginx')]);
    await f.run(320_000, 1000);
    expect(f.runtime.startTimes('web-x', 'nginx', f.origin).map((ms) => ms / 1000)).toEqual([
      0, 0, 10, 30, 70, 150, 310,
    ]);
    // The instance started at 610 s is healthy and runs for 11 minutes, past the 10-minute reset.
    f.runtime.scripts.set('nginx', { exitAfterMs: 660_000, exitCode: 1 });
    await f.run(945_000, 1000);
    f.runtime.scripts.set('nginx', { exitAfterMs: 0, exitCode: 1 });
    await f.run(40_000, 1000);
    const starts = f.runtime.startTimes('web-x', 'nginx', f.origin).map((ms) => ms / 1000);
    // 310 s crash waits 5m0s → 610; it exits at 1270 and restarts at once; the back-off is 10 s again.
    expect(starts.slice(6)).toEqual([310, 610, 1270, 1280, 1300]);
  });
});

describe('init containers', () => {
  it('runs init containers to completion before the app, showing Init:0/1', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('init-myservice', { exitAfterMs: 5000, exitCode: 0 });
    f.kubelet.start();
    f.create('myapp', [container('app')], {
      initContainers: [container('init-myservice', { image: 'busybox:1.28' })],
    });
    await f.settle();
    let pod = f.pod('myapp');
    expect(pod?.status?.phase).toBe('Pending');
    expect(pod?.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(pod?.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init-myservice]',
    });
    expect(f.runtime.latest('myapp', 'app')).toBeUndefined();
    await f.run(5000);
    pod = f.pod('myapp');
    expect(pod?.status?.phase).toBe('Running');
    expect(pod?.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(f.watch.get('myapp')).toEqual([
      '0/1 Pending',
      '0/1 Init:0/1',
      '0/1 PodInitializing',
      '1/1 Running',
    ]);
  });

  it('fails the pod when an init container fails under restartPolicy Never', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('init', { exitAfterMs: 1000, exitCode: 3 });
    f.kubelet.start();
    f.create('p', [container('app')], { restartPolicy: 'Never', initContainers: [container('init')] });
    await f.run(2000);
    expect(f.pod('p')?.status?.phase).toBe('Failed');
    expect(f.watch.get('p')?.at(-1)).toBe('0/1 Init:Error');
    expect(f.runtime.latest('p', 'app')).toBeUndefined();
  });

  it('restarts a failing init container with back-off (Init:CrashLoopBackOff)', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('init', { exitAfterMs: 0, exitCode: 1 });
    f.kubelet.start();
    f.create('p', [container('app')], { initContainers: [container('init')] });
    await f.run(5000);
    expect(f.watch.get('p')?.at(-1)).toBe('0/1 Init:CrashLoopBackOff');
    expect(f.pod('p')?.status?.initContainerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('stops the sidecar when the app of a Never pod exits, and the pod succeeds', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('job', [container('app')], {
      restartPolicy: 'Never',
      initContainers: [container('proxy', { restartPolicy: 'Always' })],
    });
    await f.settle();
    f.runtime.latest('job', 'app')?.exit(0);
    await f.settle();
    expect(f.events.about('Pod/job')).toContain('Killing: Stopping container proxy');
    expect(f.pod('job')?.status?.phase).toBe('Succeeded');
    expect(f.network.log).toContain('tearDown job');
  });

  it('starts a sidecar init container and keeps it running beside the app', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('p', [container('app')], { initContainers: [container('proxy', { restartPolicy: 'Always' })] });
    await f.settle();
    const pod = f.pod('p');
    expect(pod?.status?.phase).toBe('Running');
    expect(pod?.status?.initContainerStatuses?.[0]).toMatchObject({ ready: true, started: true });
    expect(f.runtime.latest('p', 'app')?.exited).toBeUndefined();
    expect(f.runtime.latest('p', 'proxy')?.exited).toBeUndefined();
  });
});
