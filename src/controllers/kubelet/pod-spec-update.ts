/**
 * A pod update that changes a container's image (the one container field a
 * pod update may change: `kubectl set image pod/…`, `kubectl patch`): the
 * kubelet's next sync compares each container with its running instance and
 * acts on the difference (kuberuntime `computePodActions`, `doBackOff`).
 *
 * - a running app container or sidecar is killed (`Killing`: `Container web
 *   definition changed, will be restarted`) and created again from the new
 *   image, pulled as any image is (`restartIfChanged`);
 * - a container in CrashLoopBackOff starts the new image at once: upstream's
 *   back-off is keyed by the container's hash, so a new image is not in it;
 * - anything else (not started yet, being pulled or started, finished, a
 *   running regular init container) just takes the new spec for its next start.
 *
 * Ephemeral containers cannot be changed by a pod update (nor created by
 * netkube), so they need nothing here.
 */
import type { Container } from '../../api/types.js';
import { type ContainerRecord, cancelPending } from './container-record.js';
import { restartIfChanged, startContainer } from './pod-lifecycle.js';
import type { StoredPod } from './pod-source.js';
import { changed, type PodState } from './pod-state.js';

/** Applies image changes of `pod` (the newest version of the worker's pod) to its containers. */
export function applySpecChanges(s: PodState, pod: StoredPod): void {
  const spec = pod.spec;
  if (!spec) return;
  const updated = [...takeImages(s.init, spec.initContainers), ...takeImages(s.containers, spec.containers)];
  if (s.state !== 'active') return;
  for (const r of updated) {
    if (r.current.kind === 'running') restartIfChanged(s, r);
    else if (r.waiting?.reason === 'CrashLoopBackOff') restartFromBackoff(s, r);
  }
}

/** Records whose container's image changed take the new spec; returns them. */
function takeImages(
  records: readonly ContainerRecord[],
  list: readonly Container[] | undefined,
): ContainerRecord[] {
  const out: ContainerRecord[] = [];
  records.forEach((r, i) => {
    const next = list?.[i];
    // A pod update cannot add, remove or rename containers; anything else is not ours to follow.
    if (!next || next.name !== r.spec.name || next.image === r.spec.image) return;
    r.spec = next;
    out.push(r);
  });
  return out;
}

function restartFromBackoff(s: PodState, r: ContainerRecord): void {
  cancelPending(r, (h) => s.ctx.clock.clearTimeout(h));
  r.waiting = undefined;
  r.backoff = undefined;
  changed(s);
  startContainer(s, r);
}
