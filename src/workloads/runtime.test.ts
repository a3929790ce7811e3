import { describe, expect, it } from 'vitest';
import { resolveContainerEnv } from './env.js';
import { podExec, workloadRoutes } from './routes.js';
import { container, testCluster } from './testing/cluster.js';

const WHOAMI = 'traefik/whoami:v1.10';

describe('container runtime', () => {
  it('resolves env: values, $(VAR), fieldRef, configMap/secret refs and service variables', () => {
    const result = resolveContainerEnv({
      pod: {
        metadata: { name: 'web-0', namespace: 'demo', uid: 'u1', labels: { app: 'web' } },
        spec: { containers: [], nodeName: 'worker-1' },
      },
      container: {
        name: 'c',
        env: [
          { name: 'A', value: 'x' },
          { name: 'B', value: '$(A)-$(NOPE)-$$(A)' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
        ],
      },
      podIP: '10.244.1.5',
      nodeName: 'worker-1',
      imageEnv: { NGINX_VERSION: '1.25.3' },
      lookup: {
        configMap: () => ({ data: { k: 'from-cm' } }),
        secret: () => ({ data: { pw: Buffer.from('hunter2').toString('base64') } }),
        services: (ns) =>
          ns === 'default'
            ? [
                {
                  metadata: { name: 'kubernetes' },
                  spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
                },
              ]
            : [{ metadata: { name: 'my-svc' }, spec: { clusterIP: '10.96.3.4', ports: [{ port: 80 }] } }],
      },
    });
    expect(result).toEqual({
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOSTNAME: 'web-0',
        NGINX_VERSION: '1.25.3',
        A: 'x',
        B: 'x-$(NOPE)-$(A)',
        POD: 'web-0',
        NS: 'demo',
        IP: '10.244.1.5',
        NODE: 'worker-1',
        APP: 'web',
        CM: 'from-cm',
        PW: 'hunter2',
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        KUBERNETES_SERVICE_PORT_HTTPS: '443',
        KUBERNETES_PORT: 'tcp://10.96.0.1:443',
        KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
        KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
        KUBERNETES_PORT_443_TCP_PORT: '443',
        KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
        MY_SVC_SERVICE_HOST: '10.96.3.4',
        MY_SVC_SERVICE_PORT: '80',
        MY_SVC_PORT: 'tcp://10.96.3.4:80',
        MY_SVC_PORT_80_TCP: 'tcp://10.96.3.4:80',
        MY_SVC_PORT_80_TCP_PROTO: 'tcp',
        MY_SVC_PORT_80_TCP_PORT: '80',
        MY_SVC_PORT_80_TCP_ADDR: '10.96.3.4',
        HOME: '/root',
      },
    });
  });

  it('a missing configmap fails the container with the kubelet text', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'p',
      ip: '10.244.1.5',
      containers: [
        container('c', WHOAMI, {
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }],
        }),
      ],
    });
    await c.settle();
    expect(started.exits).toEqual([['c', 1, 'Error']]);
    expect(c.logs.read('default/p/c')).toBe('Error: configmap "nope" not found\n');
  });

  it('containers of one pod reach each other on localhost, and the second binding of a port fails', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'duo',
      ip: '10.244.1.5',
      containers: [
        container('web', WHOAMI, { args: ['--port=8080'] }),
        container('side', 'registry.k8s.io/e2e-test-images/agnhost:2.39', {
          args: ['netexec', '--http-port=9090'],
        }),
        container('clash', 'hashicorp/http-echo', { args: ['-listen=:8080', '-text=x'] }),
      ],
    });
    await c.settle();
    expect(started.exits).toEqual([['clash', 1, 'Error']]);
    expect(c.logs.read('default/duo/clash')).toBe(
      '2026/01/02 03:04:05 [INFO] server is listening on :8080\nlisten tcp :8080: bind: address already in use\n',
    );
    const r = await c.runtime.exec({
      namespace: 'default',
      pod: 'duo',
      container: 'side',
      command: ['curl', '-s', 'http://localhost:8080/api'],
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      hostname: 'duo',
      remoteAddr: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
  });

  it('restart gives a fresh app and keeps the previous output; SIGKILL exits 137', async () => {
    const c = testCluster();
    const started = c.startPod({ name: 'w', ip: '10.244.1.5', containers: [container('c', WHOAMI)] });
    await c.request('10.244.1.5', 80, 'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n503');
    expect((await c.get('10.244.1.5', 80, '/health')).split('\r\n')[0]).toBe(
      'HTTP/1.1 503 Service Unavailable',
    );
    c.runtime.kill('default', 'w');
    await c.settle();
    expect(started.exits).toEqual([['c', 137, 'Error']]);
    await expect(c.get('10.244.1.5', 80)).rejects.toThrow(/ECONNREFUSED/);
    c.clock.step(10_000);
    c.restart(started, 'c');
    expect((await c.get('10.244.1.5', 80, '/health')).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(c.logs.read('default/w/c', { previous: true })).toBe(
      '2026/01/02 03:04:05 Starting up on port 80\nUpdate health check status code [503]\n',
    );
    expect(c.logs.read('default/w/c')).toBe('2026/01/02 03:04:15 Starting up on port 80\n');
  });

  it('SIGTERM kills whoami (no handler: 143); the grace period ends in SIGKILL', async () => {
    const c = testCluster();
    const a = c.startPod({ name: 'a', ip: '10.244.1.5', containers: [container('c', WHOAMI)] });
    a.containers[0]?.terminate(30_000);
    await c.settle();
    expect(a.exits).toEqual([['c', 143, 'Error']]);
    const b = c.startPod({
      name: 'b',
      ip: '10.244.1.6',
      containers: [
        container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.39', { args: ['serve-hostname'] }),
      ],
    });
    b.containers[0]?.terminate(2_000);
    c.clock.step(2_000);
    await c.settle();
    expect(b.exits).toEqual([['c', 137, 'Error']]);
  });

  it('exec runs the safe command set; unknown pods and containers are errors', async () => {
    const c = testCluster();
    c.startPod({
      name: 'w',
      ip: '10.244.1.5',
      namespace: 'demo',
      containers: [container('c', 'busybox', { command: ['sleep', '3600'] })],
    });
    const r = await c.runtime.exec({ namespace: 'demo', pod: 'w', command: ['hostname'] });
    expect(r).toMatchObject({ stdout: 'w\n', stderr: '', exitCode: 0 });
    await expect(c.runtime.exec({ namespace: 'demo', pod: 'nope', command: ['hostname'] })).rejects.toThrow(
      'pods "nope" not found',
    );
    expect(() => c.runtime.container('demo', 'w', 'bad')).toThrow('container bad is not valid for pod w');
  });
});

