/**
 * The study notes' Deployments (shared/seed-manifests) through the whole
 * control loop — Deployment, ReplicaSet and Scheduler controllers with a test
 * kubelet stand-in — checking what `kubectl rollout status/history/undo`
 * would show on a real cluster and that rollouts stay within their bounds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import { ControllerManager } from '../runtime/manager.js';
import { isPodActive, isPodReady, type PodObject } from '../runtime/pods.js';
import { type Fixture, newFixture, TestKubelet } from '../runtime/testing.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { newNode } from '../scheduler/testing.js';
import { DeploymentController } from './controller.js';
import { getDeployment, setImage } from './testing.js';
import type { DeploymentObject, ReplicaSetObject } from './util.js';

/** nginx-deployment.yaml and example-deployment.yaml, as the notes write them. */
const nginxDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] },
    },
  },
} as DeploymentObject;

const exampleDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'example-deployment', namespace: 'default' },
  spec: {
    replicas: 3,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    selector: { matchLabels: { app: 'example' } },
    template: {
      metadata: { labels: { app: 'example' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2' }] },
    },
  },
} as DeploymentObject;

let manager: ControllerManager | undefined;
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

function cluster(): Fixture {
  const fx = newFixture();
  fx.seed(newNode('worker-1'), newNode('worker-2'));
  manager = new ControllerManager({
    logger: fx.logger,
    controllers: [
      new DeploymentController({ ...fx }),
      new ReplicaSetController({ ...fx }),
      new Scheduler({ ...fx, random: seededRandom(5) }),
      new TestKubelet(fx),
    ],
  });
  manager.start();
  return fx;
}

/** Watches a rollout: the most pods asked for and the fewest ready ones at any write. */
function watchBounds(fx: Fixture, app: string) {
  const seen = { maxSpec: 0, minReady: Number.POSITIVE_INFINITY };
  fx.store.subscribe('*', () => {
    const rss = fx.store
      .list<ReplicaSetObject>('replicasets.apps')
      .filter((r) => r.metadata.labels?.app === app);
    seen.maxSpec = Math.max(
      seen.maxSpec,
      rss.reduce((n, r) => n + (r.spec?.replicas ?? 0), 0),
    );
    const pods = fx.store.list<PodObject>('pods').filter((p) => p.metadata.labels?.app === app);
    seen.minReady = Math.min(seen.minReady, pods.filter((p) => isPodActive(p) && isPodReady(p)).length);
  });
  return seen;
}

function history(fx: Fixture, app: string): string[] {
  return fx.store
    .list<ReplicaSetObject>('replicasets.apps')
    .filter((r) => r.metadata.labels?.app === app)
    .map((r) => Number(r.metadata.annotations?.['deployment.kubernetes.io/revision']))
    .sort((a, b) => a - b)
    .map(String);
}

describe('seed manifests through the control loop', () => {
  it('nginx-deployment: set image, rollout status completes within 25%/25%, undo revives revision 1 as 3', async () => {
    const fx = cluster();
    fx.seed(nginxDeployment);
    await manager?.settle();
    const ready = () => fx.store.list<PodObject>('pods').filter((p) => isPodActive(p) && isPodReady(p));
    expect(ready()).toHaveLength(3);
    const bounds = watchBounds(fx, 'nginx');
    setImage(fx, 'nginx:1.16.1', 'nginx-deployment');
    await manager?.settle();
    const d = getDeployment(fx, 'nginx-deployment');
    // What `kubectl rollout status` reads.
    expect(d.status?.observedGeneration).toBe(d.metadata.generation);
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
    expect(ready().map((p) => p.spec?.containers[0]?.image)).toEqual([
      'nginx:1.16.1',
      'nginx:1.16.1',
      'nginx:1.16.1',
    ]);
    expect(bounds.maxSpec).toBeLessThanOrEqual(4);
    expect(bounds.minReady).toBeGreaterThanOrEqual(3);
    expect(history(fx, 'nginx')).toEqual(['1', '2']);
    // `kubectl rollout undo`: the old template back, as its JSON patch sends it.
    const current = getDeployment(fx, 'nginx-deployment');
    fx.registry.update({
      ...current,
      spec: {
        ...current.spec,
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
      },
    } as never);
    await manager?.settle();
    expect(history(fx, 'nginx')).toEqual(['2', '3']);
    expect(
      getDeployment(fx, 'nginx-deployment').metadata.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('3');
    expect(ready().map((p) => p.spec?.containers[0]?.image)).toEqual([
      'nginx:1.14.2',
      'nginx:1.14.2',
      'nginx:1.14.2',
    ]);
  });

  it('example-deployment: a rolling update never has more than 4 pods asked for or fewer than 2 ready', async () => {
    const fx = cluster();
    fx.seed(exampleDeployment);
    await manager?.settle();
    const bounds = watchBounds(fx, 'example');
    setImage(fx, 'nginx:1.16.1', 'example-deployment');
    await manager?.settle();
    expect(bounds.maxSpec).toBe(4);
    expect(bounds.minReady).toBeGreaterThanOrEqual(2);
    const events = fx.eventLines().filter((l) => l.includes('ScalingReplicaSet'));
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(
      events.every((l) =>
        /Scaled (up|down) replica set example-deployment-[4-9bcdf]+ from \d+ to \d+$/.test(l),
      ),
    ).toBe(true);
  });
});
