import { describe, expect, it } from 'vitest';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject, Node, Toleration } from '../../api/types.js';
import {
  clusterFixture,
  FakeNetwork,
  FakeProber,
  FakeRuntime,
  scheduledPod,
  topologyNode,
} from '../kubelet/fakes.test-helpers.js';
import { container, kubectlStatus } from '../kubelet/fixture.test-helpers.js';
import { Kubelets, type StoredPod } from '../kubelet/index.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';

const NODE = resourceForKind('Node')!;
type StoredNode = Node & KubeObject;

function clusterWith(nodeNames: string[]) {
  const base = clusterFixture();
  const nodes = nodeNames.map((n, i) => topologyNode(n, `127.0.10.${i + 2}`));
  const runtime = new FakeRuntime(base.clock);
  const kubelets = new Kubelets({
    ...base,
    nodes,
    network: new FakeNetwork(),
    runtime,
    prober: new FakeProber(base.clock),
    timing: { imagePullMs: 0, containerStartMs: 0 },
  });
  const controller = new NodeLifecycleController({
    ...base,
    lifecycle: { heartbeatSeconds: 10, nodeMonitorGracePeriodSeconds: 40, podEvictionTimeoutSeconds: 300 },
  });
  kubelets.start();
  controller.start();
  const settle = async () => {
    for (const n of nodeNames) await kubelets.get(n)?.whenIdle();
    await controller.whenIdle();
    for (const n of nodeNames) await kubelets.get(n)?.whenIdle();
  };
  const origin = base.clock.now();
  return {
    ...base,
    runtime,
    kubelets,
    controller,
    settle,
    /** Seconds since the cluster started. */
    elapsed: () => (base.clock.now() - origin) / 1000,
    async run(seconds: number): Promise<void> {
      for (let i = 0; i < seconds; i++) {
        base.clock.step(1000);
        await settle();
      }
    },
    node: (name: string) => base.store.get<StoredNode>('nodes', undefined, name),
    pod: (name: string) => base.store.get<StoredPod>('pods', 'default', name),
    create(name: string, nodeName: string, tolerations?: Toleration[]): StoredPod {
      const spec = tolerations ? { tolerations } : {};
      return base.registry.create(scheduledPod(name, nodeName, [container('nginx')], spec, base.clock.now()));
    },
  };
}

const tolerate = (seconds?: number): Toleration[] => [
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
    ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  },
];

function condition(node: StoredNode | undefined, type: string) {
  return node?.status?.conditions?.find((c) => c.type === type);
}

