import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setEmulatedRoutableRanges } from '../../src/api/index.js';
import { type CliHarness, startCliHarness } from './cli-harness.js';

// apply and delete -f with the real manifest loader (src/manifest) reading
// real files, against the real API server's atomic /apply route.

/** The repository's copy of ../shared/seed-manifests (a clean clone has no ../shared). */
const SEED = join(import.meta.dirname, '../../src/manifest/__golden__/inputs/seed-manifests');

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness();
});

afterAll(async () => {
  await h?.close();
});

async function write(name: string, text: string): Promise<string> {
  const path = join(h.home, 'manifests', name);
  await mkdir(join(h.home, 'manifests'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('apply -f', () => {
  it('creates, reports unchanged, then configured', async () => {
    const file = await write('nginx.yaml', await readFile(join(SEED, 'nginx-deployment.yaml'), 'utf8'));
    expect(await h.netkube(['apply', '-f', file])).toEqual({
      code: 0,
      stdout: 'deployment.apps/nginx-deployment created\n',
      stderr: '',
    });
    expect((await h.netkube(['apply', '-f', file])).stdout).toBe(
      'deployment.apps/nginx-deployment unchanged\n',
    );
    await writeFile(file, (await readFile(file, 'utf8')).replace('nginx:1.14.2', 'nginx:1.16.1'));
    expect((await h.netkube(['apply', '-f', file])).stdout).toBe(
      'deployment.apps/nginx-deployment configured\n',
    );
  });

  it('reads a directory as kubectl does: its own files, the subdirectories only with -R', async () => {
    const dir = join(h.home, 'tree');
    await mkdir(join(dir, 'as-written'), { recursive: true });
    await writeFile(join(dir, 'top.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: top\n');
    await writeFile(
      join(dir, 'as-written', 'bad.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n',
    );
    expect(await h.netkube(['apply', '-f', dir])).toEqual({
      code: 0,
      stdout: 'configmap/top created\n',
      stderr: '',
    });
    const r = await h.netkube(['apply', '-R', '-f', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:4: tabs are not allowed/);
  });

  it('reads stdin with -f -', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-stdin\ndata:\n  a: "1"\n';
    expect(await h.netkube(['apply', '-f', '-'], { stdin: text })).toEqual({
      code: 0,
      stdout: 'configmap/from-stdin created\n',
      stderr: '',
    });
  });

  it('rejects the as-written seed manifest with file:line messages and applies nothing', async () => {
    const bad = join(SEED, 'as-written', 'myweb1-svc.yaml');
    const good = await write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-applied\n');
    const r = await h.netkube(['apply', '-f', good, '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*myweb1-svc\.yaml:\d+: /);
    for (const line of r.stderr.trimEnd().split('\n'))
      expect(line).toMatch(/^error: .*myweb1-svc\.yaml:\d+: /);
    expect(r.stderr).toContain('Service');
    expect((await h.netkube(['get', 'cm', 'not-applied'])).code).toBe(1);
  });

  it('places errors only the server can find at their object', async () => {
    const file = await write(
      'two.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lost\n  namespace: nope\n',
    );
    const r = await h.netkube(['apply', '-f', file]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${file}:6: ConfigMap nope/lost: namespaces "nope" not found\n`,
    });
    expect((await h.netkube(['get', 'cm', 'ok'])).code).toBe(1);
  });
});

describe('apply -f of loopback externalIPs', () => {
  it("leaves them to the API server, which knows the cluster's node subnet and LoadBalancer pool", async () => {
    // As the emulator declares them at start; the CLI process (spawned here) knows none.
    setEmulatedRoutableRanges(['127.0.10.0/24', '127.0.20.0/24']);
    const svc = (name: string, ip: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  externalIPs: ["${ip}"]\n  ports: [{port: 8089}]\n`;
    const ok = await h.spawnNetkube([
      'apply',
      '-f',
      await write('node-ip.yaml', svc('on-a-node', '127.0.10.2')),
    ]);
    expect(ok).toEqual({ code: 0, stdout: 'service/on-a-node created\n', stderr: '' });
    const bad = await h.spawnNetkube([
      'apply',
      '-f',
      await write('other-ip.yaml', svc('elsewhere', '127.5.5.5')),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'spec.externalIPs[0]: Invalid value: "127.5.5.5": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    );
  });
});

describe('delete -f', () => {
  it('deletes what the files describe', async () => {
    const file = await write('cm2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n');
    await h.netkube(['apply', '-f', file]);
    expect(await h.netkube(['delete', '-f', file])).toEqual({
      code: 0,
      stdout: 'configmap "gone" deleted\n',
      stderr: '',
    });
    expect(await h.netkube(['delete', '-f', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error from server (NotFound): error when deleting "${file}": configmaps "gone" not found\n`,
    });
  });
});
