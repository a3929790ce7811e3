/**
 * Whether the cluster has settled: every node Ready, every live pod Ready, every
 * Deployment rolled out. Pods that cannot get there by themselves (crash
 * looping, unschedulable, failing to start) are reported as stuck, so
 * `netkube up -d` stops waiting for them and says why.
 */
import type { Deployment, KubeObject, Node, Pod } from '../api/types.js';
import type { ObjectStore } from '../store/object-store.js';

export interface Readiness {
  readonly ready: boolean;
  readonly nodes: { readonly ready: number; readonly total: number };
  readonly pods: { readonly ready: number; readonly total: number };
  /** Pods that will not become ready without a change: `default/web-x: CrashLoopBackOff`. */
  readonly stuck: readonly string[];
  /** Everything not ready yet, for progress lines. */
  readonly waiting: readonly string[];
}

const STUCK_REASONS = new Set([
  'CrashLoopBackOff',
  'Error',
  'ErrImagePull',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'RunContainerError',
  'InvalidImageName',
]);

function isReady(
  conditions: ReadonlyArray<{ type?: string; status?: string }> | undefined,
  type: string,
): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Why a pod is not ready, in kubectl's STATUS vocabulary, and whether it is stuck. */
function podState(pod: Pod & KubeObject): { reason: string; stuck: boolean } {
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    return { reason: 'Pending (unschedulable)', stuck: true };
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = cs.state?.waiting?.reason ?? cs.state?.terminated?.reason;
    if (reason && STUCK_REASONS.has(reason)) return { reason, stuck: true };
    if (reason) return { reason, stuck: false };
  }
  return { reason: pod.status?.phase ?? 'Pending', stuck: false };
}

export function clusterReadiness(store: ObjectStore): Readiness {
  const nodes = store.list<Node & KubeObject>('nodes');
  const readyNodes = nodes.filter((n) => isReady(n.status?.conditions, 'Ready')).length;
  const pods = store
    .list<Pod & KubeObject>('pods')
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const stuck: string[] = [];
  const waiting: string[] = [];
  let readyPods = 0;
  for (const pod of pods) {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.deletionTimestamp) {
      waiting.push(`${key}: Terminating`);
      continue;
    }
    if (isReady(pod.status?.conditions, 'Ready')) {
      readyPods++;
      continue;
    }
    const state = podState(pod);
    (state.stuck ? stuck : waiting).push(`${key}: ${state.reason}`);
  }
  for (const d of store.list<Deployment & KubeObject>('deployments.apps')) {
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    const done =
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
      (s.updatedReplicas ?? 0) === want &&
      (s.replicas ?? 0) === want &&
      (s.availableReplicas ?? 0) === want;
    if (!done && !d.spec?.paused)
      waiting.push(
        `deployment ${d.metadata.namespace}/${d.metadata.name}: ${s.availableReplicas ?? 0}/${want} available`,
      );
  }
  return {
    ready: readyNodes === nodes.length && nodes.length > 0 && waiting.length === 0 && stuck.length === 0,
    nodes: { ready: readyNodes, total: nodes.length },
    pods: { ready: readyPods, total: pods.length },
    stuck,
    waiting,
  };
}
