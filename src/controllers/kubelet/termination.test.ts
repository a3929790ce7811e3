import { describe, expect, it } from 'vitest';
import { resourceForKind } from '../../api/resources.js';
import { container, kubeletFixture } from './fixture.test-helpers.js';

const POD = resourceForKind('Pod')!;
const fast = { imagePullMs: 0, containerStartMs: 0 };

describe('graceful termination', () => {
  it('SIGTERMs with the grace period, keeps probing readiness, then removes the pod', async () => {
    const f = kubeletFixture({ timing: fast });
    // agnhost --delay-shutdown=5: serves 5 s after SIGTERM, readiness 503 meanwhile.
    f.runtime.scripts.set('agnhost', { termDelayMs: 5000 });
    f.kubelet.start();
    f.create('web', [
      container('agnhost', {
        readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
      }),
    ]);
    await f.run(1000);
    f.registry.delete(POD, 'default', 'web');
    await f.settle();
    expect(f.events.about('Pod/web')).toContain('Killing: Stopping container agnhost');
    expect(f.runtime.latest('web', 'agnhost')?.terminatedWith).toBe(30_000);
    f.prober.set('agnhost', 'readiness', {
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 503',
    });
    await f.run(2000);
    expect(f.pod('web')?.status?.containerStatuses?.[0]?.ready).toBe(false);
    expect(f.watch.get('web')?.at(-1)).toBe('0/1 Terminating');
    expect(f.network.log).not.toContain('tearDown web');
    await f.run(3000);
    expect(f.pod('web')).toBeUndefined();
    expect(f.watch.get('web')?.slice(-2)).toEqual(['0/1 Completed', 'DELETED']);
    expect(f.network.log).toContain('tearDown web');
    expect(f.runtime.removed).toEqual(['web']);
  });

  it('SIGKILLs a container that ignores SIGTERM when the grace period ends', async () => {
    const f = kubeletFixture({ timing: fast });
    f.runtime.scripts.set('app', { termDelayMs: undefined });
    f.kubelet.start();
    f.create('stubborn', [container('app')], { terminationGracePeriodSeconds: 10 });
    await f.settle();
    f.registry.delete(POD, 'default', 'stubborn');
    await f.run(9000);
    expect(f.pod('stubborn')).toBeDefined();
    let last: string | undefined;
    f.store.subscribe('pods', (e) => {
      if (e.type === 'MODIFIED') {
        last = JSON.stringify((e.object as { status?: unknown }).status);
      }
    });
    await f.run(1000);
    expect(f.pod('stubborn')).toBeUndefined();
    expect(f.runtime.latest('stubborn', 'app')?.killed).toBe(true);
    expect(JSON.parse(last ?? '{}')).toMatchObject({
      phase: 'Failed',
      containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'Error' } } }],
    });
  });

  it.each([
    { name: 'sleep action', lifecycle: { preStop: { sleep: { seconds: 5 } } } },
    { name: 'exec sleep', lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } } },
  ])('runs a preStop $name before SIGTERM, within the grace period', async ({ lifecycle }) => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web', [container('nginx', { lifecycle })]);
    await f.settle();
    f.registry.delete(POD, 'default', 'web');
    await f.run(4000);
    expect(f.runtime.latest('web', 'nginx')?.terminatedWith).toBeUndefined();
    await f.run(1000);
    expect(f.runtime.latest('web', 'nginx')?.terminatedWith).toBe(25_000);
    expect(f.pod('web')).toBeUndefined();
  });

  it('removes a pod at once when nothing runs, reporting containers that never started as lost', async () => {
    const f = kubeletFixture({ timing: fast });
    f.network.failNext('no more free IPs');
    f.kubelet.start();
    f.create('pending', [container('app')]);
    await f.settle();
    let final: unknown;
    f.store.subscribe('pods', (e) => {
      if (e.type === 'MODIFIED') final = (e.object as { status?: unknown }).status;
    });
    f.registry.delete(POD, 'default', 'pending');
    await f.settle();
    expect(f.pod('pending')).toBeUndefined();
    expect(final).toMatchObject({
      phase: 'Failed',
      containerStatuses: [
        {
          state: {
            terminated: {
              exitCode: 137,
              reason: 'ContainerStatusUnknown',
              message: 'The container could not be located when the pod was terminated',
            },
          },
        },
      ],
    });
  });

  it('kills everything at once when the pod is force-deleted', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web', [container('nginx')]);
    await f.settle();
    f.registry.delete(POD, 'default', 'web', { gracePeriodSeconds: 0 });
    await f.settle();
    expect(f.runtime.latest('web', 'nginx')?.killed).toBe(true);
    expect(f.network.log).toContain('tearDown web');
    expect(f.runtime.removed).toEqual(['web']);
  });
});

