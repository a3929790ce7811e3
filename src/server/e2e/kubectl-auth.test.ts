/**
 * The real kubectl v1.32 against what a cluster administrator sees of a real
 * API server beyond the stored resources: `auth can-i` and `auth whoami`
 * (the create-only review resources), the verbose health endpoints, and
 * NamespaceLifecycle's immortal and terminating namespaces.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  for (const name of ['kube-public', 'team-a']) {
    h.registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
  }
});

afterAll(async () => {
  await h.close();
});

kubectlSuite('kubectl auth', () => {
  it('can-i answers yes for anything, as for a system:masters user', async () => {
    expect(await h.kubectl(['auth', 'can-i', 'create', 'pods'])).toEqual({
      stdout: 'yes\n',
      stderr: '',
      code: 0,
    });
    expect(await h.kubectl(['auth', 'can-i', 'delete', 'nodes', '--all-namespaces'])).toMatchObject({
      stdout: 'yes\n',
      code: 0,
    });
    expect(await h.kubectl(['auth', 'can-i', 'get', '/logs'])).toMatchObject({ stdout: 'yes\n', code: 0 });
  });

  it('can-i --list prints the rules a cluster-admin has', async () => {
    const r = await h.kubectl(['auth', 'can-i', '--list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines[0]).toBe('Resources Non-Resource URLs Resource Names Verbs');
    expect(lines[1]).toBe('*.* [] [] [*]');
    expect(lines[2]).toBe('[*] [] [*]');
    expect(lines).toContain('selfsubjectaccessreviews.authorization.k8s.io [] [] [create]');
    expect(lines).toContain('[/healthz] [] [get]');
  });

  it('whoami names the administrator', async () => {
    const r = await h.kubectl(['auth', 'whoami']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'ATTRIBUTE VALUE',
      'Username kubernetes-admin',
      'Groups [system:masters system:authenticated]',
      '',
    ]);
  });

  it('api-resources lists the reviews as create-only; get on them is refused', async () => {
    const r = await h.kubectl(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']);
    expect(r.stdout).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m,
    );
    const get = await h.kubectl(['get', 'selfsubjectaccessreviews']);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('(MethodNotAllowed)');
  });
});

kubectlSuite('health endpoints through kubectl get --raw', () => {
  it('/readyz?verbose lists the checks and passes', async () => {
    const r = await h.kubectl(['get', '--raw', '/readyz?verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n')).toBe(true);
    expect(r.stdout.endsWith('[+]shutdown ok\nreadyz check passed\n')).toBe(true);
    expect((await h.kubectl(['get', '--raw', '/livez'])).stdout).toBe('ok');
  });
});

kubectlSuite('NamespaceLifecycle', () => {
  it('default, kube-system and kube-public may not be deleted; --all deletes the others', async () => {
    const r = await h.kubectl(['delete', 'ns', 'default']);
    expect(r).toEqual({
      stdout: '',
      stderr:
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n',
      code: 1,
    });
    const all = await h.kubectl(['delete', 'ns', '--all', '--wait=false']);
    expect(all.code).toBe(1);
    expect(all.stdout).toBe('namespace "team-a" deleted\n');
    for (const name of ['default', 'kube-public', 'kube-system']) {
      expect(all.stderr).toContain(
        `Error from server (Forbidden): namespaces "${name}" is forbidden: this namespace may not be deleted`,
      );
      expect(h.store.get('namespaces', undefined, name)?.metadata.deletionTimestamp).toBeUndefined();
    }
  });

  it('creating in a terminating namespace is Forbidden, naming the object', async () => {
    h.registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n5' } } as KubeObject);
    await h.kubectl(['delete', 'ns', 'n5', '--wait=false']);
    const r = await h.kubectl(['-n', 'n5', 'run', 'zz', '--image=nginx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error from server (Forbidden): pods "zz" is forbidden: unable to create new content in namespace n5 because it is being terminated\n',
    );
  });
});
