/**
 * The core issue's user flow, end to end: the real `netkube` binary against a
 * real detached emulator — up, get, atomic apply, scale, set image, rollout
 * status/history/undo, describe with events, pod-to-pod curl, node stop/start
 * with eviction and self-healing, delete, kubectl through the kubeconfig
 * (port-forward too), down.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { BIN, type CliSandbox, cliSandbox, eventually } from '../helpers/cli.js';

const NAME = 'e2e-core';
let cli: CliSandbox;

interface PodRow {
  name: string;
  ready: string;
  status: string;
  ip: string;
  node: string;
}

async function pods(): Promise<PodRow[]> {
  const r = await cli.run(['get', 'pods', '-o', 'wide', '--no-headers']);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const c = l.split(/\s+/);
      return { name: c[0] ?? '', ready: c[1] ?? '', status: c[2] ?? '', ip: c[5] ?? '', node: c[6] ?? '' };
    });
}

async function deploymentPods(): Promise<PodRow[]> {
  return (await pods()).filter((p) => p.name.startsWith('nginx-deployment-'));
}

beforeAll(async () => {
  cli = cliSandbox({ name: NAME, slot: EMULATOR_SLOTS['test/e2e/core-flow.test.ts'] });
  const up = await cli.run(
    [
      'up',
      '-d',
      '--topology',
      'test/e2e/fixtures/fast-failover.yaml',
      'test/e2e/fixtures/nginx-deployment.yaml',
    ],
    { timeoutMs: 90_000 },
  );
  if (up.code !== 0) throw new Error(`up failed (${up.code}): ${up.stdout}\n${up.stderr}`);
}, 120_000);

afterAll(async () => {
  await cli.run(['down']);
  cli.cleanup();
}, 60_000);

describe('netkube core flow', () => {
  it('is up with every pod ready, a kubeconfig, and refuses a second up of the same name', async () => {
    expect(existsSync(join(cli.home, NAME, 'kubeconfig'))).toBe(true);
    const again = await cli.run(['up', '-d']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`an emulator named "${NAME}" is already running`);
  });

  it('lists pods like kubectl, with an IP from the pod network and a node', async () => {
    const r = await cli.run(['get', 'pods', '-o', 'wide']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    const rows = await deploymentPods();
    expect(rows).toHaveLength(3);
    for (const p of rows) {
      expect(p.status).toBe('Running');
      expect(p.ready).toBe('1/1');
      expect(p.ip).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(['worker-1', 'worker-2']).toContain(p.node);
    }
  });

  it('applies atomically: one invalid object leaves nothing applied', async () => {
    const file = join(cli.home, 'bad.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: should-not-exist',
        'data:',
        '  a: b',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: bad-port',
        'spec:',
        '  ports:',
        '  - port: 70000',
        '',
      ].join('\n'),
    );
    const r = await cli.run(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toContain('spec.ports[0].port');
    const cm = await cli.run(['get', 'configmap', 'should-not-exist']);
    expect(cm.code).toBe(1);
    expect(cm.stderr).toContain('"should-not-exist" not found');
  });

  it('scales a Deployment and the new pods become ready', async () => {
    const r = await cli.run(['scale', 'deployment/nginx-deployment', '--replicas', '5']);
    expect(r).toMatchObject({ code: 0, stdout: 'deployment.apps/nginx-deployment scaled\n' });
    await eventually(async () => (await deploymentPods()).filter((p) => p.ready === '1/1').length === 5, {
      what: '5 ready pods',
    });
  });

  it('rolls out a new image, shows the history, and undoes it', async () => {
    const set = await cli.run(['set', 'image', 'deployment/nginx-deployment', 'nginx=nginx:1.16.1']);
    expect(set).toMatchObject({ code: 0, stdout: 'deployment.apps/nginx-deployment image updated\n' });
    const status = await cli.run(['rollout', 'status', 'deployment/nginx-deployment'], { timeoutMs: 60_000 });
    expect(status.code).toBe(0);
    expect(status.stdout.trim().split('\n').at(-1)).toBe(
      'deployment "nginx-deployment" successfully rolled out',
    );
    const history = await cli.run(['rollout', 'history', 'deployment/nginx-deployment']);
    expect(history.stdout).toMatch(
      /^deployment\.apps\/nginx-deployment \nREVISION {2}CHANGE-CAUSE\n1 {9}<none>\n2 {9}<none>\n/,
    );
    const undo = await cli.run(['rollout', 'undo', 'deployment/nginx-deployment']);
    expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/nginx-deployment rolled back\n' });
    await cli.run(['rollout', 'status', 'deployment/nginx-deployment'], { timeoutMs: 60_000 });
    const json = JSON.parse((await cli.run(['get', 'deployment', 'nginx-deployment', '-o', 'json'])).stdout);
    expect(json.spec.template.spec.containers[0].image).toBe('nginx:1.14.2');
    expect(json.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('describes a pod with its events', async () => {
    const [pod] = await deploymentPods();
    const r = await cli.run(['describe', `pod/${pod?.name}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+nginx-deployment-/m);
    expect(r.stdout).toMatch(/^Events:/m);
    expect(r.stdout).toContain('Scheduled');
    expect(r.stdout).toMatch(/Successfully assigned default\/nginx-deployment-\S+ to worker-\d/);
    expect(r.stdout).toContain('Started container nginx');
  });

  it('curls one pod from another over the emulated network', async () => {
    const rows = await deploymentPods();
    const from = rows.find((p) => p.node === 'worker-1') ?? rows[0];
    const to = rows.find((p) => p.node === 'worker-2') ?? rows[1];
    const r = await cli.run(['curl', '--from', `pod/${from?.name}`, `http://${to?.ip}/`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<title>Welcome to nginx!</title>');
    // -i: the status line and headers as nginx sent them (names in their own case, in order).
    const head = await cli.run(['curl', '-i', '--from', `pod/${from?.name}`, `http://${to?.ip}/`]);
    expect(head.stdout).toMatch(
      /^HTTP\/1\.1 200 OK\nServer: nginx\/[\d.]+\nDate: .+ GMT\nContent-Type: text\/html\nContent-Length: \d+\n/,
    );
  });

  it('evicts the pods of a stopped node and reschedules them, then recovers the node', async () => {
    const stop = await cli.run(['node', 'stop', 'worker-2']);
    expect(stop).toMatchObject({ code: 0, stdout: 'node/worker-2 stopped\n' });
    await eventually(async () => /worker-2\s+NotReady/.test((await cli.run(['get', 'nodes'])).stdout), {
      what: 'worker-2 NotReady',
    });
    await eventually(
      async () => {
        const live = (await deploymentPods()).filter(
          (p) => p.status === 'Running' && p.ready === '1/1' && p.node !== 'worker-2',
        );
        return live.length === 5;
      },
      { what: '5 ready pods off worker-2', timeoutMs: 45_000 },
    );
    const start = await cli.run(['node', 'start', 'worker-2']);
    expect(start).toMatchObject({ code: 0, stdout: 'node/worker-2 started\n' });
    await eventually(async () => /worker-2\s+Ready/.test((await cli.run(['get', 'nodes'])).stdout), {
      what: 'worker-2 Ready',
    });
    await eventually(async () => (await deploymentPods()).every((p) => p.status === 'Running'), {
      what: 'terminating pods finished',
      timeoutMs: 45_000,
    });
  });

  it('deletes a pod and its ReplicaSet replaces it', async () => {
    const [victim] = await deploymentPods();
    const r = await cli.run(['delete', 'pod', victim?.name ?? '']);
    expect(r).toMatchObject({ code: 0, stdout: `pod "${victim?.name}" deleted\n` });
    await eventually(
      async () => {
        const rows = await deploymentPods();
        return (
          rows.length === 5 &&
          !rows.some((p) => p.name === victim?.name) &&
          rows.every((p) => p.ready === '1/1')
        );
      },
      { what: 'a replacement pod' },
    );
  });

  it('serves the real kubectl through the kubeconfig it wrote', () => {
    const out = execFileSync(
      'kubectl',
      [
        'get',
        'deploy',
        'nginx-deployment',
        '--kubeconfig',
        join(cli.home, NAME, 'kubeconfig'),
        '--cache-dir',
        join(cli.home, 'kubectl-cache'),
      ],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nnginx-deployment\s+5\/5\s+5\s+5\s+/);
  });

  it.each(['kubectl', 'netkube'])(
    'forwards a local port to a pod with %s port-forward, and says why when nothing listens',
    async (client) => {
      const forward = (remote: number) =>
        client === 'kubectl'
          ? spawn(
              'kubectl',
              [
                'port-forward',
                'deploy/nginx-deployment',
                `:${remote}`,
                '--address',
                '127.0.0.1',
                '--kubeconfig',
                join(cli.home, NAME, 'kubeconfig'),
                '--cache-dir',
                join(cli.home, 'kubectl-cache'),
              ],
              { stdio: ['ignore', 'pipe', 'pipe'] },
            )
          : spawn(process.execPath, [BIN, 'port-forward', 'deploy/nginx-deployment', `:${remote}`], {
              env: cli.env,
              stdio: ['ignore', 'pipe', 'pipe'],
            });
      const localPort = (child: ChildProcess) =>
        new Promise<number>((resolve, reject) => {
          let out = '';
          child.stdout?.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) resolve(Number(m[1]));
          });
          child.on('exit', (code) => reject(new Error(`${client} port-forward exited with ${code}`)));
        });
      const ok = forward(80);
      try {
        const port = await localPort(ok);
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>Welcome to nginx!</title>');
      } finally {
        ok.kill('SIGKILL');
      }
      const refused = forward(81);
      let stderr = '';
      refused.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => refused.on('exit', (code) => resolve(code)));
      const port = await localPort(refused);
      await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      expect(await exited).toBe(1);
      expect(stderr).toMatch(
        /an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod [0-9a-f-]+, uid : /,
      );
      expect(stderr).toMatch(/failed to connect to localhost:81 inside namespace \\?"/);
      expect(stderr).toContain('IPv4: dial tcp4 127.0.0.1:81: connect: connection refused');
      expect(stderr).toContain('error: lost connection to pod');
    },
  );

  it('goes down gracefully, after which clients say no emulator runs', async () => {
    const down = await cli.run(['down']);
    expect(down).toMatchObject({ code: 0, stdout: `netkube "${NAME}" stopped\n` });
    const get = await cli.run(['get', 'pods']);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain(`no emulator named "${NAME}" is running`);
  });
});
