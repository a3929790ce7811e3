import { describe, expect, it } from 'vitest';
import type { Container } from '../../api/types.js';
import { container, kubeletFixture } from './fixture.test-helpers.js';
import type { StoredPod } from './pod-source.js';

type Fixture = ReturnType<typeof kubeletFixture>;

/** `kubectl set image pod/NAME CONTAINER=IMAGE`: a pod update of one container's image. */
function setImage(f: Fixture, pod: string, name: string, image: string): StoredPod {
  const current = f.pod(pod) as StoredPod;
  const swap = (list: Container[]) => list.map((c) => (c.name === name ? { ...c, image } : c));
  const spec = current.spec ?? { containers: [] };
  return f.registry.update<StoredPod>({
    ...current,
    spec: {
      ...spec,
      containers: swap(spec.containers),
      ...(spec.initContainers ? { initContainers: swap(spec.initContainers) } : {}),
    },
  });
}

/** The pod's events from the `n`-th on, as `Reason: message`, image sizes cut. */
function eventsFrom(f: Fixture, pod: string, n: number): string[] {
  return f.events
    .about(`Pod/${pod}`)
    .slice(n)
    .map((e) => e.replace(/ Image size: \d+ bytes\.$/, ''));
}

describe('changing a running container image (kubectl set image pod/…)', () => {
  it('kills the container, pulls the new image and starts it again: restartCount 1, lastState Completed', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 50, containerStartMs: 10 } });
    f.kubelet.start();
    f.create('rx', [container('rx', { image: 'nginx:1.27' })]);
    await f.run(1000, 10);
    const before = f.pod('rx')?.status?.containerStatuses?.[0];
    expect(before).toMatchObject({ restartCount: 0, image: 'docker.io/library/nginx:1.27' });
    const seen = f.events.about('Pod/rx').length;
    setImage(f, 'rx', 'rx', 'httpd:2.4');
    await f.run(1000, 10);
    expect(eventsFrom(f, 'rx', seen)).toEqual([
      'Killing: Container rx definition changed, will be restarted',
      'Pulling: Pulling image "httpd:2.4"',
      'Pulled: Successfully pulled image "httpd:2.4" in 50ms (50ms including waiting).',
      'Created: Created container: rx',
      'Started: Started container rx',
    ]);
    const old = f.runtime.started[0];
    expect(old?.terminatedWith).toBe(30_000);
    expect(f.runtime.latest('rx', 'rx')?.request.container.image).toBe('httpd:2.4');
    const cs = f.pod('rx')?.status?.containerStatuses?.[0];
    expect(cs).toMatchObject({
      restartCount: 1,
      ready: true,
      image: 'docker.io/library/httpd:2.4',
      state: { running: {} },
      lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: before?.containerID } },
    });
    expect(cs?.imageID).toMatch(/^docker\.io\/library\/httpd@sha256:[0-9a-f]{64}$/);
    expect(cs?.containerID).not.toBe(before?.containerID);
    expect(f.watch.get('rx')).toEqual([
      '0/1 Pending',
      '0/1 ContainerCreating',
      '1/1 Running',
      '0/1 Completed',
      '1/1 Running',
    ]);
  });

  it('shows the old image while the old container is still stopping, and restarts even under restartPolicy Never', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 0, containerStartMs: 0 } });
    // The app takes 5 s to exit on SIGTERM.
    f.runtime.scripts.set('web', { termDelayMs: 5000 });
    f.kubelet.start();
    f.create('p', [container('web', { image: 'nginx:1.27' })], {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 10,
    });
    await f.settle();
    setImage(f, 'p', 'web', 'nginx:1.28');
    await f.run(4000);
    expect(f.pod('p')?.status?.containerStatuses?.[0]).toMatchObject({
      image: 'docker.io/library/nginx:1.27',
      restartCount: 0,
      state: { running: {} },
    });
    expect(f.runtime.started[0]?.terminatedWith).toBe(10_000);
    await f.run(2000);
    expect(f.pod('p')?.status).toMatchObject({
      phase: 'Running',
      containerStatuses: [{ image: 'docker.io/library/nginx:1.28', restartCount: 1, state: { running: {} } }],
    });
    expect(f.runtime.started).toHaveLength(2);
  });

  it('kills once: an update that does not change the image, or the kubelet status writes, do nothing', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 0, containerStartMs: 0 } });
    f.kubelet.start();
    f.create('p', [container('a'), container('b')]);
    await f.settle();
    setImage(f, 'p', 'b', 'httpd:2.4');
    setImage(f, 'p', 'a', 'nginx:1.14.2');
    await f.run(5000);
    expect(f.events.about('Pod/p').filter((e) => e.startsWith('Killing'))).toEqual([
      'Killing: Container b definition changed, will be restarted',
    ]);
    expect(f.pod('p')?.status?.containerStatuses?.map((c) => [c.name, c.restartCount, c.image])).toEqual([
      ['a', 0, 'docker.io/library/nginx:1.14.2'],
      ['b', 1, 'docker.io/library/httpd:2.4'],
    ]);
  });

  it('starts a container in CrashLoopBackOff at once from its new image (the back-off is per image)', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 0, containerStartMs: 0 } });
    f.runtime.scripts.set('app', { exitAfterMs: 0, exitCode: 1 });
    f.kubelet.start();
    f.create('p', [container('app', { image: 'busybox:1.36' })]);
    await f.run(35_000);
    expect(f.watch.get('p')?.at(-1)).toBe('0/1 CrashLoopBackOff');
    const restarts = f.pod('p')?.status?.containerStatuses?.[0]?.restartCount ?? 0;
    f.runtime.scripts.set('app', {});
    setImage(f, 'p', 'app', 'nginx:1.27');
    await f.settle();
    expect(f.pod('p')?.status?.containerStatuses?.[0]).toMatchObject({
      restartCount: restarts + 1,
      image: 'docker.io/library/nginx:1.27',
      state: { running: {} },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(f.events.about('Pod/p').filter((e) => e.startsWith('Killing'))).toEqual([]);
  });

  it('restarts a running sidecar ("Init container … definition changed") and leaves the app alone', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 0, containerStartMs: 0 } });
    f.kubelet.start();
    f.create('p', [container('app')], {
      initContainers: [container('proxy', { image: 'envoyproxy/envoy:v1.31.0', restartPolicy: 'Always' })],
    });
    await f.settle();
    setImage(f, 'p', 'proxy', 'envoyproxy/envoy:v1.32.0');
    await f.settle();
    expect(f.events.about('Pod/p').filter((e) => e.startsWith('Killing'))).toEqual([
      'Killing: Init container proxy definition changed',
    ]);
    const st = f.pod('p')?.status;
    expect(st?.initContainerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      image: 'docker.io/envoyproxy/envoy:v1.32.0',
      state: { running: {} },
    });
    expect(st?.containerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { running: {} } });
  });

  it('leaves a regular init container, running or completed, to its current image', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 0, containerStartMs: 0 } });
    f.runtime.scripts.set('init', { exitAfterMs: 5000, exitCode: 0 });
    f.kubelet.start();
    f.create('p', [container('app')], { initContainers: [container('init', { image: 'busybox:1.36' })] });
    await f.run(1000);
    setImage(f, 'p', 'init', 'busybox:1.37');
    await f.run(5000);
    expect(f.pod('p')?.status?.phase).toBe('Running');
    setImage(f, 'p', 'init', 'busybox:1.38');
    await f.run(5000);
    expect(f.events.about('Pod/p').filter((e) => e.startsWith('Killing'))).toEqual([]);
    expect(f.runtime.started.map((c) => `${c.request.container.name} ${c.request.container.image}`)).toEqual([
      'init busybox:1.36',
      'app nginx:1.14.2',
    ]);
    expect(f.pod('p')?.status?.initContainerStatuses?.[0]).toMatchObject({
      image: 'docker.io/library/busybox:1.36',
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
  });

  it('creates the container being pulled from the image it pulled, then restarts it with the new one', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 1000, containerStartMs: 0 } });
    f.kubelet.start();
    f.create('p', [container('web', { image: 'nginx:1.27' })]);
    await f.run(500, 100);
    setImage(f, 'p', 'web', 'httpd:2.4');
    await f.run(3000, 100);
    expect(eventsFrom(f, 'p', 0)).toEqual([
      'Pulling: Pulling image "nginx:1.27"',
      'Pulled: Successfully pulled image "nginx:1.27" in 1s (1s including waiting).',
      'Created: Created container: web',
      'Started: Started container web',
      'Killing: Container web definition changed, will be restarted',
      'Pulling: Pulling image "httpd:2.4"',
      'Pulled: Successfully pulled image "httpd:2.4" in 1s (1s including waiting).',
      'Created: Created container: web',
      'Started: Started container web',
    ]);
    expect(f.pod('p')?.status?.containerStatuses?.[0]).toMatchObject({
      image: 'docker.io/library/httpd:2.4',
      restartCount: 1,
    });
  });
});
