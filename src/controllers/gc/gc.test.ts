import { afterEach, describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { ControllerManager } from '../runtime/manager.js';
import { type Fixture, newFixture } from '../runtime/testing.js';
import { GarbageCollector } from './controller.js';
import { classifyOwners, decide } from './plan.js';

const info = (kind: string) => resourceForKind(kind) as ResourceInfo;

function owned(
  kind: string,
  apiVersion: string,
  name: string,
  owners: OwnerReference[],
  extra: object = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'default', ownerReferences: owners },
    ...extra,
  } as KubeObject;
}

function refTo(obj: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
    controller,
  };
}

let manager: ControllerManager | undefined;
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

function startGc(fx: Fixture): void {
  manager = new ControllerManager({ logger: fx.logger, controllers: [new GarbageCollector({ ...fx })] });
  manager.start();
}

const podSpec = { spec: { containers: [{ name: 'c', image: 'x' }] } };

describe('GarbageCollector', () => {
  it('cascades a Deployment deletion to its ReplicaSets and their pods (background)', async () => {
    const fx = newFixture();
    const [d] = fx.seed({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    });
    const [rs] = fx.seed(owned('ReplicaSet', 'apps/v1', 'web-abc', [refTo(d as KubeObject)]));
    fx.seed(
      owned('Pod', 'v1', 'web-abc-1', [refTo(rs as KubeObject)], podSpec),
      owned('Pod', 'v1', 'web-abc-2', [refTo(rs as KubeObject)], {
        spec: { ...podSpec.spec, nodeName: 'n1' },
      }),
    );
    startGc(fx);
    fx.reset();
    fx.registry.delete(info('Deployment'), 'default', 'web');
    await manager?.settle();
    expect(fx.actions()).toEqual([
      'delete deployments.apps default/web',
      'delete replicasets.apps default/web-abc',
      'delete pods default/web-abc-1',
      'update pods default/web-abc-2',
    ]);
    // The pod on a node is deleted gracefully: its kubelet removes it.
    expect(fx.store.get('pods', 'default', 'web-abc-2')?.metadata.deletionTimestamp).toBeDefined();
  });

  it('keeps a dependent with another live owner, removing only the dead reference', async () => {
    const fx = newFixture();
    const [a, b] = fx.seed(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } },
    );
    fx.seed(owned('ConfigMap', 'v1', 'dep', [refTo(a as KubeObject, false), refTo(b as KubeObject, false)]));
    startGc(fx);
    fx.registry.delete(info('ConfigMap'), 'default', 'a');
    await manager?.settle();
    expect(fx.store.get('configmaps', 'default', 'dep')?.metadata.ownerReferences).toEqual([
      refTo(b as KubeObject, false),
    ]);
  });

  it('deletes a dependent created after its owner vanished, or pointing at a replaced owner', async () => {
    const fx = newFixture();
    const [rs] = fx.seed(owned('ReplicaSet', 'apps/v1', 'web-abc', []));
    startGc(fx);
    fx.seed(
      owned(
        'Pod',
        'v1',
        'ghost',
        [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'x', controller: true }],
        podSpec,
      ),
    );
    fx.seed(owned('Pod', 'v1', 'stale-uid', [{ ...refTo(rs as KubeObject), uid: 'old-uid' }], podSpec));
    fx.seed(owned('Pod', 'v1', 'alive', [refTo(rs as KubeObject)], podSpec));
    await manager?.settle();
    expect(fx.store.list('pods').map((p) => p.metadata.name)).toEqual(['alive']);
  });

  it('never deletes what it cannot verify (unknown owner kinds)', () => {
    const dep = owned('Pod', 'v1', 'p', [
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w1' },
    ]);
    const owners = classifyOwners(dep, () => undefined);
    expect(owners.solid).toHaveLength(1);
    expect(decide(dep, owners)).toEqual({ kind: 'keep' });
  });
});
