import { describe, expect, it } from 'vitest';
import type { KubeObject, Lease, Node } from '../../api/types.js';
import { container, kubeletFixture } from './fixture.test-helpers.js';

describe('Kubelet node registration', () => {
  it('registers its Node with addresses, capacity, nodeInfo and upstream conditions, and a Lease', () => {
    const f = kubeletFixture();
    f.kubelet.start();
    const node = f.store.get<Node & KubeObject>('nodes', undefined, 'worker-1');
    expect(node?.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'worker-1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
    });
    const status = node?.status;
    expect(status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.10.2' },
      { type: 'Hostname', address: 'worker-1' },
    ]);
    expect(status?.capacity).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(status?.allocatable).toMatchObject({ memory: '8286208Ki' });
    expect(status?.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.32.2',
      containerRuntimeVersion: 'containerd://1.7.24',
      operatingSystem: 'linux',
      architecture: 'amd64',
    });
    expect(status?.nodeInfo?.machineID).toMatch(/^[0-9a-f]{32}$/);
    expect(status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['NetworkUnavailable', 'False', 'CalicoIsUp', 'Calico is running on this node'],
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
    const lease = f.store.get<Lease & KubeObject>(
      'leases.coordination.k8s.io',
      'kube-node-lease',
      'worker-1',
    );
    expect(lease?.spec).toMatchObject({ holderIdentity: 'worker-1', leaseDurationSeconds: 40 });
    expect(lease?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'worker-1' });
    expect(f.events.about('Node/worker-1')).toEqual([
      'Starting: Starting kubelet.',
      'NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
      'NodeHasSufficientMemory: Node worker-1 status is now: NodeHasSufficientMemory',
      'NodeHasNoDiskPressure: Node worker-1 status is now: NodeHasNoDiskPressure',
      'NodeHasSufficientPID: Node worker-1 status is now: NodeHasSufficientPID',
      'NodeReady: Node worker-1 status is now: NodeReady',
    ]);
  });

  it('renews the Lease every heartbeat but writes the Node only on change or every 5 minutes', async () => {
    const f = kubeletFixture();
    f.kubelet.start();
    const writes = { nodes: 0, leases: 0 };
    f.store.subscribe('nodes', () => writes.nodes++);
    f.store.subscribe('leases.coordination.k8s.io', () => writes.leases++);
    await f.run(60_000, 10_000);
    expect(writes).toEqual({ nodes: 0, leases: 6 });
    await f.run(240_000, 10_000);
    expect(writes.nodes).toBe(1);
    const ready = f.store
      .get<Node & KubeObject>('nodes', undefined, 'worker-1')
      ?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.lastHeartbeatTime).toBe('2026-01-01T12:05:00Z');
    expect(ready?.lastTransitionTime).toBe('2026-01-01T12:00:00Z');
  });
});

describe('Kubelet pod lifecycle', () => {
  it('runs a pod through ContainerCreating to Running with upstream statuses and events', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 1021, containerStartMs: 0 } });
    f.kubelet.start();
    const writes: string[] = [];
    f.store.subscribe('pods', (e) => writes.push(e.type));
    f.create('web-1', [container('nginx', { ports: [{ containerPort: 80 }] })]);
    await f.settle();
    expect(f.pod('web-1')?.status?.podIP).toBe('10.244.8.2');
    await f.run(2000, 100);
    expect(f.watch.get('web-1')).toEqual(['0/1 Pending', '0/1 ContainerCreating', '1/1 Running']);
    expect(writes).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
    const pod = f.pod('web-1');
    const st = pod?.status;
    expect(st).toMatchObject({
      phase: 'Running',
      hostIP: '127.0.10.2',
      hostIPs: [{ ip: '127.0.10.2' }],
      podIP: '10.244.8.2',
      podIPs: [{ ip: '10.244.8.2' }],
      qosClass: 'BestEffort',
      startTime: '2026-01-01T12:00:00Z',
    });
    expect(st?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const cs = st?.containerStatuses?.[0];
    expect(cs).toMatchObject({
      name: 'nginx',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'docker.io/library/nginx:1.14.2',
      state: { running: { startedAt: '2026-01-01T12:00:01Z' } },
      lastState: {},
    });
    expect(cs?.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    const events = f.events.about('Pod/web-1');
    expect(events[0]).toBe('Pulling: Pulling image "nginx:1.14.2"');
    expect(events[1]).toMatch(
      /^Pulled: Successfully pulled image "nginx:1\.14\.2" in 1\.021s \(1\.021s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    expect(events.slice(2)).toEqual([
      'Created: Created container: nginx',
      'Started: Started container nginx',
    ]);
    expect(f.events.log.find((e) => e.reason === 'Started')).toMatchObject({
      component: 'kubelet',
      fieldPath: 'spec.containers{nginx}',
    });
  });

  it('finds the image already present for the second pod on the node', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 500, containerStartMs: 0 } });
    f.kubelet.start();
    f.create('web-1', [container('nginx')]);
    await f.run(1000, 100);
    f.create('web-2', [container('nginx')]);
    await f.settle();
    expect(f.events.about('Pod/web-2')).toEqual([
      'Pulled: Container image "nginx:1.14.2" already present on machine',
      'Created: Created container: nginx',
      'Started: Started container nginx',
    ]);
    expect(f.watch.get('web-2')).toEqual(['0/1 Pending', '1/1 Running']);
  });

  it('pulls again under imagePullPolicy Always', async () => {
    const f = kubeletFixture({ timing: { imagePullMs: 500, imageRepullMs: 250, containerStartMs: 0 } });
    f.kubelet.start();
    f.create('a', [container('app', { image: 'busybox' })]);
    await f.run(1000, 100);
    f.create('b', [container('app', { image: 'busybox' })]);
    await f.run(1000, 50);
    const events = f.events.about('Pod/b');
    expect(events[0]).toBe('Pulling: Pulling image "busybox"');
    expect(events[1]).toMatch(/in 250ms \(250ms including waiting\)/);
    expect(f.pod('b')?.status?.containerStatuses?.[0]?.image).toBe('docker.io/library/busybox:latest');
  });
});
