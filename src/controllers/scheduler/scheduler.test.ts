import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Event, KubeObject } from '../../api/types.js';
import { seededRandom } from '../../util/random.js';
import { DeploymentController } from '../deployment/controller.js';
import { FakeNetwork, FakeProber, FakeRuntime, topologyNode } from '../kubelet/fakes.test-helpers.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import { ControllerManager } from '../runtime/manager.js';
import type { PodObject } from '../runtime/pods.js';
import { type Fixture, newFixture } from '../runtime/testing.js';
import { Scheduler } from './scheduler.js';
import { defaultCluster, newNode, newPod } from './testing.js';

/** php-test-1.yaml from the study notes: two replicas that must not share a node. */
const phpTest1 = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'php-test-1', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'php-test-1' } },
    template: {
      metadata: { labels: { app: 'php-test-1' } },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: { app: 'php-test-1' } },
                topologyKey: 'kubernetes.io/hostname',
              },
            ],
          },
        },
        containers: [{ name: 'php', image: 'php:8.2-apache', ports: [{ containerPort: 80 }] }],
      },
    },
  },
} satisfies KubeObject & { spec: unknown };

let manager: ControllerManager | undefined;
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

function start(fx: Fixture, withWorkloads = true): Scheduler {
  const base = { ...fx };
  const scheduler = new Scheduler({ ...base, random: seededRandom(3) });
  const controllers = withWorkloads
    ? [new DeploymentController(base), new ReplicaSetController(base), scheduler]
    : [scheduler];
  manager = new ControllerManager({ logger: fx.logger, controllers });
  manager.start();
  return scheduler;
}

function placement(fx: Fixture): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of fx.store.list<PodObject>('pods')) {
    const node = p.spec?.nodeName ?? '<pending>';
    out[node] = (out[node] ?? 0) + 1;
  }
  return out;
}

