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

describe('DeploymentController: rollback, history and pause', () => {
  function rollOut(fx: ReturnType<typeof setup>['fx'], sync: () => void, image?: string) {
    if (image) setImage(fx, image);
    for (let i = 0; i < 10; i++) {
      sync();
      reportPods(fx, allAvailable);
    }
    sync();
  }

  it('revives the old ReplicaSet on rollout undo: revision max+1 and revision-history', () => {
    const { fx, sync } = setup();
    rollOut(fx, sync);
    rollOut(fx, sync, 'nginx:1.16.1');
    const [first, second] = replicaSets(fx);
    // `kubectl rollout undo` patches the template back, with the extra empty fields it sends.
    const d = getDeployment(fx);
    fx.registry.update({
      ...d,
      spec: {
        ...d.spec,
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
      },
    } as never);
    rollOut(fx, sync);
    expect(replicaSets(fx).map((rs) => rs.metadata.name)).toEqual([
      second?.metadata.name,
      first?.metadata.name,
    ]);
    const revived = fx.store.get<ReplicaSetObject>('replicasets.apps', 'default', first?.metadata.name ?? '');
    expect(revived?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(revived?.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(revived?.spec?.replicas).toBe(3);
    expect(getDeployment(fx).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('keeps revisionHistoryLimit old ReplicaSets and deletes the oldest', () => {
    const { fx, sync } = setup({ revisionHistoryLimit: 1 });
    rollOut(fx, sync);
    rollOut(fx, sync, 'nginx:1.16.1');
    rollOut(fx, sync, 'nginx:1.17.0');
    expect(sizes(fx)).toEqual([`web-${hashOf('nginx:1.16.1')}=0`, `web-${hashOf('nginx:1.17.0')}=3`]);
  });

  it('does not roll out while paused but still scales, and resumes', () => {
    const { fx, sync } = setup();
    rollOut(fx, sync);
    const h1 = `web-${hashOf('nginx:1.14.2')}`;
    const d = getDeployment(fx);
    fx.registry.update({ ...d, spec: { ...d.spec, paused: true } });
    setImage(fx, 'nginx:1.16.1');
    sync();
    expect(sizes(fx)).toEqual([`${h1}=3`]);
    const progressing = () => getDeployment(fx).status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing()).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    const paused = getDeployment(fx);
    fx.registry.update({ ...paused, spec: { ...paused.spec, replicas: 5 } });
    fx.reset();
    sync();
    expect(fx.eventLines()).toEqual([`Normal ScalingReplicaSet Scaled up replica set ${h1} from 3 to 5`]);
    const resumed = getDeployment(fx);
    fx.registry.update({ ...resumed, spec: { ...resumed.spec, paused: false } });
    sync();
    expect(replicaSets(fx)).toHaveLength(2);
    expect(getDeployment(fx).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('restarts on a template annotation change (kubectl rollout restart)', () => {
    const { fx, sync } = setup();
    rollOut(fx, sync);
    const d = getDeployment(fx);
    const template = d.spec?.template;
    fx.registry.update({
      ...d,
      spec: {
        ...d.spec,
        template: {
          ...template,
          metadata: {
            ...template?.metadata,
            annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' },
          },
        },
      },
    } as never);
    rollOut(fx, sync);
    expect(replicaSets(fx).map((rs) => rs.spec?.replicas)).toEqual([0, 3]);
  });
});

describe('DeploymentController runner', () => {
  it('requeues a stuck rollout and marks it ProgressDeadlineExceeded when the deadline passes', async () => {
    const { fx, dc } = setup({ progressDeadlineSeconds: 10 });
    dc.start(new AbortController().signal);
    await dc.whenIdle();
    reportPods(fx, () => 0);
    await dc.whenIdle();
    const progressing = () => getDeployment(fx).status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing()?.status).toBe('True');
    fx.clock.step(11_000);
    await dc.whenIdle();
    const name = replicaSets(fx)[0]?.metadata.name;
    expect(progressing()).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${name}" has timed out progressing.`,
    });
    await dc.stop();
  });
});
