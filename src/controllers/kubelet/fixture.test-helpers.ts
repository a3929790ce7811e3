/**
 * A kubelet test fixture over the fakes, and kubectl's STATUS column to
 * assert `kubectl get pods -w` sequences.
 */
import type { Container, Pod } from '../../api/types.js';
import type { TopologyNode } from '../../topology/types.js';
import {
  clusterFixture,
  FakeNetwork,
  FakeProber,
  FakeRuntime,
  scheduledPod,
  topologyNode,
} from './fakes.test-helpers.js';
import { Kubelet } from './kubelet.js';
import type { StoredPod } from './pod-source.js';
import type { KubeletTiming } from './timing.js';

/**
 * kubectl's STATUS column (`printPod`): `Init:0/1`, `ContainerCreating`,
 * `Running`, `Error`, `CrashLoopBackOff`, `Completed`, `Terminating`.
 */
export function kubectlStatus(pod: Pod): string {
  const st = pod.status ?? {};
  let reason = st.reason || st.phase || '';
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = `Init:${t.reason || `ExitCode:${t.exitCode}`}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else reason = `Init:${i}/${pod.spec?.initContainers?.length ?? 0}`;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...(st.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.reason || `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  const terminal = st.phase === 'Succeeded' || st.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';
  const ready = (st.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${pod.spec?.containers?.length ?? 0} ${reason}`;
}

/** One kubelet on `worker-1` (127.0.10.2) over fakes, with helpers to drive time and read pods. */
export function kubeletFixture(options: { timing?: Partial<KubeletTiming>; node?: TopologyNode } = {}) {
  const base = clusterFixture();
  const network = new FakeNetwork();
  const runtime = new FakeRuntime(base.clock);
  const prober = new FakeProber(base.clock);
  const node = options.node ?? topologyNode('worker-1', '127.0.10.2');
  const kubelet = new Kubelet({
    nodeName: node.name,
    topologyNode: node,
    ...base,
    network,
    runtime,
    prober,
    ...(options.timing ? { timing: options.timing } : {}),
  });
  /** kubectl get pods -w: every distinct STATUS line per pod, in order. */
  const watch = new Map<string, string[]>();
  base.store.subscribe('pods', (e) => {
    const name = e.object.metadata.name ?? '';
    const line = e.type === 'DELETED' ? 'DELETED' : kubectlStatus(e.object as Pod);
    const lines = watch.get(name) ?? [];
    if (lines.at(-1) !== line) lines.push(line);
    watch.set(name, lines);
  });
  const origin = base.clock.now();
  const f = {
    ...base,
    network,
    runtime,
    prober,
    node,
    kubelet,
    watch,
    origin,
    /** Creates a pod bound to this node. */
    create(name: string, containers: Container[], spec: Partial<NonNullable<Pod['spec']>> = {}): StoredPod {
      return base.registry.create(scheduledPod(name, node.name, containers, spec, base.clock.now()));
    },
    pod(name: string): StoredPod | undefined {
      return base.store.get<StoredPod>('pods', 'default', name);
    },
    settle: () => kubelet.whenIdle(),
    /** Advances the clock by `ms` in steps of `stepMs`, letting probes and queued writes finish after each. */
    async run(ms: number, stepMs = 1000): Promise<void> {
      await kubelet.whenIdle();
      for (let done = 0; done < ms; done += stepMs) {
        base.clock.step(Math.min(stepMs, ms - done));
        await kubelet.whenIdle();
      }
    },
  };
  return f;
}

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'nginx:1.14.2', ...extra };
}