describe('node stop and start', () => {
  it('kills containers and writes nothing while down; restarts pods and finishes deletions on start', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    const web = f.create('web', [container('nginx')]);
    f.create('doomed', [container('nginx')]);
    f.create('forced', [container('nginx')]);
    f.create('job', [container('app')], { restartPolicy: 'Never' });
    await f.run(5000);
    f.runtime.latest('job', 'app')?.exit(0);
    await f.settle();
    expect(f.pod('job')?.status?.phase).toBe('Succeeded');
    const ipBefore = f.pod('web')?.status?.podIP;
    const writes: string[] = [];
    f.store.subscribe('*', (e) => writes.push(`${e.type} ${e.resource}/${e.object.metadata.name}`));
    await f.kubelet.stop();
    expect(f.runtime.latest('web', 'nginx')?.killed).toBe(true);
    await f.run(60_000, 10_000);
    expect(writes).toEqual([]);
    expect(f.pod('web')?.status?.phase).toBe('Running');
    // Deleted while the node is down: stays Terminating.
    f.registry.delete(POD, 'default', 'doomed');
    // Force-deleted while the node is down: gone from the API; its sandbox is collected at start.
    f.registry.delete(POD, 'default', 'forced', { gracePeriodSeconds: 0 });
    await f.run(10_000);
    expect(f.pod('doomed')?.metadata.deletionTimestamp).toBeDefined();
    expect(f.network.log).not.toContain('tearDown forced');
    writes.length = 0;

    f.kubelet.start();
    await f.settle();
    expect(f.pod('doomed')).toBeUndefined();
    expect(f.network.log).toContain('tearDown forced');
    expect(f.runtime.removed).toEqual(expect.arrayContaining(['doomed', 'forced']));
    // A pod that finished before the stop is not run again; its containers go when it is deleted.
    expect(f.runtime.latest('job', 'app')?.request.restartCount).toBe(0);
    expect(f.runtime.removed).not.toContain('job');
    f.registry.delete(POD, 'default', 'job');
    await f.settle();
    expect(f.runtime.removed).toContain('job');
    const pod = f.pod('web');
    expect(pod?.metadata.uid).toBe(web.metadata.uid);
    expect(pod?.status?.phase).toBe('Running');
    const cs = pod?.status?.containerStatuses?.[0];
    expect(cs?.restartCount).toBe(1);
    expect(cs?.lastState?.terminated).toMatchObject({
      exitCode: 255,
      reason: 'Unknown',
      finishedAt: '2026-01-01T12:00:05Z',
    });
    expect(f.events.about('Pod/web')).toContain(
      'SandboxChanged: Pod sandbox changed, it will be killed and re-created.',
    );
    expect(pod?.status?.podIP).not.toBe(ipBefore);
    const nodeEvents = f.events.log.filter((e) => e.object === 'Node/worker-1').map((e) => e.reason);
    expect(nodeEvents).toContain('Rebooted');
    expect(f.events.log.find((e) => e.reason === 'Rebooted')?.type).toBe('Warning');
  });
});