describe('extension routes', () => {
  function call(c: ReturnType<typeof testCluster>, verb: string, pod: string, body: unknown) {
    const route = workloadRoutes(c.runtime).find((r) => r.path.endsWith(`/${verb}`));
    if (!route) throw new Error(verb);
    const req = {
      params: { ns: 'default', pod },
      query: new URLSearchParams(),
      body,
      raw: undefined as never,
      signal: new AbortController().signal,
    };
    return Promise.resolve(route.handle(req, undefined as never));
  }

  it('exec, kill and fail-readiness', async () => {
    const c = testCluster();
    const started = c.startPod({
      name: 'w',
      ip: '10.244.1.5',
      containers: [
        container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.39', {
          args: ['netexec'],
          readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
        }),
      ],
    });
    c.startPod({
      name: 'unprobed',
      ip: '10.244.1.6',
      containers: [container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.39', { args: ['netexec'] })],
    });
    await expect(
      Promise.resolve().then(() => call(c, 'fail-readiness', 'unprobed', {})),
    ).rejects.toMatchObject({
      httpCode: 400,
      message:
        'container c of pod unprobed has no readinessProbe: its readiness is not probed, so there is nothing to fail (add a readinessProbe, or use `netkube pod kill`)',
    });
    expect(await call(c, 'exec', 'w', { command: ['sh', '-c', 'echo hi; nope'] })).toEqual({
      kind: 'json',
      body: { stdout: 'hi\n', stderr: 'sh: nope: not found\n', exitCode: 127 },
    });
    await expect(call(c, 'exec', 'w', { command: [] })).rejects.toMatchObject({ httpCode: 400 });
    await expect(call(c, 'exec', 'zz', { command: ['true'] })).rejects.toMatchObject({
      httpCode: 404,
      message: 'pods "zz" not found',
    });
    expect(await call(c, 'fail-readiness', 'w', { seconds: 10 })).toEqual({ kind: 'json', body: {} });
    expect(c.runtime.readinessForcedDown('default', 'w', 'c')).toBe(true);
    c.clock.step(10_000);
    expect(c.runtime.readinessForcedDown('default', 'w', 'c')).toBe(false);
    await call(c, 'kill', 'w', {});
    await c.settle();
    expect(started.exits).toEqual([['c', 137, 'Error']]);
  });

  it('podExec (kubectl exec) runs the same commands and answers the same errors', async () => {
    const c = testCluster();
    c.startPod({
      name: 'w',
      ip: '10.244.1.5',
      containers: [container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.39', { args: ['netexec'] })],
    });
    const exec = podExec(c.runtime);
    expect(
      await exec.run({ namespace: 'default', pod: 'w', command: ['sh', '-c', 'echo hi; nope'] }),
    ).toEqual({
      stdout: 'hi\n',
      stderr: 'sh: nope: not found\n',
      exitCode: 127,
    });
    expect(() => exec.check({ namespace: 'default', pod: 'w', container: 'c' })).not.toThrow();
    expect(() => exec.check({ namespace: 'default', pod: 'zz' })).toThrow(
      expect.objectContaining({ httpCode: 404, message: 'pods "zz" not found' }),
    );
    expect(() => exec.check({ namespace: 'default', pod: 'w', container: 'x' })).toThrow(
      expect.objectContaining({ httpCode: 400, message: 'container x is not valid for pod w' }),
    );
    await expect(exec.run({ namespace: 'default', pod: 'zz', command: ['true'] })).rejects.toMatchObject({
      httpCode: 404,
    });
  });
});

