import { describe, expect, it } from 'vitest';
import type { Probe } from '../api/types.js';
import { container, testCluster } from './testing/cluster.js';

function setup() {
  const c = testCluster();
  const liveness = container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.40', {
    args: ['liveness'],
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  });
  const started = c.startPod({ name: 'liveness-http', ip: '10.244.1.5', containers: [liveness] });
  const probe = (p: Probe, kind: 'liveness' | 'readiness' = 'liveness') =>
    c.prober.probe({
      pod: started.pod,
      container: liveness,
      podIP: '10.244.1.5',
      nodeName: 'worker-1',
      kind,
      probe: p,
    });
  return { c, started, probe };
}

describe('prober', () => {
  it('httpGet succeeds for 2xx/3xx and fails with the kubelet text otherwise', async () => {
    const { c, probe } = setup();
    expect(await probe({ httpGet: { path: '/healthz', port: 8080 } })).toEqual({
      result: 'success',
      message: 'ok',
    });
    expect(await probe({ httpGet: { path: '/healthz', port: 'http' } })).toMatchObject({ result: 'success' });
    c.clock.step(11_000);
    expect(await probe({ httpGet: { path: '/healthz', port: 8080 } })).toEqual({
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 500',
    });
    expect(await probe({ httpGet: { path: '/healthz', port: 9999 } })).toEqual({
      result: 'failure',
      message: 'Get "http://10.244.1.5:9999/healthz": dial tcp 10.244.1.5:9999: connect: connection refused',
    });
  });

  it('sends the kubelet request: kube-probe User-Agent, Accept, Connection: close', async () => {
    const c = testCluster();
    const whoami = container('w', 'traefik/whoami');
    const started = c.startPod({ name: 'w', ip: '10.244.1.6', containers: [whoami] });
    const outcome = await c.prober.probe({
      pod: started.pod,
      container: whoami,
      podIP: '10.244.1.6',
      nodeName: 'worker-1',
      kind: 'readiness',
      probe: { httpGet: { path: '/api', port: 80, httpHeaders: [{ name: 'x-probe', value: '1' }] } },
    });
    expect(JSON.parse(outcome.message ?? '')).toMatchObject({
      headers: {
        Accept: ['*/*'],
        Connection: ['close'],
        'User-Agent': ['kube-probe/1.31'],
        'X-Probe': ['1'],
      },
      host: '10.244.1.6:80',
      remoteAddr: expect.stringMatching(/^10\.244\.1\.1:\d+$/),
    });
    const nginx = container('n', 'nginx:1.25.3');
    const n = c.startPod({ name: 'n', ip: '10.244.1.7', containers: [nginx] });
    await c.prober.probe({
      pod: n.pod,
      container: nginx,
      podIP: '10.244.1.7',
      nodeName: 'worker-1',
      kind: 'liveness',
      probe: { httpGet: { path: '/', port: 80 } },
    });
    expect(c.logs.read('default/n/n')).toContain(
      '10.244.1.1 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.31" "-"\n',
    );
  });

  it('times out with the Go client text', async () => {
    const c = testCluster();
    const cont = container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['netexec'] });
    const started = c.startPod({
      name: 'slow',
      ip: '10.244.1.5',
      annotations: { 'netkube.dev/fault-latency': '5s' },
      containers: [cont],
    });
    const outcome = c.prober.probe({
      pod: started.pod,
      container: cont,
      podIP: '10.244.1.5',
      nodeName: 'worker-1',
      kind: 'liveness',
      probe: { httpGet: { path: '/healthz', port: 8080 }, timeoutSeconds: 1 },
    });
    await c.settle();
    c.clock.step(1_000);
    expect(await outcome).toEqual({
      result: 'failure',
      message:
        'Get "http://10.244.1.5:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    });
  });

  it('tcpSocket connects or reports the dial error', async () => {
    const { probe } = setup();
    expect(await probe({ tcpSocket: { port: 8080 } })).toEqual({ result: 'success' });
    expect(await probe({ tcpSocket: { port: 81 } })).toEqual({
      result: 'failure',
      message: 'dial tcp 10.244.1.5:81: connect: connection refused',
    });
  });

  it('exec runs the safe set: cat /tmp/healthy style checks', async () => {
    const c = testCluster();
    const cont = container('liveness', 'registry.k8s.io/busybox', {
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
    });
    const started = c.startPod({ name: 'liveness-exec', ip: '10.244.1.5', containers: [cont] });
    await c.settle();
    const probe = () =>
      c.prober.probe({
        pod: started.pod,
        container: cont,
        podIP: '10.244.1.5',
        nodeName: 'worker-1',
        kind: 'liveness',
        probe: { exec: { command: ['cat', '/tmp/healthy'] } },
      });
    expect(await probe()).toEqual({ result: 'success', message: '' });
    c.clock.step(31_000);
    await c.settle();
    expect(await probe()).toEqual({
      result: 'failure',
      message: "cat: can't open '/tmp/healthy': No such file or directory\n",
    });
  });

  it('readiness forced down by fail-readiness fails the probe as a 503; grpc is refused clearly', async () => {
    const { c, probe } = setup();
    c.runtime.failReadiness('default', 'liveness-http', 5);
    expect(await probe({ httpGet: { path: '/healthz', port: 8080 } }, 'readiness')).toEqual({
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 503',
    });
    expect(await probe({ httpGet: { path: '/healthz', port: 8080 } }, 'liveness')).toMatchObject({
      result: 'success',
    });
    expect((await probe({ grpc: { port: 9000 } })).message).toContain(
      'gRPC health checking is not simulated by netkube',
    );
  });
});
