import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeKubeconfig } from './kubeconfig.js';

it('writes the no-TLS, no-auth kubeconfig of reference §1, owner-readable only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netkube-kubeconfig-'));
  try {
    const path = join(dir, 'nested', 'kubeconfig');
    await writeKubeconfig(path, { clusterName: 'lab', server: 'http://127.0.0.1:6443' });
    expect(parse(await readFile(path, 'utf8'))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'lab', cluster: { server: 'http://127.0.0.1:6443' } }],
      contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'lab', namespace: 'default' } }],
      'current-context': 'lab',
      preferences: {},
      users: [{ name: 'lab', user: {} }],
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
