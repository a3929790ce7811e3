import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { FakeClock } from '../../util/index.js';
import { LineReader, startTestServer, type TestServer } from '../server.test-helpers.js';

const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function cm(name: string, labels: Record<string, string>, data: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', labels },
    data,
  } as KubeObject;
}

async function watch(path: string, headers: Record<string, string> = {}): Promise<LineReader> {
  const res = await (t as TestServer).request('GET', path, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return new LineReader(res);
}

describe('watch', () => {
  it('resourceVersion 0 sends the current state as ADDED, then changes', async () => {
    t = await startTestServer();
    t.registry.create(cm('a', { app: 'web' }));
    const w = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0');
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    t.registry.create(cm('b', { app: 'web' }));
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    await w.cancel();
  });

  it('resumes after a resourceVersion from history', async () => {
    t = await startTestServer();
    const a = t.registry.create(cm('a', {}));
    t.registry.create(cm('b', {}));
    t.registry.update({ ...a, data: { x: '1' } } as KubeObject);
    const w = await watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${a.metadata.resourceVersion}`,
    );
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(await w.next()).toMatchObject({
      type: 'MODIFIED',
      object: { metadata: { name: 'a' }, data: { x: '1' } },
    });
    await w.cancel();
  });

  it('answers a too-old resourceVersion with an in-stream 410 Expired ERROR', async () => {
    t = await startTestServer({ historySize: 2 });
    for (let i = 0; i < 5; i++) t.registry.create(cm(`c${i}`, {}));
    const w = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
    const event = await w.next();
    expect(event?.type).toBe('ERROR');
    expect(event?.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(String(event?.object.message)).toMatch(/^too old resource version: 1 \(\d+\)$/);
    expect(await w.next()).toBeUndefined();
  });

  it('sends objects entering and leaving a label selector as ADDED and DELETED', async () => {
    t = await startTestServer();
    const rv = String(t.store.resourceVersion);
    const w = await watch(
      `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dweb&resourceVersion=${rv}`,
    );
    const a = t.registry.create(cm('a', { app: 'db' }));
    const moved = t.registry.update({ ...a, metadata: { ...a.metadata, labels: { app: 'web' } } });
    expect(await w.next()).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'a', labels: { app: 'web' } } },
    });
    const left = t.registry.update({ ...moved, metadata: { ...moved.metadata, labels: { app: 'db' } } });
    const deleted = await w.next();
    expect(deleted).toMatchObject({ type: 'DELETED', object: { metadata: { labels: { app: 'web' } } } });
    expect((deleted!.object.metadata as { resourceVersion: string }).resourceVersion).toBe(
      left.metadata.resourceVersion,
    );
    await w.cancel();
  });

  it('filters by fieldSelector metadata.name, as kubectl delete and rollout status watch', async () => {
    t = await startTestServer();
    const rv = String(t.store.resourceVersion);
    const w = await watch(
      `/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Db&resourceVersion=${rv}`,
    );
    t.registry.create(cm('a', {}));
    t.registry.create(cm('b', {}));
    t.registry.delete(t.registry.resourceOf(cm('b', {})), 'default', 'b');
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'b' } } });
    await w.cancel();
  });

  it('Table watches carry column definitions in the first event only', async () => {
    t = await startTestServer();
    t.registry.create(cm('a', {}));
    const w = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0', {
      accept: TABLE_ACCEPT,
    });
    const first = await w.next();
    expect(first?.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect((first!.object.columnDefinitions as unknown[]).length).toBe(3);
    expect((first!.object.rows as { cells: unknown[] }[])[0]?.cells[0]).toBe('a');
    t.registry.create(cm('b', {}, { k: 'v' }));
    const second = await w.next();
    expect(second?.object.columnDefinitions).toBeNull();
    expect((second!.object.rows as { cells: unknown[] }[])[0]?.cells.slice(0, 2)).toEqual(['b', 1]);
    await w.cancel();
  });

  it('ends at timeoutSeconds and sends bookmarks when allowed', async () => {
    const clock = new FakeClock(Date.now());
    t = await startTestServer({ clock, bookmarkIntervalMs: 1000 });
    const w = await watch(
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=5',
    );
    clock.step(1000);
    const bookmark = await w.next();
    expect(bookmark).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1' } });
    expect((bookmark!.object.metadata as { resourceVersion: string }).resourceVersion).toBe(
      String(t.store.resourceVersion),
    );
    clock.step(5000);
    for (let e = await w.next(); e !== undefined; e = await w.next()) expect(e.type).toBe('BOOKMARK');
  });

  it('sendInitialEvents ends the initial state with an annotated BOOKMARK', async () => {
    t = await startTestServer();
    t.registry.create(cm('a', {}));
    const w = await watch(
      '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    expect(await w.next()).toMatchObject({ type: 'ADDED' });
    expect(await w.next()).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    await w.cancel();
  });

  it('all-namespaces watches see every namespace; namespaced ones only theirs', async () => {
    t = await startTestServer();
    const rv = String(t.store.resourceVersion);
    const all = await watch(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    const sys = await watch(`/api/v1/namespaces/kube-system/configmaps?watch=true&resourceVersion=${rv}`);
    t.registry.create(cm('a', {}));
    t.registry.create({ ...cm('b', {}), metadata: { name: 'b', namespace: 'kube-system' } });
    expect(await all.next()).toMatchObject({ object: { metadata: { name: 'a' } } });
    expect(await all.next()).toMatchObject({ object: { metadata: { name: 'b' } } });
    expect(await sys.next()).toMatchObject({ object: { metadata: { name: 'b', namespace: 'kube-system' } } });
    await all.cancel();
    await sys.cancel();
  });
});
