import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SLOTS, testNet } from '../helpers/addresses.js';

// The CLI against a whole emulator started by `netkube up` in this process:
// real controllers, kubelets, IPAM, kube-proxy and the extension routes of
// every part. Addresses come from this file's test slot.

const net = testNet(SLOTS['test/e2e/cli-emulator.test.ts']);

const TOPOLOGY = `apiVersion: netkube.dev/v1alpha1
kind: Cluster
name: cli-e2e
api:
  address: ${net.address(1)}:6443
dns:
  address: ${net.address(250)}:10053
socks:
  address: ${net.address(251)}:1080
networking:
  nodeSubnet: ${net.prefix}0/26
  loadBalancerPool: ${net.prefix}64/26
nodes:
  - name: control-plane
    role: control-plane
    address: ${net.address(1)}
  - name: worker-1
    role: worker
    address: ${net.address(2)}
`;

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.43
        args: ["netexec", "--http-port=8080"]
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`;

let home: string;
let stop: AbortController;
let running: Promise<number>;

async function netkube(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
    env: { NETKUBE_HOME: home, TZ: 'UTC' },
    cwd: home,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'netkube-cli-emulator-'));
  await writeFile(join(home, 'topology.yaml'), TOPOLOGY);
  await writeFile(join(home, 'app.yaml'), APP);
  stop = new AbortController();
  let out = '';
  let ready: () => void = () => {};
  const readyNow = new Promise<void>((resolve) => {
    ready = resolve;
  });
  // An absolute --topology path (the manifests stay relative to cwd).
  running = main(['up', '--topology', join(home, 'topology.yaml'), 'app.yaml'], {
    stdout: {
      write: (s: string) => {
        out += s;
        if (/ is ready in /.test(out)) ready();
      },
    },
    stderr: { write: () => {} },
    stdin: new PassThrough(),
    env: { NETKUBE_HOME: home, TZ: 'UTC' },
    cwd: home,
    signal: stop.signal,
  });
  await Promise.race([
    readyNow,
    running.then((code) => Promise.reject(new Error(`up exited ${code}: ${out}`))),
  ]);
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await running?.catch(() => {});
  if (home) await rm(home, { recursive: true, force: true });
});

describe('netkube against a running emulator', () => {
  it('lists nodes, pods and services', async () => {
    const nodes = await netkube(['get', 'nodes']);
    expect(nodes.code).toBe(0);
    expect(nodes.stdout).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION\ncontrol-plane +Ready +control-plane /);
    const pods = await netkube(['get', 'pods', '-o', 'wide']);
    expect(pods.stdout).toMatch(/web-\S+ +1\/1 +Running +0 +\S+ +10\.244\./);
    const port = await netkube(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    expect(port.stdout).toMatch(/^3\d{4}$/);
  });

  it('describes a pod with its events', async () => {
    const pods = await netkube(['get', 'pods', '-o', 'name']);
    const pod = pods.stdout.split('\n')[0] ?? '';
    const r = await netkube(['describe', pod]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name: +web-/);
    expect(r.stdout).toMatch(/\nEvents:\n {2}Type +Reason +Age +From +Message\n/);
  });

  it('shows the node views of the parts', async () => {
    const routes = await netkube(['routes', 'worker-1']);
    expect(routes.code).toBe(0);
    expect(routes.stdout).toContain('10.244.');
    const rules = await netkube(['rules', '--node', 'worker-1']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('KUBE-SERVICES');
    const ipam = await netkube(['ipam', 'show', '--show-blocks']);
    expect(ipam.code).toBe(0);
    expect(ipam.stdout).toContain('10.244.');
  });

  it('runs commands in a pod and requests through the Service from it', async () => {
    const pod = ((await netkube(['get', 'pods', '-o', 'name'])).stdout.split('\n')[0] ?? '').replace(
      'pod/',
      '',
    );
    const exec = await netkube(['exec', pod, '--', 'hostname']);
    expect(exec).toEqual({ code: 0, stdout: `${pod}\n`, stderr: '' });
    const curl = await netkube(['curl', '--from', `pod/${pod}`, 'http://web/hostname']);
    expect(curl.code).toBe(0);
    expect(curl.stdout).toMatch(/^web-/);
    const logs = await netkube(['logs', 'deploy/web']);
    expect(logs.code).toBe(0);
  });

  it('scales and rolls out through the real controllers', async () => {
    expect((await netkube(['scale', 'deploy/web', '--replicas=3'])).stdout).toBe(
      'deployment.apps/web scaled\n',
    );
    const status = await netkube(['rollout', 'status', 'deploy/web', '--timeout=60s']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/deployment "web" successfully rolled out\n$/);
    const image = await netkube([
      'set',
      'image',
      'deploy/web',
      'web=registry.k8s.io/e2e-test-images/agnhost:2.44',
    ]);
    expect(image.stdout).toBe('deployment.apps/web image updated\n');
    expect((await netkube(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
    const history = await netkube(['rollout', 'history', 'deploy/web']);
    expect(history.stdout).toBe(
      'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    );
    expect((await netkube(['rollout', 'undo', 'deploy/web'])).stdout).toBe(
      'deployment.apps/web rolled back\n',
    );
    expect((await netkube(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
    const after = await netkube(['rollout', 'history', 'deploy/web']);
    expect(after.stdout).toBe(
      'deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n',
    );
  });

  it('deletes a pod and waits for its graceful termination', async () => {
    const pod = ((await netkube(['get', 'pods', '-o', 'name'])).stdout.split('\n')[0] ?? '').replace(
      'pod/',
      '',
    );
    expect(await netkube(['delete', 'pod', pod, '--grace-period=1'])).toEqual({
      code: 0,
      stdout: `pod "${pod}" deleted\n`,
      stderr: '',
    });
    expect((await netkube(['get', 'pod', pod])).code).toBe(1);
  });

  it("reports routes no part serves with the server's Status", async () => {
    const r = await netkube(['flows', '--limit', '1']);
    expect([0, 1]).toContain(r.code);
    if (r.code === 1) expect(r.stderr).toMatch(/^Error from server \(NotFound\): /);
  });
});
