import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import { type ResourceInfo, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { FakeClock, seededRandom } from '../util/index.js';
import { ObjectStore } from './object-store.js';
import { Registry } from './registry.js';

const NS = resourceForKind('Namespace') as ResourceInfo;

function newRegistry(namespaces: readonly string[]): Registry {
  const store = new ObjectStore({ freeze: true });
  const registry = new Registry({ store, clock: new FakeClock(0), random: seededRandom(1) });
  for (const name of namespaces) {
    registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
  }
  return registry;
}

function statusOf(fn: () => unknown): ReturnType<StatusError['toStatus']> {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.toStatus();
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('Registry: NamespaceLifecycle admission', () => {
  it.each(['default', 'kube-system', 'kube-public'])(
    '%s may not be deleted (dry run too); nothing changes',
    (name) => {
      const registry = newRegistry(['default', 'kube-system', 'kube-public']);
      const before = registry.get(NS, undefined, name);
      for (const dryRun of [false, true]) {
        expect(statusOf(() => registry.delete(NS, undefined, name, { dryRun }))).toEqual({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
          reason: 'Forbidden',
          details: { name, group: '', kind: 'namespaces' },
          code: 403,
        });
      }
      expect(registry.get(NS, undefined, name)).toBe(before);
    },
  );

  it('other namespaces (kube-node-lease too) turn Terminating', () => {
    const registry = newRegistry(['default', 'kube-node-lease', 'team']);
    for (const name of ['kube-node-lease', 'team']) {
      const ns = registry.delete(NS, undefined, name) as KubeObject & { status?: { phase?: string } };
      expect(ns.status?.phase).toBe('Terminating');
    }
  });

  it('create in a Terminating namespace: 403 naming the object, with the NamespaceTerminating cause', () => {
    const registry = newRegistry(['default', 'n5']);
    registry.delete(NS, undefined, 'n5');
    const pod = (metadata: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'n5', ...metadata },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      }) as KubeObject;
    const named = statusOf(() => registry.create(pod({ name: 'zz' })));
    expect(named).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "zz" is forbidden: unable to create new content in namespace n5 because it is being terminated',
      reason: 'Forbidden',
      details: {
        name: 'zz',
        group: '',
        kind: 'pods',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace n5 is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
      code: 403,
    });
    // generateName: the prefix, as admission sees the object before a name is generated.
    expect(statusOf(() => registry.create(pod({ generateName: 'web-' }))).message).toBe(
      'pods "web-" is forbidden: unable to create new content in namespace n5 because it is being terminated',
    );
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'n5' },
    } as KubeObject;
    expect(statusOf(() => registry.create(cm)).message).toBe(
      'configmaps "x" is forbidden: unable to create new content in namespace n5 because it is being terminated',
    );
    expect(registry.store.list('pods')).toEqual([]);
  });
});