describe('Scheduler', () => {
  it('binds with PodScheduled=True and a Scheduled event', async () => {
    const fx = newFixture();
    fx.seed(newNode('worker-1'));
    start(fx, false);
    fx.seed(newPod('web'));
    await manager?.settle();
    const pod = fx.store.get<PodObject>('pods', 'default', 'web');
    expect(pod?.spec?.nodeName).toBe('worker-1');
    expect(pod?.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
    expect(fx.eventLines()).toEqual(['Normal Scheduled Successfully assigned default/web to worker-1']);
  });

  it('records Scheduled before the kubelet, which reacts to the binding at once, records anything', async () => {
    const fx = newFixture({ namespaces: ['default', 'kube-node-lease'] });
    const node = topologyNode('worker-1', '127.0.10.2');
    const kubelet = new Kubelet({
      ...fx,
      nodeName: node.name,
      topologyNode: node,
      network: new FakeNetwork(),
      runtime: new FakeRuntime(fx.clock),
      prober: new FakeProber(fx.clock),
      timing: { imagePullMs: 0, containerStartMs: 0 },
    });
    kubelet.start();
    start(fx, false);
    const nginx = { containers: [{ name: 'c', image: 'nginx:1.27' }] };
    fx.seed(newPod('web', { spec: nginx }), newPod('cached', { spec: nginx }));
    await manager?.settle();
    await kubelet.whenIdle();
    const about = (pod: string) => {
      const events = fx.store.list<Event & KubeObject>('events').filter((e) => e.involvedObject.name === pod);
      const byVersion = [...events]
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
        .map((e) => e.reason);
      // kubectl describe sorts by time, then name: the name's suffix is the nanosecond clock.
      const byName = [...events].sort((a, b) => {
        const x = BigInt(`0x${a.metadata.name?.split('.').at(-1)}`);
        const y = BigInt(`0x${b.metadata.name?.split('.').at(-1)}`);
        return x < y ? -1 : x > y ? 1 : 0;
      });
      return { byVersion, byName: byName.map((e) => e.reason) };
    };
    expect(about('web')).toEqual({
      byVersion: ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'],
      byName: ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'],
    });
    // The image was already on the node: Pulled is written synchronously with the binding.
    expect(about('cached').byVersion).toEqual(['Scheduled', 'Pulled', 'Created', 'Started']);
    expect(about('cached').byName).toEqual(['Scheduled', 'Pulled', 'Created', 'Started']);
    await kubelet.stop();
  });

  it('records no Scheduled event for a binding that failed', async () => {
    const fx = newFixture();
    fx.seed(newNode('worker-1'));
    start(fx, false);
    await manager?.settle();
    // The binding write fails once (an API server error): no event may claim it happened.
    vi.spyOn(fx.store, 'update').mockImplementationOnce(() => {
      throw new Error('etcdserver: request timed out');
    });
    fx.seed(newPod('web'));
    await manager?.settle();
    expect(fx.store.get<PodObject>('pods', 'default', 'web')?.spec?.nodeName).toBeUndefined();
    expect(fx.eventLines()).toEqual([
      'Warning FailedScheduling binding rejected: etcdserver: request timed out',
    ]);
    fx.clock.step(1000);
    await manager?.settle();
    expect(fx.store.get<PodObject>('pods', 'default', 'web')?.spec?.nodeName).toBe('worker-1');
    expect(fx.eventLines().at(-1)).toBe('Normal Scheduled Successfully assigned default/web to worker-1');
  });

  it('spreads php-test-1 over the two workers and keeps a third replica Pending, as a real cluster does', async () => {
    const fx = newFixture();
    fx.seed(...defaultCluster());
    start(fx);
    fx.seed(phpTest1);
    await manager?.settle();
    expect(placement(fx)).toEqual({ 'worker-1': 1, 'worker-2': 1 });
    const d = fx.store.get<typeof phpTest1>('deployments.apps', 'default', 'php-test-1') as typeof phpTest1;
    fx.registry.update({ ...d, spec: { ...d.spec, replicas: 3 } });
    await manager?.settle();
    expect(placement(fx)).toEqual({ 'worker-1': 1, 'worker-2': 1, '<pending>': 1 });
    const message =
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    expect(fx.eventLines().filter((l) => l.startsWith('Warning'))).toEqual([
      `Warning FailedScheduling ${message}`,
    ]);
    const pending = fx.store.list<PodObject>('pods').find((p) => !p.spec?.nodeName);
    expect(pending?.status?.conditions?.[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
    });
    // A new node is a cluster change: the pod is retried after its 1 s back-off.
    fx.seed(newNode('worker-3'));
    await manager?.settle();
    expect(placement(fx)['<pending>']).toBe(1);
    fx.clock.step(1000);
    await manager?.settle();
    expect(placement(fx)).toEqual({ 'worker-1': 1, 'worker-2': 1, 'worker-3': 1 });
  });

  it('spreads the replicas of one ReplicaSet evenly over identical nodes', async () => {
    const fx = newFixture();
    fx.seed(newNode('a'), newNode('b'), newNode('c'));
    start(fx);
    fx.seed({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    } as KubeObject);
    await manager?.settle();
    expect(placement(fx)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('ignores pods for another scheduler and pods already bound', async () => {
    const fx = newFixture();
    fx.seed(newNode('worker-1'));
    start(fx, false);
    fx.seed(
      newPod('other', { spec: { schedulerName: 'my-scheduler' } }),
      newPod('pinned', { spec: { nodeName: 'worker-9' } }),
    );
    await manager?.settle();
    expect(fx.store.get<PodObject>('pods', 'default', 'other')?.spec?.nodeName).toBeUndefined();
    expect(fx.store.get<PodObject>('pods', 'default', 'pinned')?.spec?.nodeName).toBe('worker-9');
    expect(fx.eventLines()).toEqual([]);
  });

  it('counts bound pods against node resources until they are deleted', async () => {
    const fx = newFixture();
    fx.seed(newNode('worker-1', { cpu: '1' }));
    const scheduler = start(fx, false);
    fx.seed(newPod('a', { cpu: '600m' }), newPod('b', { cpu: '600m' }));
    await manager?.settle();
    expect(placement(fx)).toEqual({ 'worker-1': 1, '<pending>': 1 });
    expect(scheduler.cache.node('worker-1')?.requestedCPU).toBe(600);
    const bound = fx.store.list<PodObject>('pods').find((p) => p.spec?.nodeName) as PodObject;
    fx.store.delete('pods', 'default', bound.metadata.name ?? '');
    fx.clock.step(1000);
    await manager?.settle();
    expect(placement(fx)).toEqual({ 'worker-1': 1 });
  });
});
