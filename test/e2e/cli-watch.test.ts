import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKind } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { seedCluster } from './cli-fixtures.js';
import { type CliHarness, KUBECTL, startCliHarness } from './cli-harness.js';

const DEPLOY = resourceForKind('Deployment') as ResourceInfo;

let h: CliHarness;

beforeEach(async () => {
  h = await startCliHarness();
  seedCluster((o) => h.seed(o), Date.now());
});

afterEach(async () => {
  await h?.close();
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return () => text;
}

function setStatus(status: Record<string, unknown>): void {
  const web = h.registry.get<KubeObject>(DEPLOY, 'default', 'web');
  h.registry.update({ ...web, status } as KubeObject, { subresource: 'status' });
}

describe('get -w streams the same rows as kubectl get -w', () => {
  it
    .skipIf(!KUBECTL)
    .each([
      [['get', 'deploy', '-w']],
      [['get', 'deployments', '-w', '-o', 'wide']],
      [['get', 'deploy', '-A', '--watch', '--output-watch-events']],
      [['get', 'deploy', '-w', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.readyReplicas']],
      [['get', 'deploy', '-w', '-o', 'jsonpath={.metadata.name} {.status.readyReplicas}{"\\n"}']],
    ])('%s', async (argv) => {
    const controller = new AbortController();
    let ours = '';
    const running = h.netkube(argv, { signal: controller.signal, onStdout: (s) => (ours += s) });
    const kubectl = h.spawnKubectl(argv) as ChildProcess;
    const theirs = output(kubectl);
    // Collection watches start from the list's resourceVersion, so changes
    // made once the list is printed reach both, however late they connect.
    await until(() => ours.includes('web') && theirs().includes('web'));
    setStatus({ replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 });
    setStatus({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    await until(() => ours.split('\n').length >= 4 && theirs().split('\n').length >= 4);
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    kubectl.kill('SIGINT');
    expect((await running).code).toBe(0);
    expect(ours).toBe(theirs());
  });
});

describe('get -w of one named object', () => {
  // kubectl watches a named object from resourceVersion 0 (a synthetic ADDED
  // it skips, then changes), so a change made before its watch connects is
  // never shown. Changes are repeated until both show one; the printed object
  // and the last row must then match.
  it.skipIf(!KUBECTL)('prints the object, then its changes, as kubectl does', async () => {
    const argv = ['get', 'deploy', 'web', '-w'];
    const controller = new AbortController();
    let ours = '';
    const running = h.netkube(argv, { signal: controller.signal, onStdout: (s) => (ours += s) });
    const kubectl = h.spawnKubectl(argv) as ChildProcess;
    const theirs = output(kubectl);
    await until(() => ours.includes('web') && theirs().includes('web'));
    for (
      let ready = 1;
      !/web +2\/2 .*\n$/.test(ours) || !/web +2\/2 .*\n$/.test(theirs());
      ready = 3 - ready
    ) {
      setStatus({ replicas: 2, readyReplicas: ready, updatedReplicas: 2, availableReplicas: ready });
      await new Promise((r) => setTimeout(r, 300));
    }
    controller.abort();
    kubectl.kill('SIGINT');
    expect((await running).code).toBe(0);
    const lines = (text: string) => text.trimEnd().split('\n');
    expect(lines(ours).slice(0, 2)).toEqual(lines(theirs()).slice(0, 2));
    expect(lines(ours).at(-1)).toBe(lines(theirs()).at(-1));
  });
});

describe('get -w of an empty collection', () => {
  it.skipIf(!KUBECTL)('prints headers with the first row that arrives, as kubectl does', async () => {
    const argv = ['get', 'configmaps', '-n', 'kube-system', '-w'];
    const controller = new AbortController();
    let ours = '';
    const running = h.netkube(argv, { signal: controller.signal, onStdout: (s) => (ours += s) });
    const kubectl = h.spawnKubectl(argv) as ChildProcess;
    const theirs = output(kubectl);
    await new Promise((r) => setTimeout(r, 1500));
    h.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late', namespace: 'kube-system' },
      data: { a: '1' },
    } as KubeObject);
    await until(() => ours.includes('late') && theirs().includes('late'));
    controller.abort();
    kubectl.kill('SIGINT');
    expect((await running).code).toBe(0);
    expect(ours).toBe(theirs());
    expect(ours).toMatch(/^NAME +DATA +AGE\nlate +1 +/);
  });
});

describe('the installed command', () => {
  const built = existsSync(join(import.meta.dirname, '../../dist/bundle/main.js'));
  it.skipIf(!built)("runs as a process, exits promptly with kubectl's codes", async () => {
    const ok = await h.spawnNetkube(['get', 'deploy']);
    expect(ok).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\nweb /),
      stderr: '',
    });
    expect(await h.spawnNetkube(['get', 'deploy', '--nope'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown flag: --nope\nSee 'netkube get --help' for usage.\n",
    });
    expect(await h.spawnNetkube(['get', 'deploy', '--name', 'other'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no emulator named "other" is running: start one with `netkube up`\n',
    });
  });
});
