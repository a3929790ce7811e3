import { describe, expect, it } from 'vitest';
import { forbidden } from '../../api/errors.js';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { AdmissionPlugin } from '../../store/registry.js';
import { rfc3339 } from '../../util/clock.js';
import type { PodObject } from '../runtime/pods.js';
import { newFixture } from '../runtime/testing.js';
import { ReplicaSetController } from './controller.js';
import type { ReplicaSetObject } from './plan.js';

const POD = resourceForKind('Pod') as ResourceInfo;

function replicaSet(replicas: number, extra: { minReadySeconds?: number } = {}): ReplicaSetObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'frontend', namespace: 'default', labels: { tier: 'frontend' } },
    spec: {
      replicas,
      ...extra,
      selector: { matchLabels: { tier: 'frontend' } },
      template: {
        metadata: { labels: { tier: 'frontend', app: 'guestbook' }, annotations: { note: 'x' } },
        spec: { containers: [{ name: 'php-redis', image: 'gcr.io/google_samples/gb-frontend:v3' }] },
      },
    },
  };
}

function setup(replicas: number, options: Parameters<typeof newFixture>[0] = {}, extra = {}) {
  const fx = newFixture(options);
  const [rs] = fx.seed(replicaSet(replicas, extra));
  const rsc = new ReplicaSetController({ ...fx });
  const sync = () => rsc.reconcile('default/frontend');
  const pods = () => fx.store.list<PodObject>('pods');
  return { fx, rs: rs as ReplicaSetObject, rsc, sync, pods };
}

function markReady(fx: ReturnType<typeof newFixture>, pod: PodObject, at: number): void {
  fx.registry.update(
    {
      ...pod,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(at) }],
      },
    },
    { subresource: 'status' },
  );
}

describe('ReplicaSetController', () => {
  it('creates the missing pods from the template with a controller reference, and records events', () => {
    const { fx, rs, sync, pods } = setup(3);
    fx.reset();
    sync();
    const created = pods();
    expect(created).toHaveLength(3);
    for (const p of created) {
      expect(p.metadata.name).toMatch(/^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('frontend-');
      expect(p.metadata.labels).toEqual({ tier: 'frontend', app: 'guestbook' });
      expect(p.metadata.annotations).toEqual({ note: 'x' });
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'frontend',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect([...fx.eventLines()].sort()).toEqual(
      created.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata.name}`).sort(),
    );
    // Status counts what existed when the sync began; the pod events trigger the next sync.
    expect(fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status).toEqual({
      replicas: 0,
      observedGeneration: 1,
    });
    sync();
    expect(fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      observedGeneration: 1,
    });
  });

  it('creates in slow-start batches and stops after a failed batch, reporting ReplicaFailure', () => {
    let creates = 0;
    const failFourth: AdmissionPlugin = {
      name: 'fail-fourth-pod',
      resources: ['pods'],
      admit(obj, _old, ctx) {
        if (ctx.operation === 'CREATE' && ++creates === 4) throw forbidden(POD, '', 'exceeded quota: pods');
        return obj;
      },
    };
    const { fx, sync, pods } = setup(10, { admission: [failFourth] });
    expect(() => sync()).toThrow('exceeded quota: pods');
    // Batches of 1, 2 and 4 were attempted; the fourth creation failed, the rest of its batch ran.
    expect(pods()).toHaveLength(6);
    expect(fx.eventLines().filter((l) => l.startsWith('Warning'))).toEqual([
      'Warning FailedCreate Error creating: pods is forbidden: exceeded quota: pods',
    ]);
    const failure = fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status
      ?.conditions?.[0];
    expect(failure).toMatchObject({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'pods is forbidden: exceeded quota: pods',
    });
    sync();
    expect(pods()).toHaveLength(10);
    sync();
    expect(
      fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status?.conditions,
    ).toBeUndefined();
  });

  it('adopts a matching orphan and releases an owned pod whose labels no longer match', () => {
    const { fx, rs, sync, pods } = setup(2);
    const orphan: PodObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', namespace: 'default', labels: { tier: 'frontend' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    fx.seed(orphan);
    sync();
    expect(pods()).toHaveLength(2);
    expect(fx.store.get<PodObject>('pods', 'default', 'orphan')?.metadata.ownerReferences?.[0]?.uid).toBe(
      rs.metadata.uid,
    );
    const owned = pods().find((p) => p.metadata.name !== 'orphan') as PodObject;
    fx.registry.update({ ...owned, metadata: { ...owned.metadata, labels: { tier: 'debug' } } });
    sync();
    expect(
      fx.store.get<PodObject>('pods', 'default', owned.metadata.name ?? '')?.metadata.ownerReferences,
    ).toBeUndefined();
    expect(pods().filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid)).toHaveLength(2);
  });

  it('scales down in ranking order: unscheduled, then not ready, keeping ready pods', () => {
    const { fx, rs, sync, pods } = setup(3);
    sync();
    const [a, b, c] = pods() as [PodObject, PodObject, PodObject];
    markReady(fx, { ...a, spec: { ...a.spec, containers: a.spec?.containers ?? [] } }, fx.clock.now());
    fx.registry.update({ ...b, status: { phase: 'Running' } }, { subresource: 'status' });
    fx.store.update('pods', {
      ...(fx.store.get('pods', 'default', a.metadata.name ?? '') as PodObject),
      spec: { ...a.spec, containers: a.spec?.containers ?? [], nodeName: 'n1' },
    });
    fx.store.update('pods', {
      ...(fx.store.get('pods', 'default', b.metadata.name ?? '') as PodObject),
      spec: { ...b.spec, containers: b.spec?.containers ?? [], nodeName: 'n1' },
    });
    const current = fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend') ?? rs;
    fx.registry.update({ ...current, spec: { ...current.spec, replicas: 1 } } as ReplicaSetObject);
    fx.reset();
    sync();
    expect(fx.eventLines()).toEqual([
      `Normal SuccessfulDelete Deleted pod: ${c.metadata.name}`,
      `Normal SuccessfulDelete Deleted pod: ${b.metadata.name}`,
    ]);
    // The bound pod is deleted gracefully (the kubelet finishes it); the unbound one at once.
    expect(
      fx.store.get<PodObject>('pods', 'default', b.metadata.name ?? '')?.metadata.deletionTimestamp,
    ).toBeDefined();
    expect(fx.store.get('pods', 'default', c.metadata.name ?? '')).toBeUndefined();
  });

  it('does not count terminating pods and replaces them', () => {
    const { fx, sync, pods } = setup(1);
    sync();
    const [p] = pods() as [PodObject];
    fx.store.update('pods', {
      ...p,
      spec: { ...p.spec, containers: p.spec?.containers ?? [], nodeName: 'n1' },
    });
    fx.registry.delete(POD, 'default', p.metadata.name ?? '');
    sync();
    expect(pods()).toHaveLength(2);
    expect(fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status?.replicas).toBe(
      0,
    );
  });

  it('counts a pod available only after minReadySeconds, and syncs again when it may be', async () => {
    const { fx, rsc, pods } = setup(1, {}, { minReadySeconds: 10 });
    rsc.start(new AbortController().signal);
    await rsc.whenIdle();
    const [p] = pods() as [PodObject];
    markReady(fx, p, fx.clock.now());
    await rsc.whenIdle();
    const status = () => fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', 'frontend')?.status;
    expect(status()).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(status()?.availableReplicas).toBeUndefined();
    fx.clock.step(11_000);
    await rsc.whenIdle();
    expect(status()?.availableReplicas).toBe(1);
    await rsc.stop();
  });
});
