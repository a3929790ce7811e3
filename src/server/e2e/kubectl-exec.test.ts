/**
 * The real kubectl v1.32 `exec` over WebSocket (`v5.channel.k8s.io`): the
 * command reaches `podExec` (played here by the test), its output comes back
 * on stdout and stderr, its exit code becomes kubectl's, and errors found
 * before anything runs are answered as the API server answers them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StatusError } from '../../api/index.js';
import type { PodExecRequest } from '../handlers/exec-stream.js';
import { runningPod, seedWithStatus } from './fixtures.test-helpers.js';
import { type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

const POD = 'client-7d4b9c8f6d-x2x4z';
const requests: PodExecRequest[] = [];

function check(r: { pod: string; container?: string }): void {
  if (r.pod !== POD) throw new StatusError('NotFound', 404, `pods "${r.pod}" not found`);
  if (r.container !== undefined && r.container !== 'nginx')
    throw new StatusError('BadRequest', 400, `container ${r.container} is not valid for pod ${r.pod}`);
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    podExec: {
      check,
      async run(r) {
        check(r);
        requests.push(r);
        const [cmd, ...args] = r.command;
        if (cmd === 'hostname') return { stdout: `${r.pod}\n`, stderr: '', exitCode: 0 };
        if (cmd === 'big') return { stdout: 'x'.repeat(100_000), stderr: '', exitCode: 0 };
        return { stdout: `ran ${args.join(' ')}\n`, stderr: `${cmd}: failed\n`, exitCode: 3 };
      },
    },
  });
  seedWithStatus(h.registry, runningPod(POD));
  const { nodeName: _n, ...unscheduled } = runningPod('pend').spec as Record<string, unknown>;
  seedWithStatus(h.registry, { ...runningPod('pend'), spec: unscheduled, status: { phase: 'Pending' } });
});

afterAll(async () => {
  await h.close();
});

kubectlSuite('kubectl exec over WebSocket', () => {
  it('runs the command in the pod and prints its output', async () => {
    const r = await h.kubectl(['exec', POD, '--', 'hostname']);
    expect(r).toEqual({ stdout: `${POD}\n`, stderr: '', code: 0 });
    expect(requests.at(-1)).toEqual({
      namespace: 'default',
      pod: POD,
      container: 'nginx',
      command: ['hostname'],
    });
  });

  it('passes the container and every argument, and carries large output whole', async () => {
    const r = await h.kubectl(['exec', POD, '-c', 'nginx', '--', 'big']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('x'.repeat(100_000));
    expect(requests.at(-1)).toMatchObject({ container: 'nginx', command: ['big'] });
  });

  it("keeps stdout and stderr apart and exits with the command's exit code", async () => {
    const r = await h.kubectl(['exec', POD, '--', 'nc', '-zv', '10.244.1.9', '81']);
    expect(r.stdout).toBe('ran -zv 10.244.1.9 81\n');
    expect(r.stderr).toBe('nc: failed\ncommand terminated with exit code 3\n');
    expect(r.code).toBe(3);
  });

  it('with -i reads no input it does not need and still ends', async () => {
    const r = await h.kubectl(['exec', '-i', POD, '--', 'hostname'], { stdin: 'ignored\n' });
    expect(r).toEqual({ stdout: `${POD}\n`, stderr: '', code: 0 });
  });

  it('an unknown container is refused before anything runs, as the API server words it', async () => {
    const before = requests.length;
    const r = await h.kubectl(['exec', POD, '-c', 'sidecar', '--', 'hostname']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error from server (BadRequest): container sidecar is not valid for pod ${POD}\n`);
    expect(requests.length).toBe(before);
  });

  it('a pod with no node is refused as the API server words it, before the runtime is asked', async () => {
    const before = requests.length;
    const r = await h.kubectl(['exec', 'pend', '--', 'ls']);
    expect(r).toEqual({
      stdout: '',
      stderr: 'Error from server (BadRequest): pod pend does not have a host assigned\n',
      code: 1,
    });
    expect(requests.length).toBe(before);
  });

  it("an unknown pod is kubectl's own NotFound", async () => {
    const r = await h.kubectl(['exec', 'nope', '--', 'hostname']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});
