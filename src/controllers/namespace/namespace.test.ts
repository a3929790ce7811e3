import { afterEach, describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { KubeObject, Namespace, Typed } from '../../api/types.js';
import { ControllerManager } from '../runtime/manager.js';
import type { PodObject } from '../runtime/pods.js';
import { newFixture } from '../runtime/testing.js';
import { NamespaceController } from './controller.js';
import { deletionConditions } from './plan.js';

const NS = resourceForKind('Namespace') as ResourceInfo;

/** Conditions after a pass that left one gracefully terminating pod (upstream's texts). */
const PASS_WITH_A_POD_LEFT = [
  [
    'NamespaceDeletionDiscoveryFailure',
    'False',
    'ResourcesDiscovered',
    'All resources successfully discovered',
  ],
  [
    'NamespaceDeletionGroupVersionParsingFailure',
    'False',
    'ParsedGroupVersions',
    'All legacy kube types successfully parsed',
  ],
  [
    'NamespaceDeletionContentFailure',
    'False',
    'ContentDeleted',
    'All content successfully deleted, may be waiting on finalization',
  ],
  [
    'NamespaceContentRemaining',
    'True',
    'SomeResourcesRemain',
    'Some resources are remaining: pods. has 1 resource instances',
  ],
  [
    'NamespaceFinalizersRemaining',
    'False',
    'ContentHasNoFinalizers',
    'All content-preserving finalizers finished',
  ],
];

let manager: ControllerManager | undefined;
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

describe('NamespaceController', () => {
  it('deletes everything in a Terminating namespace, waits for graceful pods, then removes it', async () => {
    const fx = newFixture({ namespaces: ['default', 'infra-team-ns1'] });
    const inNs = (kind: string, apiVersion: string, name: string, extra: object = {}) =>
      ({ apiVersion, kind, metadata: { name, namespace: 'infra-team-ns1' }, ...extra }) as KubeObject;
    fx.seed(
      inNs('ConfigMap', 'v1', 'settings'),
      inNs('Service', 'v1', 'infra-svc1', { spec: { ports: [{ port: 7777 }] } }),
      inNs('Pod', 'v1', 'infra1', {
        spec: {
          nodeName: 'worker-1',
          terminationGracePeriodSeconds: 30,
          containers: [{ name: 'c', image: 'x' }],
        },
      }),
    );
    manager = new ControllerManager({ logger: fx.logger, controllers: [new NamespaceController({ ...fx })] });
    manager.start();
    fx.registry.delete(NS, undefined, 'infra-team-ns1');
    await manager.settle();
    const ns = fx.store.get<Typed<Namespace>>('namespaces', undefined, 'infra-team-ns1');
    expect(ns?.status?.phase).toBe('Terminating');
    expect(fx.store.list('configmaps', { namespace: 'infra-team-ns1' })).toEqual([]);
    expect(fx.store.list('services', { namespace: 'infra-team-ns1' })).toEqual([]);
    const pod = fx.store.get<PodObject>('pods', 'infra-team-ns1', 'infra1');
    expect(pod?.metadata.deletionTimestamp).toBeDefined();
    expect(ns?.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual(
      PASS_WITH_A_POD_LEFT,
    );
    // The kubelet finishes the pod; its removal triggers the final pass.
    fx.store.delete('pods', 'infra-team-ns1', 'infra1');
    await manager.settle();
    expect(fx.store.get('namespaces', undefined, 'infra-team-ns1')).toBeUndefined();
    expect(fx.store.get('namespaces', undefined, 'default')).toBeDefined();
  });

  it('reports finalizers that hold content back', () => {
    const conditions = deletionConditions({
      remaining: new Map([['deployments.apps', 2]]),
      finalizers: new Map([['example.com/hold', 2]]),
      errors: [],
    });
    expect(conditions.slice(3).map((c) => c.message)).toEqual([
      'Some resources are remaining: deployments.apps has 2 resource instances',
      'Some content in the namespace has finalizers remaining: example.com/hold in 2 resource instances',
    ]);
  });
});