describe('NodeLifecycleController', () => {
  it('marks a silent node Unknown, taints it, evicts its pods per toleration, and lets it recover', async () => {
    const c = clusterWith(['worker-1', 'worker-2']);
    c.create('no-toleration', 'worker-2', []);
    c.create('web-x', 'worker-2', tolerate(300));
    c.create('long', 'worker-2', tolerate(3600));
    c.create('forever', 'worker-2', tolerate());
    await c.run(10);
    expect(c.events.about('Node/worker-2')).toContain(
      'RegisteredNode: Node worker-2 event: Registered Node worker-2 in Controller',
    );
    expect(kubectlStatus(c.pod('web-x')!)).toBe('1/1 Running');

    await c.kubelets.stopNode('worker-2');
    const stoppedAt = c.elapsed();
    await c.run(35);
    expect(condition(c.node('worker-2'), 'Ready')?.status).toBe('True');
    await c.run(15);
    const node = c.node('worker-2');
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      expect(condition(node, type)).toMatchObject({
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      });
    }
    expect(condition(node, 'NetworkUnavailable')?.status).toBe('False');
    expect(c.events.about('Node/worker-2')).toContain(
      'NodeNotReady: Node worker-2 status is now: NodeNotReady',
    );
    expect(
      c.events.log.find((e) => e.reason === 'NodeNotReady' && e.object === 'Node/worker-2')?.component,
    ).toBe('node-controller');
    // MarkPodsNotReady: endpoints drop the pods.
    expect(condition(c.pod('forever') as never, 'Ready')?.status).toBe('False');
    expect(c.events.about('Pod/forever')).toContain('NodeNotReady: Node is not ready');
    const taints = node?.spec?.taints ?? [];
    expect(taints.map((t) => `${t.key}:${t.effect}`).sort()).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    expect(taints.every((t) => t.timeAdded)).toBe(true);
    const taintedAt = Date.parse(taints.find((t) => t.effect === 'NoExecute')?.timeAdded ?? '');

    // No toleration: deleted at once, and stays Terminating while its kubelet is down.
    const evicted = c.pod('no-toleration');
    expect(evicted?.metadata.deletionTimestamp).toBeDefined();
    // Only the pod's Ready condition changed: kubectl still counts the container ready, as on a real cluster.
    expect(kubectlStatus(evicted!)).toBe('1/1 Terminating');
    expect(evicted?.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    const marking = c.events.log.find((e) => e.message === 'Marking for deletion Pod default/no-toleration');
    expect(marking).toMatchObject({ reason: 'TaintManagerEviction', component: 'taint-eviction-controller' });
    expect(marking?.uid).toBeUndefined();
    expect(c.pod('web-x')?.metadata.deletionTimestamp).toBeUndefined();

    // tolerationSeconds 300: deleted when it runs out.
    const untilEviction = (taintedAt - c.clock.now()) / 1000 + 300;
    await c.run(Math.floor(untilEviction) - 2);
    expect(c.pod('web-x')?.metadata.deletionTimestamp).toBeUndefined();
    await c.run(3);
    expect(c.pod('web-x')?.metadata.deletionTimestamp).toBeDefined();

    // The ReplicaSet (not under test) creates a replacement; the scheduler puts it on a Ready node.
    c.create('web-y', 'worker-1');
    await c.settle();
    expect(kubectlStatus(c.pod('web-y')!)).toBe('1/1 Running');
    expect(kubectlStatus(c.pod('web-x')!)).toBe('1/1 Terminating');
    expect(c.elapsed() - stoppedAt).toBeLessThan(400);

    c.kubelets.startNode('worker-2');
    await c.run(6);
    expect(condition(c.node('worker-2'), 'Ready')?.status).toBe('True');
    expect(c.node('worker-2')?.spec?.taints ?? []).toEqual([]);
    expect(c.events.about('Pod/long')).toContain(
      'TaintManagerEviction: Cancelling deletion of Pod default/long',
    );
    // The kubelet finishes the deletions made while it was down and restarts the rest.
    expect(c.pod('no-toleration')).toBeUndefined();
    expect(c.pod('web-x')).toBeUndefined();
    expect(kubectlStatus(c.pod('forever')!)).toBe('1/1 Running');
    expect(c.pod('forever')?.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(c.pod('long')?.metadata.deletionTimestamp).toBeUndefined();
    await c.controller.stop();
    await c.kubelets.stop();
  });

  it('does not evict when every node is down (full disruption), but still marks pods not ready', async () => {
    const c = clusterWith(['solo']);
    c.create('web', 'solo', []);
    await c.run(5);
    await c.kubelets.stopNode('solo');
    await c.run(120);
    expect(condition(c.node('solo'), 'Ready')?.status).toBe('Unknown');
    expect(condition(c.pod('web') as never, 'Ready')?.status).toBe('False');
    expect((c.node('solo')?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    expect(c.pod('web')?.metadata.deletionTimestamp).toBeUndefined();
    await c.controller.stop();
  });

  it('taints a cordoned node unschedulable and removes the taint on uncordon', async () => {
    const c = clusterWith(['worker-1']);
    await c.settle();
    const node = c.node('worker-1')!;
    c.registry.update({ ...node, spec: { ...node.spec, unschedulable: true } });
    await c.settle();
    expect(c.node('worker-1')?.spec?.taints).toEqual([
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2026-01-01T12:00:00Z' },
    ]);
    const cordoned = c.registry.get<StoredNode>(NODE, undefined, 'worker-1');
    const { unschedulable: _u, ...spec } = cordoned.spec ?? {};
    c.registry.update({ ...cordoned, spec });
    await c.settle();
    expect(c.node('worker-1')?.spec?.taints).toBeUndefined();
    await c.controller.stop();
  });
});
