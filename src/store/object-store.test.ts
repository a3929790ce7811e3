import { describe, expect, it } from 'vitest';
import { parseSelector } from '../api/labels.js';
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from './object-store.js';
import type { WatchEvent } from './watch.js';

function cm(name: string, namespace = 'default', labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels } };
}

describe('ObjectStore', () => {
  it('assigns increasing resourceVersions and emits events in order', () => {
    const store = new ObjectStore({ freeze: true });
    const seen: string[] = [];
    store.subscribe('configmaps', (e) =>
      seen.push(`${e.type}:${e.object.metadata.name}:${e.object.metadata.resourceVersion}`),
    );
    const a = store.create('configmaps', cm('a'));
    store.update('configmaps', { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    store.delete('configmaps', 'default', 'a');
    expect(seen).toEqual(['ADDED:a:1', 'MODIFIED:a:2', 'DELETED:a:3']);
    expect(store.resourceVersion).toBe(3);
  });

  it('rejects duplicates and missing objects with Kubernetes statuses', () => {
    const store = new ObjectStore();
    store.create('configmaps', cm('a'));
    expect(() => store.create('configmaps', cm('a'))).toThrow('configmaps "a" already exists');
    expect(() => store.delete('configmaps', 'default', 'nope')).toThrow('configmaps "nope" not found');
  });

  it('lists by namespace and label selector in key order', () => {
    const store = new ObjectStore();
    store.create('configmaps', cm('b', 'default', { app: 'web' }));
    store.create('configmaps', cm('a', 'default', { app: 'web' }));
    store.create('configmaps', cm('c', 'other', { app: 'db' }));
    const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name);
    expect(names(store.list('configmaps'))).toEqual(['a', 'b', 'c']);
    expect(names(store.list('configmaps', { namespace: 'other' }))).toEqual(['c']);
    expect(names(store.list('configmaps', { labelSelector: parseSelector('app=web') }))).toEqual(['a', 'b']);
  });

  it('keeps secondary indexes current through updates and deletes', () => {
    const store = new ObjectStore();
    store.addIndex('configmaps', 'app', (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []));
    const a = store.create('configmaps', cm('a', 'default', { app: 'web' }));
    expect(store.byIndex('configmaps', 'app', 'web')).toHaveLength(1);
    store.update('configmaps', { ...a, metadata: { ...a.metadata, labels: { app: 'db' } } });
    expect(store.byIndex('configmaps', 'app', 'web')).toHaveLength(0);
    expect(store.byIndex('configmaps', 'app', 'db')).toHaveLength(1);
    store.delete('configmaps', 'default', 'a');
    expect(store.countByIndex('configmaps', 'app', 'db')).toBe(0);
  });

  it('replays history after a resourceVersion and refuses expired ones with 410', () => {
    const store = new ObjectStore({ historySize: 3 });
    for (const n of ['a', 'b', 'c', 'd']) store.create('configmaps', cm(n));
    const replayed: WatchEvent[] = [];
    store.watchFrom('configmaps', 2, (e) => replayed.push(e));
    expect(replayed.map((e) => e.object.metadata.name)).toEqual(['c', 'd']);
    expect(() => store.watchFrom('configmaps', 0, () => {})).toThrow(/too old resource version/);
  });

  it('rolls a failed transaction back completely and emits nothing', () => {
    const store = new ObjectStore();
    store.addIndex('configmaps', 'app', (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []));
    const existing = store.create('configmaps', cm('keep', 'default', { app: 'old' }));
    const events: WatchEvent[] = [];
    store.subscribe('*', (e) => events.push(e));
    expect(() =>
      store.transaction(() => {
        store.create('configmaps', cm('new', 'default', { app: 'web' }));
        store.update('configmaps', {
          ...existing,
          metadata: { ...existing.metadata, labels: { app: 'changed' } },
        });
        store.create('configmaps', cm('new'));
      }),
    ).toThrow(/already exists/);
    expect(events).toEqual([]);
    expect(store.resourceVersion).toBe(1);
    expect(store.get('configmaps', 'default', 'new')).toBeUndefined();
    expect(store.get('configmaps', 'default', 'keep')?.metadata.labels).toEqual({ app: 'old' });
    expect(store.byIndex('configmaps', 'app', 'old')).toHaveLength(1);
    expect(store.byIndex('configmaps', 'app', 'web')).toHaveLength(0);
  });

  it('a transaction failing inside a watch handler drops only its own events', () => {
    const store = new ObjectStore();
    const seen: string[] = [];
    store.subscribe('configmaps', (e) => {
      seen.push(`first:${e.object.metadata.name}`);
      if (e.object.metadata.name === 'a') {
        expect(() =>
          store.transaction(() => {
            store.create('configmaps', cm('from-handler'));
            throw new Error('rejected');
          }),
        ).toThrow('rejected');
      }
    });
    store.subscribe('configmaps', (e) => seen.push(`second:${e.object.metadata.name}`));
    store.transaction(() => {
      store.create('configmaps', cm('a'));
      store.create('configmaps', cm('b'));
    });
    expect(seen).toEqual(['first:a', 'second:a', 'first:b', 'second:b']);
    expect(store.get('configmaps', 'default', 'from-handler')).toBeUndefined();
  });

  it('dispatches a committed transaction after it completes, in order', () => {
    const store = new ObjectStore();
    const events: string[] = [];
    store.subscribe('configmaps', (e) =>
      events.push(`${e.type}:${e.object.metadata.name}:${store.count('configmaps')}`),
    );
    store.transaction(() => {
      store.create('configmaps', cm('a'));
      store.create('configmaps', cm('b'));
    });
    expect(events).toEqual(['ADDED:a:2', 'ADDED:b:2']);
  });
});
