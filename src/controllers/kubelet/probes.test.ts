import { describe, expect, it } from 'vitest';
import type { Probe } from '../../api/types.js';
import { container, kubeletFixture } from './fixture.test-helpers.js';

const fast = { imagePullMs: 0, containerStartMs: 0 };
const http = (path: string, extra: Partial<Probe> = {}): Probe => ({
  httpGet: { path, port: 8080 },
  ...extra,
});

describe('readiness probes', () => {
  it('toggles ready and the Ready/ContainersReady conditions, with Unhealthy events', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web-x', [container('nginx', { readinessProbe: http('/readyz', { periodSeconds: 5 }) })]);
    await f.settle();
    // The first attempt runs as soon as the container runs.
    expect(f.pod('web-x')?.status?.containerStatuses?.[0]?.ready).toBe(true);
    f.prober.set('nginx', 'readiness', {
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 503',
    });
    await f.run(10_000);
    expect(f.pod('web-x')?.status?.containerStatuses?.[0]?.ready).toBe(true);
    await f.run(5_000);
    const pod = f.pod('web-x');
    expect(pod?.status?.containerStatuses?.[0]?.ready).toBe(false);
    for (const type of ['Ready', 'ContainersReady']) {
      expect(pod?.status?.conditions?.find((c) => c.type === type)).toMatchObject({
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [nginx]',
      });
    }
    const unhealthy = f.events.log.filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy).toHaveLength(3);
    expect(unhealthy[0]).toMatchObject({
      type: 'Warning',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      fieldPath: 'spec.containers{nginx}',
    });
    expect(f.watch.get('web-x')).toEqual(['0/1 Pending', '1/1 Running', '0/1 Running']);
    f.prober.set('nginx', 'readiness', { result: 'success' });
    await f.run(5_000);
    expect(f.watch.get('web-x')?.at(-1)).toBe('1/1 Running');
  });

  it('waits initialDelaySeconds and probes every periodSeconds from admission', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web', [
      container('nginx', { readinessProbe: http('/', { initialDelaySeconds: 5, periodSeconds: 10 }) }),
    ]);
    await f.run(35_000);
    const at = f.prober.calls.filter((c) => c.kind === 'readiness').map((c) => (c.at - f.origin) / 1000);
    expect(at).toEqual([10, 20, 30]);
    expect(f.watch.get('web')).toEqual(['0/1 Pending', '0/1 Running', '1/1 Running']);
  });

  it('needs successThreshold consecutive successes to become ready again', async () => {
    const f = kubeletFixture({ timing: fast });
    f.prober.set('nginx', 'readiness', {
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 500',
    });
    f.kubelet.start();
    f.create('web', [
      container('nginx', { readinessProbe: http('/', { periodSeconds: 1, successThreshold: 3 }) }),
    ]);
    await f.run(3000);
    expect(f.pod('web')?.status?.containerStatuses?.[0]?.ready).toBe(false);
    f.prober.set('nginx', 'readiness', { result: 'success' });
    await f.run(2000);
    expect(f.pod('web')?.status?.containerStatuses?.[0]?.ready).toBe(false);
    await f.run(1000);
    expect(f.pod('web')?.status?.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('reports a probe that does not answer within timeoutSeconds as a timeout', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.prober.probe = () => new Promise(() => {});
    f.create('web', [container('nginx', { readinessProbe: http('/healthz', { timeoutSeconds: 1 }) })]);
    await f.run(3000);
    const ip = f.pod('web')?.status?.podIP;
    expect(f.events.log.find((e) => e.reason === 'Unhealthy')?.message).toBe(
      `Readiness probe failed: Get "http://${ip}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
  });
});

describe('liveness and startup probes', () => {
  it('kills and restarts a container failing its liveness probe', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.create('web', [container('nginx', { livenessProbe: http('/healthz', { periodSeconds: 10 }) })]);
    await f.run(10_000);
    const ip = f.pod('web')?.status?.podIP;
    const refused = `Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`;
    f.prober.set('nginx', 'liveness', { result: 'failure', message: refused });
    await f.run(30_000);
    const events = f.events.about('Pod/web');
    expect(events.filter((e) => e.startsWith('Unhealthy'))).toEqual([
      `Unhealthy: Liveness probe failed: ${refused}`,
      `Unhealthy: Liveness probe failed: ${refused}`,
      `Unhealthy: Liveness probe failed: ${refused}`,
    ]);
    expect(events).toContain('Killing: Container nginx failed liveness probe, will be restarted');
    const first = f.runtime.started[0];
    expect(first?.terminatedWith).toBe(30_000);
    const cs = f.pod('web')?.status?.containerStatuses?.[0];
    expect(cs?.restartCount).toBe(1);
    expect(cs?.lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs?.state?.running).toBeDefined();
  });

  it('ends in CrashLoopBackOff when the liveness probe keeps failing', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.prober.set('app', 'liveness', { result: 'failure', message: 'HTTP probe failed with statuscode: 500' });
    f.create('sick', [
      container('app', { livenessProbe: http('/', { periodSeconds: 1, failureThreshold: 1 }) }),
    ]);
    await f.run(10_000);
    expect(f.watch.get('sick')).toContain('0/1 CrashLoopBackOff');
    const starts = () => f.runtime.startTimes('sick', 'app', f.origin).map((ms) => ms / 1000);
    // Killed at 1 s (first tick with a running container), restarted at once; killed at 2 s,
    // restarted at once (the back-off is now 10 s from 2 s); the kill at 3 s falls inside it.
    expect(starts()).toEqual([0, 1, 2]);
    await f.run(3000);
    expect(starts()).toEqual([0, 1, 2, 12]);
  });

  it('does not restart a liveness failure under restartPolicy Never', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.prober.set('app', 'liveness', { result: 'failure', message: 'HTTP probe failed with statuscode: 500' });
    f.create(
      'job',
      [container('app', { livenessProbe: http('/', { periodSeconds: 1, failureThreshold: 1 }) })],
      {
        restartPolicy: 'Never',
      },
    );
    await f.run(3000);
    expect(f.events.about('Pod/job')).toContain('Killing: Container app failed liveness probe');
    expect(f.pod('job')?.status?.phase).toBe('Succeeded');
    expect(f.runtime.started).toHaveLength(1);
  });

  it('gates readiness and liveness on the startup probe, and restarts when it fails', async () => {
    const f = kubeletFixture({ timing: fast });
    f.kubelet.start();
    f.prober.set('app', 'startup', { result: 'failure', message: 'HTTP probe failed with statuscode: 503' });
    f.create('slow', [
      container('app', {
        startupProbe: http('/', { periodSeconds: 1, failureThreshold: 3 }),
        readinessProbe: http('/', { periodSeconds: 1 }),
        livenessProbe: http('/', { periodSeconds: 1 }),
      }),
    ]);
    await f.run(1000);
    let cs = f.pod('slow')?.status?.containerStatuses?.[0];
    expect(cs).toMatchObject({ started: false, ready: false });
    expect(f.prober.calls.filter((c) => c.kind !== 'startup')).toEqual([]);
    await f.run(2000);
    expect(f.events.about('Pod/slow')).toContain(
      'Killing: Container app failed startup probe, will be restarted',
    );
    f.prober.set('app', 'startup', { result: 'success' });
    await f.run(3000);
    cs = f.pod('slow')?.status?.containerStatuses?.[0];
    expect(cs).toMatchObject({ started: true, ready: true, restartCount: 1 });
    expect(f.prober.calls.some((c) => c.kind === 'liveness')).toBe(true);
  });
});