describe('extra image profiles (composition root)', () => {
  it('an app factory with extra profiles also decides tools and files', async () => {
    const { createAppFactory } = await import('./catalogue.js');
    const { NO_TOOLS } = await import('./exec/toolset.js');
    const { PauseApp } = await import('./images/shell-app.js');
    const { LogStore } = await import('./logs.js');
    const { PodSandboxRegistry } = await import('./sandbox.js');
    const { SimulatedContainerRuntime } = await import('./runtime.js');
    const { FakeClock } = await import('../util/clock.js');
    const { silentLogger } = await import('../log/index.js');
    const { seededRandom } = await import('../util/random.js');
    const { UNREACHABLE_NETWORK } = await import('./testing/fake-context.js');
    const clock = new FakeClock();
    const runtime = new SimulatedContainerRuntime({
      clock,
      logger: silentLogger(),
      random: seededRandom(1),
      sandboxes: new PodSandboxRegistry(),
      logs: new LogStore({ clock }),
      podNetwork: () => UNREACHABLE_NETWORK,
      appFactory: createAppFactory([
        {
          family: 'custom',
          matches: (ref) => ref.repository === 'example/custom',
          entrypoint: ['/custom'],
          cmd: [],
          env: () => ({ CUSTOM: '1' }),
          tools: NO_TOOLS,
          programs: ['/custom'],
          start: (ctx) => new PauseApp(ctx),
        },
      ]),
    });
    const c = { name: 'c', image: 'example/custom:1' };
    runtime.start({
      pod: { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [c] } },
      container: c,
      podIP: '10.1.1.1',
      nodeName: 'n',
      restartCount: 0,
    });
    expect(runtime.container('ns', 'p').ctx.container.env.CUSTOM).toBe('1');
    const r = await runtime.exec({ namespace: 'ns', pod: 'p', command: ['sh'] });
    expect(r.exitCode).toBe(126);
  });
});
