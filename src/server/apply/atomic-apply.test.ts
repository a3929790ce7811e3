import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import type { WatchEvent } from '../../store/watch.js';
import { startTestServer, type TestServer } from '../server.test-helpers.js';
import { LAST_APPLIED } from './last-applied.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const APPLY = '/apis/netkube.dev/v1alpha1/apply';

function deployment(
  image: string,
  extra: Record<string, unknown> = {},
  namespace?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(namespace ? { namespace } : {}), labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...extra,
    },
  };
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
};

async function apply(objects: unknown[], extra: Record<string, unknown> = {}) {
  const res = await (t as TestServer).request('POST', APPLY, { body: { objects, ...extra } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Dep = KubeObject & {
  spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
};

describe('POST /apis/netkube.dev/v1alpha1/apply', () => {
  it('creates, then configures or leaves unchanged, storing last-applied like kubectl', async () => {
    t = await startTestServer();
    const first = await apply([deployment('nginx:1.25'), service]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      results: [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web', action: 'created' },
        { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web', action: 'created' },
      ],
      warnings: [],
    });
    const live = t.store.get('deployments.apps', 'default', 'web') as Dep;
    expect(live.metadata.annotations?.[LAST_APPLIED]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web"},"name":"web","namespace":"default"},' +
        '"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"nginx"}]}}}}\n',
    );
    const second = await apply([deployment('nginx:1.26'), service]);
    expect((second.body.results as { action: string }[]).map((r) => r.action)).toEqual([
      'configured',
      'unchanged',
    ]);
    expect(
      (t.store.get('deployments.apps', 'default', 'web') as Dep).spec.template.spec.containers[0]?.image,
    ).toBe('nginx:1.26');
  });

  it('keeps fields set by others (scale) that the manifest does not name', async () => {
    t = await startTestServer();
    await apply([deployment('nginx:1.25')]);
    const live = t.store.get('deployments.apps', 'default', 'web') as Dep;
    t.registry.update({ ...live, spec: { ...live.spec, replicas: 5 } } as KubeObject);
    await apply([deployment('nginx:1.26')]);
    const after = t.store.get('deployments.apps', 'default', 'web') as Dep;
    expect(after.spec.replicas).toBe(5);
    expect(after.spec.template.spec.containers[0]?.image).toBe('nginx:1.26');
  });

  it('applies namespaces of the call first, so later objects can use them', async () => {
    t = await startTestServer();
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const res = await apply([deployment('nginx', {}, 'shop'), ns]);
    expect(res.status).toBe(200);
    expect(
      (res.body.results as { kind: string; action: string }[]).map((r) => `${r.kind}:${r.action}`),
    ).toEqual(['Deployment:created', 'Namespace:created']);
    expect(t.store.get('deployments.apps', 'shop', 'web')).toBeDefined();
  });

  it('is all or nothing: every error is reported, nothing is stored, no watch event is seen', async () => {
    t = await startTestServer();
    const events: WatchEvent[] = [];
    const off = t.store.subscribe('*', (e) => events.push(e));
    const rvBefore = t.store.resourceVersion;
    const res = await apply(
      [
        service,
        deployment('nginx', {}, 'missing'),
        { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } },
        { ...deployment('nginx'), spec: { ...(deployment('nginx').spec as object), replica: 3 } },
      ],
      {
        sources: [
          { file: 'a.yaml', line: 1 },
          { file: 'a.yaml', line: 12 },
          { file: 'b.yaml', line: 1 },
          { file: 'c.yaml', line: 3 },
        ],
      },
    );
    off();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    const message = String(res.body.message);
    expect(message).toContain('apply failed, none of the 4 objects were applied');
    expect(message).toContain(
      'objects[1] Deployment missing/web (a.yaml:12): namespaces "missing" not found',
    );
    expect(message).toContain(
      'objects[2] Widget w (b.yaml:1): no kind "Widget" is registered for version "v1"',
    );
    expect(message).toContain(
      'objects[3] Deployment web (c.yaml:3): Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    );
    const causes = (res.body.details as { causes: { field: string; reason: string }[] }).causes;
    expect(causes.map((c) => `${c.field}:${c.reason}`)).toEqual([
      'objects[1]:NotFound',
      'objects[2]:BadRequest',
      'objects[3].spec.replica:FieldValueUnknown',
    ]);
    expect(t.store.get('services', 'default', 'web')).toBeUndefined();
    expect(t.store.resourceVersion).toBe(rvBefore);
    expect(events).toEqual([]);
  });

  it('names the field of validation errors in the causes', async () => {
    t = await startTestServer();
    t.registry.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'default' },
    } as KubeObject);
    const res = await apply([service, { apiVersion: 'v1', kind: 'Pod', metadata: {} }]);
    expect(res.body).toMatchObject({ reason: 'Invalid', code: 422 });
    const causes = (res.body.details as { causes: { field: string }[] }).causes;
    expect(causes[0]?.field).toBe('objects[1].metadata.name');
  });

  it('dry run reports what would happen and stores nothing', async () => {
    t = await startTestServer();
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const res = await apply([ns, deployment('nginx', {}, 'shop')], { dryRun: true });
    expect((res.body.results as { action: string }[]).map((r) => r.action)).toEqual(['created', 'created']);
    expect(t.store.get('namespaces', undefined, 'shop')).toBeUndefined();
  });

  it('warns about objects without the last-applied annotation and patches it in', async () => {
    t = await startTestServer();
    t.registry.create({ ...service, metadata: { name: 'web', namespace: 'default' } } as KubeObject);
    const res = await apply([service]);
    expect((res.body.results as { action: string }[])[0]?.action).toBe('configured');
    expect((res.body.warnings as string[])[0]).toMatch(
      /^resource services\/web is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/,
    );
    expect(t.store.get('services', 'default', 'web')?.metadata.annotations?.[LAST_APPLIED]).toBeDefined();
  });

  it('rejects a request without an objects list', async () => {
    t = await startTestServer();
    const res = await t.request('POST', APPLY, { body: { nope: 1 } });
    expect(res.status).toBe(400);
  });
});
