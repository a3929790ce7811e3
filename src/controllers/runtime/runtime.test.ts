import { describe, expect, it } from 'vitest';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { Controller } from './controller.js';
import { applyClaims, controllerRefOf, newControllerRef, planClaims } from './controller-ref.js';
import { inform } from './informer.js';
import { ControllerManager } from './manager.js';
import { newFixture } from './testing.js';

function cm(
  name: string,
  labels: Record<string, string> = {},
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels, ...extra } };
}

describe('inform', () => {
  it('replays stored objects as adds, then splits watch events into add/update/delete', () => {
    const fx = newFixture();
    fx.seed(cm('a'));
    const seen: string[] = [];
    const stop = inform(fx.store, 'configmaps', {
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (prev, o) =>
        seen.push(`update ${prev.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    const [b] = fx.seed(cm('b'));
    fx.registry.update({ ...(b as KubeObject), metadata: { ...b?.metadata, labels: { x: 'y' } } });
    fx.registry.delete(resourceForKind('ConfigMap') as ResourceInfo, 'default', 'b');
    stop();
    fx.seed(cm('c'));
    expect(seen).toEqual([
      'add a',
      'add b',
      `update ${b?.metadata.resourceVersion}->${Number(b?.metadata.resourceVersion) + 1}`,
      'delete b',
    ]);
  });
});

describe('ControllerManager', () => {
  it('starts controllers in order, settles when all are idle at once, and stops in reverse', async () => {
    const fx = newFixture();
    const log: string[] = [];
    const make = (name: string, next?: () => Controller<string>) => {
      const c: Controller<string> = new Controller<string>({
        name,
        clock: fx.clock,
        logger: fx.logger,
        reconcile: (key) => {
          log.push(`${name}:${key}`);
          next?.().enqueue(`${key}+`);
        },
      });
      return c;
    };
    const second = make('second');
    const first = make('first', () => second);
    const wrap = (name: string, c: Controller<string>) => ({
      name,
      get idle() {
        return c.idle;
      },
      whenIdle: () => c.whenIdle(),
      start: (signal: AbortSignal) => {
        log.push(`start ${name}`);
        c.start(signal);
      },
      stop: async () => {
        log.push(`stop ${name}`);
        await c.stop();
      },
    });
    const manager = new ControllerManager({
      logger: fx.logger,
      controllers: [wrap('first', first), wrap('second', second)],
    });
    manager.start();
    first.enqueue('k');
    await manager.settle();
    expect(manager.idle).toBe(true);
    await manager.stop();
    expect(log).toEqual(['start first', 'start second', 'first:k', 'second:k+', 'stop second', 'stop first']);
    expect(
      () => new ControllerManager({ logger: fx.logger, controllers: [wrap('x', first), wrap('x', second)] }),
    ).toThrow('Controller x is registered twice');
  });
});

describe('Controller.stop', () => {
  it('waits for the reconcile in flight, and not for keys still queued', async () => {
    const fx = newFixture();
    const seen: string[] = [];
    let release: () => void = () => {};
    const c = new Controller<string>({
      name: 'slow',
      clock: fx.clock,
      logger: fx.logger,
      reconcile: async (key) => {
        seen.push(`begin ${key}`);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        seen.push(`end ${key}`);
      },
    });
    c.start();
    c.enqueue('a');
    c.enqueue('b');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['begin a']);
    let stopped = false;
    const stopping = c.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(seen).toEqual(['begin a', 'end a']);
    expect(c.queue.length).toBe(1);
    // Stopped before it ever drained: returns at once, with its keys still queued.
    const idle = new Controller<string>({
      name: 'never',
      clock: fx.clock,
      logger: fx.logger,
      reconcile: () => {},
    });
    idle.enqueue('x');
    await idle.stop();
    expect(idle.queue.length).toBe(1);
  });
});

describe('ControllerRefManager', () => {
  const owner = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: 'rs-1' },
  } satisfies KubeObject;
  const ref = newControllerRef(owner);
  const selector = selectorFromLabelSelector({ matchLabels: { app: 'web' } });

  it.each<{ name: string; obj: KubeObject; want: 'owned' | 'adopt' | 'release' | 'ignore' }>([
    { name: 'owned and matching', obj: cm('a', { app: 'web' }, { ownerReferences: [ref] }), want: 'owned' },
    {
      name: 'owned, labels changed',
      obj: cm('b', { app: 'db' }, { ownerReferences: [ref] }),
      want: 'release',
    },
    { name: 'orphan that matches', obj: cm('c', { app: 'web' }), want: 'adopt' },
    { name: 'orphan that does not match', obj: cm('d', { app: 'db' }), want: 'ignore' },
    {
      name: 'another controller’s',
      obj: cm('e', { app: 'web' }, { ownerReferences: [{ ...ref, uid: 'other' }] }),
      want: 'ignore',
    },
    {
      name: 'orphan being deleted',
      obj: cm('f', { app: 'web' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      want: 'ignore',
    },
    {
      name: 'orphan in another namespace',
      obj: { ...cm('g', { app: 'web' }), metadata: { name: 'g', namespace: 'x', labels: { app: 'web' } } },
      want: 'ignore',
    },
  ])('$name → $want', ({ obj, want }) => {
    const plan = planClaims(owner, selector, [obj]);
    const got = plan.owned.length
      ? 'owned'
      : plan.adopt.length
        ? 'adopt'
        : plan.release.length
          ? 'release'
          : 'ignore';
    expect(got).toBe(want);
  });

  it('neither adopts nor releases while the owner is being deleted', () => {
    const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const plan = planClaims(deleting, selector, [
      cm('a', { app: 'web' }),
      cm('b', { app: 'db' }, { ownerReferences: [ref] }),
    ]);
    expect(plan).toEqual({ owned: [], adopt: [], release: [] });
  });

  it('writes adoptions and releases through the registry', () => {
    const fx = newFixture();
    const [orphan, stale] = fx.seed(
      cm('orphan', { app: 'web' }),
      cm('stale', { app: 'db' }, { ownerReferences: [ref] }),
    );
    const claimed = applyClaims(
      fx.registry,
      owner,
      planClaims(owner, selector, [orphan as KubeObject, stale as KubeObject]),
    );
    expect(claimed.map((o) => o.metadata.name)).toEqual(['orphan']);
    expect(controllerRefOf(fx.store.get('configmaps', 'default', 'orphan') as KubeObject)).toEqual(ref);
    expect(fx.store.get('configmaps', 'default', 'stale')?.metadata.ownerReferences).toBeUndefined();
  });
});
