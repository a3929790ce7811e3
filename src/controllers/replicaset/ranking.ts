/**
 * Which pods a ReplicaSet deletes first when it scales down: upstream's
 * `ActivePodsWithRanks.Less` and `getPodsToDelete`, with the
 * LogarithmicScaleDown behaviour that is on by default (ready and creation
 * times compared in powers of two of their age, ties broken by uid).
 */
import { isPodActive, isPodReady, type PodObject, podReadyTime } from '../runtime/pods.js';

/** Annotation that makes a pod cheaper (lower) or dearer (higher) to delete. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

interface RankedPod {
  readonly pod: PodObject;
  /** Active related pods on the same node (more → deleted first). */
  readonly rank: number;
}

/**
 * Picks `count` pods to delete out of `pods` (the ReplicaSet's active pods),
 * ranking co-location against `relatedPods` (the active pods of every
 * ReplicaSet with the same controller). Returns them in deletion order.
 */
export function podsToDelete(
  pods: readonly PodObject[],
  relatedPods: readonly PodObject[],
  count: number,
  now: number,
): PodObject[] {
  if (count >= pods.length) return [...pods];
  return rankPodsForDeletion(pods, relatedPods, now).slice(0, count);
}

/** Sorts pods so that the first is the one upstream would delete first. */
export function rankPodsForDeletion(
  pods: readonly PodObject[],
  relatedPods: readonly PodObject[],
  now: number,
): PodObject[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (less(a, b, now) ? -1 : less(b, a, now) ? 1 : 0));
  return ranked.map((r) => r.pod);
}

/** `ActivePodsWithRanks.Less`: whether `a` should be deleted before `b`. */
function less(a: RankedPod, b: RankedPod, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  // 1. Unassigned < assigned.
  if (na !== nb && (na === '' || nb === '')) return na === '';
  // 2. Pending < Unknown < Running.
  const oa = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa < ob;
  // 3. Not ready < ready.
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  // 4. Lower pod-deletion-cost < higher.
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  // 5. More related pods on the same node < fewer.
  if (a.rank !== b.rank) return a.rank > b.rank;
  // 6. Ready more recently < ready longer.
  if (ra && rb) {
    const ta = podReadyTime(pa) ?? 0;
    const tb = podReadyTime(pb) ?? 0;
    if (ta !== tb) return newerFirst(pa, pb, ta, tb, now);
  }
  // 7. More container restarts < fewer.
  const restarts = compareRestarts(pa, pb);
  if (restarts !== undefined) return restarts;
  // 8. Created more recently < created earlier.
  const ta = created(pa);
  const tb = created(pb);
  if (ta !== tb) return newerFirst(pa, pb, ta, tb, now);
  return false;
}

/**
 * Compares two instants (ms; 0 = unknown) as upstream does with
 * LogarithmicScaleDown: by log2 of their age in nanoseconds, the uid deciding
 * within one bucket; an unknown time sorts first.
 */
function newerFirst(pa: PodObject, pb: PodObject, ta: number, tb: number, now: number): boolean {
  if (ta === 0 || tb === 0 || now === 0) return afterOrZero(ta, tb);
  const diff = logRank(now - ta) - logRank(now - tb);
  if (diff === 0) return (pa.metadata.uid ?? '') < (pb.metadata.uid ?? '');
  return diff < 0;
}

function afterOrZero(ta: number, tb: number): boolean {
  if (ta === 0 || tb === 0) return ta === 0;
  return ta > tb;
}

function logRank(ageMs: number): number {
  const ns = ageMs * 1e6;
  return ns > 0 ? Math.trunc(Math.log2(ns)) : -1;
}

function created(pod: PodObject): number {
  const t = pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** `GetDeletionCostFromPodAnnotations`: an int32, 0 when absent or malformed. */
function deletionCost(pod: PodObject): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** `compareMaxContainerRestarts`: regular containers first, then restartable init containers. */
function compareRestarts(pa: PodObject, pb: PodObject): boolean | undefined {
  const [ra, sa] = maxRestarts(pa);
  const [rb, sb] = maxRestarts(pb);
  if (ra !== rb) return ra > rb;
  if (sa !== sb) return sa > sb;
  return undefined;
}

function maxRestarts(pod: PodObject): [number, number] {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount);
  const sidecars = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
  );
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) {
    if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount);
  }
  return [regular, sidecar];
}
