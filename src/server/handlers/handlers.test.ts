import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { LineReader, startTestServer, type TestServer } from '../server.test-helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    },
  },
};

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('writes', () => {
  it('create: 201; namespace mismatch: 400 with the apiserver text; bad protobuf: 400, an unsupported kind: 415', async () => {
    t = await startTestServer();
    const created = await t.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: deployment,
    });
    expect(created.status).toBe(201);
    const other = await t.request('POST', '/apis/apps/v1/namespaces/kube-system/deployments', {
      body: deployment,
    });
    expect(other.status).toBe(400);
    expect((await json(other)).message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const proto = await t.request('POST', '/api/v1/namespaces/default/configmaps', {
      body: 'k8s\u0000junk',
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(proto.status).toBe(400);
    expect((await json(proto)).message).toMatch(/^error decoding the protobuf body: /);
    // A protobuf object netkube does not decode (a Job's envelope): 415 and the workaround.
    // typeMeta (field 1) holding apiVersion (1) and kind (2); every byte is ASCII, so a string body.
    const job = 'k8s\u0000\u000a\u000f\u000a\u0008batch/v1\u0012\u0003Job';
    const unsupported = await t.request('POST', '/api/v1/namespaces/default/configmaps', {
      body: job,
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(unsupported.status).toBe(415);
    expect(unsupported.headers.get('warning')).toContain('--dry-run=client -o yaml | kubectl apply -f -');
  });

  it('update: name mismatch 400, stale resourceVersion 409', async () => {
    t = await startTestServer();
    const live = t.registry.create(deployment as unknown as KubeObject);
    const renamed = await t.request('PUT', '/apis/apps/v1/namespaces/default/deployments/web', {
      body: { ...live, metadata: { ...live.metadata, name: 'other' } },
    });
    expect((await json(renamed)).message).toBe(
      'the name of the object (other) does not match the name on the URL (web)',
    );
    const stale = await t.request('PUT', '/apis/apps/v1/namespaces/default/deployments/web', {
      body: { ...live, metadata: { ...live.metadata, resourceVersion: '1' } },
    });
    expect(stale.status).toBe(409);
    expect((await json(stale)).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('patch: merge and JSON patch; resourceVersion in a patch is a precondition; unknown type 415', async () => {
    t = await startTestServer();
    t.registry.create(deployment as unknown as KubeObject);
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const merged = await t.request('PATCH', path, {
      body: { metadata: { labels: { tier: 'fe' } } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(merged.status).toBe(200);
    expect((await json(merged)).metadata).toMatchObject({ labels: { tier: 'fe' } });
    const stale = await t.request('PATCH', path, {
      body: { metadata: { resourceVersion: '1' }, spec: { replicas: 5 } },
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
    });
    expect(stale.status).toBe(409);
    const missing = await t.request('PATCH', path, {
      body: [{ op: 'replace', path: '/spec/nothere', value: 1 }],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(await json(missing)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    });
    const bad = await t.request('PATCH', path, { body: {}, headers: { 'content-type': 'text/plain' } });
    expect(bad.status).toBe(415);
  });

  it('strict field validation: create is a decode error, a strategic patch an Invalid "patch"', async () => {
    t = await startTestServer();
    const bad = { ...deployment, spec: { ...deployment.spec, replica: 3 } };
    const created = await t.request(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict',
      { body: bad },
    );
    expect((await json(created)).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    );
    t.registry.create(deployment as unknown as KubeObject);
    const patched = await t.request(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web?fieldValidation=Strict',
      {
        body: { spec: { replica: 3 } },
        headers: { 'content-type': 'application/strategic-merge-patch+json' },
      },
    );
    expect(patched.status).toBe(422);
    expect((await json(patched)).message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[replica:3]]": strict decoding error: unknown field "spec.replica"',
    );
    const warned = await t.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {
      body: { spec: { replica: 3 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(warned.status).toBe(200);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.replica\\""');
    const stored = t.store.get('deployments.apps', 'default', 'web') as KubeObject & {
      spec: Record<string, unknown>;
    };
    expect(stored.spec.replica).toBeUndefined();
  });

  it('scale: GET, PUT with a stale resourceVersion (409), PATCH', async () => {
    t = await startTestServer();
    t.registry.create(deployment as unknown as KubeObject);
    const path = '/apis/apps/v1/namespaces/default/deployments/web/scale';
    const scale = await json(await t.request('GET', path));
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    });
    const stale = await t.request('PUT', path, {
      body: {
        ...scale,
        metadata: { ...(scale.metadata as object), resourceVersion: '1' },
        spec: { replicas: 4 },
      },
    });
    expect(stale.status).toBe(409);
    const patched = await t.request('PATCH', path, {
      body: { spec: { replicas: 3 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(await json(patched)).toMatchObject({ spec: { replicas: 3 } });
    const negative = await t.request('PATCH', path, {
      body: { spec: { replicas: -1 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect((await json(negative)).message).toBe(
      'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('delete: Success Status for most kinds, the object for pods; deletecollection', async () => {
    t = await startTestServer();
    const live = t.registry.create(deployment as unknown as KubeObject);
    const res = await json(
      await t.request('DELETE', '/apis/apps/v1/namespaces/default/deployments/web', {
        body: { propagationPolicy: 'Background' },
      }),
    );
    expect(res).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'web', group: 'apps', kind: 'deployments', uid: live.metadata.uid },
    });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    t.registry.create(pod as KubeObject);
    t.registry.create({ ...pod, metadata: { ...pod.metadata, name: 'q' } } as KubeObject);
    const gone = await json(await t.request('DELETE', '/api/v1/namespaces/default/pods/p'));
    expect(gone).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
    const list = await json(await t.request('DELETE', '/api/v1/namespaces/default/pods?labelSelector=a%3Db'));
    expect(list).toMatchObject({ kind: 'PodList', items: [{ metadata: { name: 'q' } }] });
    expect(t.store.count('pods')).toBe(0);
  });

  it('delete: a uid precondition that does not match is a 409 Conflict', async () => {
    t = await startTestServer();
    const live = t.registry.create(deployment as unknown as KubeObject);
    const res = await t.request('DELETE', '/apis/apps/v1/namespaces/default/deployments/web', {
      body: { preconditions: { uid: 'other' } },
    });
    expect(res.status).toBe(409);
    expect((await json(res)).message).toBe(
      `Operation cannot be fulfilled on deployments.apps "web": Precondition failed: UID in precondition: other, UID in object meta: ${live.metadata.uid}`,
    );
    const dry = await t.request('DELETE', '/apis/apps/v1/namespaces/default/deployments/web?dryRun=All');
    expect(dry.status).toBe(200);
    expect(t.store.get('deployments.apps', 'default', 'web')).toBeDefined();
  });

  it('eviction deletes the pod (201 Success); binding sets nodeName once', async () => {
    t = await startTestServer();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    t.registry.create(pod as KubeObject);
    const bind = await t.request('POST', '/api/v1/namespaces/default/pods/p/binding', {
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: 'p' },
        target: { kind: 'Node', name: 'worker-1' },
      },
    });
    expect(bind.status).toBe(201);
    expect(
      (t.store.get('pods', 'default', 'p') as KubeObject & { spec: { nodeName: string } }).spec.nodeName,
    ).toBe('worker-1');
    const again = await t.request('POST', '/api/v1/namespaces/default/pods/p/binding', {
      body: { target: { kind: 'Node', name: 'worker-2' } },
    });
    expect((await json(again)).message).toBe(
      'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "worker-1"',
    );
    const evict = await t.request('POST', '/api/v1/namespaces/default/pods/p/eviction', {
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: 'p', namespace: 'default' },
        deleteOptions: { gracePeriodSeconds: 0 },
      },
    });
    expect(await json(evict)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    expect(t.store.get('pods', 'default', 'p')).toBeUndefined();
  });
});

describe('encoding', () => {
  it('a pod template carries creationTimestamp: null in every response form, as Go encodes it', async () => {
    t = await startTestServer();
    const created = await t.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: deployment,
    });
    const templateMeta = (o: unknown) =>
      (o as { spec: { template: { metadata: unknown } } }).spec.template.metadata;
    const want = { creationTimestamp: null, labels: { app: 'web' } };
    expect(templateMeta(await json(created))).toEqual(want);
    const base = '/apis/apps/v1/namespaces/default/deployments';
    expect(templateMeta(await json(await t.request('GET', `${base}/web`)))).toEqual(want);
    const list = (await json(await t.request('GET', base))) as { items: unknown[] };
    expect(templateMeta(list.items[0])).toEqual(want);
    const table = (await json(
      await t.request('GET', `${base}?includeObject=Object`, {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      }),
    )) as { rows: { object: unknown }[] };
    expect(templateMeta(table.rows[0]?.object)).toEqual(want);
    const patched = await t.request('PATCH', `${base}/web`, {
      body: { spec: { replicas: 3 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(templateMeta(await json(patched))).toEqual(want);
    const watch = await fetch(`${t.url}${base}?watch=true&resourceVersion=0`);
    const reader = new LineReader(watch);
    expect(templateMeta((await reader.next())?.object)).toEqual(want);
    await reader.cancel();
    // Stored objects stay without it (normalizeNulls drops it on the way in).
    const stored = t.store.get('deployments.apps', 'default', 'web');
    expect(templateMeta(stored)).toEqual({ labels: { app: 'web' } });
  });
});

describe('decode errors in Go words', () => {
  it('create with an unquoted env value; patches with a string replica count', async () => {
    t = await startTestServer();
    const base = '/apis/apps/v1/namespaces/default/deployments';
    const bad = structuredClone(deployment) as typeof deployment & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    (bad.spec.template.spec.containers[0] as Record<string, unknown>).env = [{ name: 'PORT', value: 8080 }];
    const created = await t.request('POST', base, { body: bad });
    expect(created.status).toBe(400);
    expect((await json(created)).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
    );
    t.registry.create(deployment as unknown as KubeObject);
    const merge = await t.request('PATCH', `${base}/web`, {
      body: { spec: { replicas: 'abc' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(merge.status).toBe(422);
    const mergeStatus = await json(merge);
    expect(mergeStatus.reason).toBe('Invalid');
    expect(mergeStatus.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{.*\\"replicas\\":\\"abc\\".*\}": json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
    );
    const smp = await t.request('PATCH', `${base}/web`, {
      body: { spec: { replicas: 'abc' } },
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
    });
    expect((await json(smp)).message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:abc]]": unrecognized type: int32',
    );
    expect(
      (t.store.get('deployments.apps', 'default', 'web') as unknown as { spec: { replicas: number } }).spec
        .replicas,
    ).toBe(2);
  });
});
