import { describe, expect, it } from 'vitest';
import { newFixture } from '../runtime/testing.js';
import { DeploymentController } from './controller.js';
import { computeHash } from './template.js';
import {
  allAvailable,
  getDeployment,
  newDeployment,
  replicaSets,
  reportPods,
  setImage,
  sizes,
} from './testing.js';
import type { ReplicaSetObject } from './util.js';

function setup(options: Parameters<typeof newDeployment>[0] = {}) {
  const fx = newFixture();
  fx.seed(newDeployment(options));
  const dc = new DeploymentController({ ...fx });
  const sync = () => dc.reconcile('default/web');
  return { fx, dc, sync };
}

function hashOf(image: string): string {
  return computeHash(newDeployment({ image }).spec?.template);
}

describe('DeploymentController: a new Deployment', () => {
  it('creates web-<hash> at full size with labels, selector, owner and revision annotations', () => {
    const { fx, sync } = setup({ annotations: { 'kubernetes.io/change-cause': 'first', team: 'a' } });
    fx.reset();
    sync();
    const hash = hashOf('nginx:1.14.2');
    const [rs] = replicaSets(fx);
    expect(rs?.metadata.name).toBe(`web-${hash}`);
    expect(rs?.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs?.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.spec?.replicas).toBe(3);
    expect(rs?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: getDeployment(fx).metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs?.metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
      'kubernetes.io/change-cause': 'first',
      team: 'a',
    });
    expect(fx.actions()[0]).toBe(`create replicasets.apps default/web-${hash}`);
    expect(fx.eventLines()).toEqual([
      `Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`,
    ]);
    expect(getDeployment(fx).metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'kubernetes.io/change-cause': 'first',
      team: 'a',
    });
  });

  it('does not copy last-applied-configuration to the ReplicaSet', () => {
    const { fx, sync } = setup({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    sync();
    expect(replicaSets(fx)[0]?.metadata.annotations).not.toHaveProperty(
      'kubectl.kubernetes.io/last-applied-configuration',
    );
  });

  it('reports Progressing and Available as upstream while pods come up, then completes', () => {
    const { fx, sync } = setup();
    sync();
    const name = replicaSets(fx)[0]?.metadata.name;
    let status = getDeployment(fx).status;
    expect(status?.observedGeneration).toBe(1);
    expect(status?.unavailableReplicas).toBe(3);
    expect(status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`],
      ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
    ]);
    reportPods(fx, allAvailable);
    sync();
    status = getDeployment(fx).status;
    expect(status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(status?.unavailableReplicas).toBeUndefined();
    expect(status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`],
    ]);
  });
});

describe('DeploymentController: RollingUpdate', () => {
  it('steps example-deployment (maxSurge 1, maxUnavailable 1) within its bounds', () => {
    const { fx, sync } = setup({ maxSurge: 1, maxUnavailable: 1 });
    sync();
    reportPods(fx, allAvailable);
    sync();
    setImage(fx, 'nginx:1.16.1');
    const h1 = `web-${hashOf('nginx:1.14.2')}`;
    const h2 = `web-${hashOf('nginx:1.16.1')}`;
    const newOnes = (rs: ReplicaSetObject) => rs.metadata.name === h2;
    let newAvailable = false;
    const avail = (rs: ReplicaSetObject) => (newOnes(rs) && !newAvailable ? 0 : (rs.spec?.replicas ?? 0));
    const steps: Array<{ name: string; before?: () => void; sizes: string[]; events: string[] }> = [
      {
        name: 'surge one new pod and drop one old',
        sizes: [`${h1}=2`, `${h2}=1`],
        events: [
          `Normal ScalingReplicaSet Scaled up replica set ${h2} from 0 to 1`,
          `Normal ScalingReplicaSet Scaled down replica set ${h1} from 3 to 2`,
        ],
      },
      {
        name: 'surge again while the new pod is unavailable',
        sizes: [`${h1}=2`, `${h2}=2`],
        events: [`Normal ScalingReplicaSet Scaled up replica set ${h2} from 1 to 2`],
      },
      { name: 'stuck: no budget while new pods are unavailable', sizes: [`${h1}=2`, `${h2}=2`], events: [] },
      {
        name: 'new pods available: old scaled down by the budget',
        before: () => {
          newAvailable = true;
        },
        sizes: [`${h1}=0`, `${h2}=2`],
        events: [`Normal ScalingReplicaSet Scaled down replica set ${h1} from 2 to 0`],
      },
      {
        name: 'new ReplicaSet grows to full size',
        sizes: [`${h1}=0`, `${h2}=3`],
        events: [`Normal ScalingReplicaSet Scaled up replica set ${h2} from 2 to 3`],
      },
    ];
    for (const step of steps) {
      step.before?.();
      reportPods(fx, avail);
      fx.reset();
      sync();
      expect({ step: step.name, sizes: sizes(fx), events: fx.eventLines() }).toEqual({
        step: step.name,
        sizes: step.sizes,
        events: step.events,
      });
    }
    reportPods(fx, allAvailable);
    sync();
    expect(getDeployment(fx).status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
  });

  it('rolls over: a second template mid-rollout scales every old ReplicaSet down', () => {
    const { fx, sync } = setup({ replicas: 4, maxSurge: 1, maxUnavailable: 0 });
    sync();
    reportPods(fx, allAvailable);
    sync();
    setImage(fx, 'nginx:1.16.1');
    sync();
    reportPods(fx, (rs) => rs.spec?.replicas ?? 0);
    setImage(fx, 'nginx:1.17.0');
    for (let i = 0; i < 20; i++) {
      reportPods(fx, allAvailable);
      sync();
    }
    const h3 = `web-${hashOf('nginx:1.17.0')}`;
    expect(sizes(fx)).toEqual([
      `web-${hashOf('nginx:1.14.2')}=0`,
      `web-${hashOf('nginx:1.16.1')}=0`,
      `${h3}=4`,
    ]);
    expect(getDeployment(fx).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });
});

describe('DeploymentController: Recreate', () => {
  it('scales old pods to zero and waits for them to be gone before creating the new ReplicaSet', () => {
    const { fx, sync } = setup({ strategy: 'Recreate' });
    sync();
    reportPods(fx, allAvailable);
    sync();
    const [old] = replicaSets(fx);
    const pod = fx.registry.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-old-pod',
        namespace: 'default',
        labels: { ...old?.spec?.template?.metadata?.labels },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: old?.metadata.name ?? '',
            uid: old?.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      status: { phase: 'Running' },
    });
    setImage(fx, 'nginx:1.16.1');
    fx.reset();
    sync();
    expect(fx.eventLines()).toEqual([
      `Normal ScalingReplicaSet Scaled down replica set ${old?.metadata.name} from 3 to 0`,
    ]);
    expect(replicaSets(fx)).toHaveLength(1);
    reportPods(fx, () => 0);
    sync();
    expect(replicaSets(fx)).toHaveLength(1);
    fx.registry.delete(
      { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true } as never,
      'default',
      pod.metadata.name ?? '',
    );
    fx.reset();
    sync();
    const h2 = `web-${hashOf('nginx:1.16.1')}`;
    expect(fx.eventLines()).toEqual([`Normal ScalingReplicaSet Scaled up replica set ${h2} from 0 to 3`]);
  });
});
