/**
 * The real kubectl v1.32 `get` against the ApiServer: tables from server-side
 * printing (wide columns, kind prefixes, labels, all namespaces), raw
 * YAML/JSON, empty results, and `get -w` on a watch stream.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../api/index.js';
import { runningPod, seedDeploymentHistory, seedWithStatus, service } from './fixtures.test-helpers.js';
import { collectOutput, type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  seedWithStatus(h.registry, runningPod('web-1', { ip: '10.244.1.5', node: 'worker-1' }));
  h.registry.create(service('web', 'NodePort', 30080));
  seedDeploymentHistory(h.registry, ['nginx:1.25']);
  h.registry.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dns-1', namespace: 'kube-system', labels: { k8s_app: 'kube-dns' } },
    spec: { containers: [{ name: 'coredns', image: 'coredns' }] },
    status: { phase: 'Pending' },
  } as KubeObject);
});

afterAll(async () => {
  await h.close();
});

function lines(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

kubectlSuite('kubectl get', () => {
  it('get pods -o wide prints the wide columns', async () => {
    const r = await h.kubectl(['get', 'pods', '-o', 'wide']);
    expect(r.code).toBe(0);
    const [header, row] = lines(r.stdout);
    expect(header).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(row?.slice(0, 4)).toEqual(['web-1', '1/1', 'Running', '0']);
    expect(row?.slice(5)).toEqual(['10.244.1.5', 'worker-1', '<none>', '<none>']);
  });

  it('get services and deployments -o wide', async () => {
    const svc = await h.kubectl(['get', 'svc', '-o', 'wide']);
    expect(lines(svc.stdout)[0]).toEqual([
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
      'SELECTOR',
    ]);
    const svcRow = lines(svc.stdout)[1] ?? [];
    expect([...svcRow.slice(0, 5), svcRow[6]]).toEqual([
      'web',
      'NodePort',
      '10.96.0.50',
      '<none>',
      '80:30080/TCP',
      'app=web',
    ]);
    const deploy = await h.kubectl(['get', 'deploy', '-o', 'wide']);
    expect(lines(deploy.stdout)[0]).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS',
      'IMAGES',
      'SELECTOR',
    ]);
    const row = lines(deploy.stdout)[1] ?? [];
    expect([...row.slice(0, 4), ...row.slice(5)]).toEqual([
      'web',
      '2/2',
      '2',
      '2',
      'nginx',
      'nginx:1.25',
      'app=web',
    ]);
  });

  it('get deploy,svc prints each kind with its kind/name prefix', async () => {
    const r = await h.kubectl(['get', 'deploy,svc']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+2\/2/);
    expect(r.stdout).toMatch(
      /\n\nNAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/web\s+NodePort/,
    );
  });

  it('get pods -A adds the namespace column from the row metadata', async () => {
    const r = await h.kubectl(['get', 'pods', '-A']);
    const rows = lines(r.stdout);
    expect(rows[0]?.slice(0, 3)).toEqual(['NAMESPACE', 'NAME', 'READY']);
    expect(rows.slice(1).map((row) => row.slice(0, 4))).toEqual([
      ['default', 'web-1', '1/1', 'Running'],
      ['kube-system', 'dns-1', '0/1', 'Pending'],
    ]);
  });

  it('get pods --show-labels', async () => {
    const r = await h.kubectl(['get', 'pods', '--show-labels']);
    expect(lines(r.stdout)[1]?.at(-1)).toBe('app=web');
  });

  it('get pod -o yaml and -o json return the stored object', async () => {
    const y = await h.kubectl(['get', 'pod', 'web-1', '-o', 'yaml']);
    expect(y.code).toBe(0);
    const obj = parse(y.stdout) as KubeObject & { status: { podIP: string } };
    expect(obj.kind).toBe('Pod');
    expect(obj.metadata.uid).toBe(h.store.get('pods', 'default', 'web-1')?.metadata.uid);
    expect(obj.status.podIP).toBe('10.244.1.5');
    const j = await h.kubectl(['get', 'svc', '-o', 'json']);
    const list = JSON.parse(j.stdout) as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(['Service/web']);
  });

  it('prints "No resources found" on stderr for an empty list', async () => {
    const r = await h.kubectl(['get', 'ingresses']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('No resources found in default namespace.');
  });

  it('reports a missing object as NotFound', async () => {
    const r = await h.kubectl(['get', 'pod', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
  });

  it('get pods -l filters by label selector', async () => {
    const r = await h.kubectl(['get', 'pods', '-A', '-l', 'k8s_app=kube-dns', '-o', 'name']);
    expect(r.stdout.trim()).toBe('pod/dns-1');
  });
});

kubectlSuite('kubectl get -w', () => {
  it('prints the current rows, then a row per change', async () => {
    const child = h.spawnKubectl(['get', 'pods', '-w']);
    const output = collectOutput(child);
    await output.waitFor((out) => out.includes('web-1'));
    const pending = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-2', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      status: { phase: 'Pending' },
    } as KubeObject;
    const created = h.registry.create(pending);
    const afterAdd = await output.waitFor((out) => /web-2\s+0\/1\s+Pending/.test(out));
    expect(afterAdd).toMatch(/web-2\s+0\/1\s+Pending\s+0\s+\d+s/);
    const running = runningPod('web-2', { ip: '10.244.2.7' });
    h.registry.update({ ...running, metadata: { ...created.metadata } }, { subresource: 'status' });
    const afterRun = await output.waitFor((out) => /web-2\s+1\/1\s+Running/.test(out));
    const rows = afterRun.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows.filter((r) => r.startsWith('NAME')).length).toBe(1);
    child.kill('SIGTERM');
  });
});
