/**
 * Stopping containers and ending a pod (kuberuntime `killContainer`/`KillPod`,
 * the status manager's terminal status, then the removal of the pod object):
 * SIGTERM with the grace period, SIGKILL when it runs out, CNI DEL once nothing
 * runs, and for a deleted pod the final status and `delete` with grace 0.
 */

import { isNotFound } from '../../api/errors.js';
import type { Container } from '../../api/types.js';
import { errorMessage } from '../../util/errors.js';
import { type ContainerRecord, cancelPending } from './container-record.js';
import { podEvents } from './messages.js';
import type { StoredPod } from './pod-source.js';
import { allRecords, later, POD, type PodState, podEvent, writeStatus } from './pod-state.js';

/** The grace period of the pod's deletion, else of its spec (default 30 s). */
export function gracePeriod(s: PodState): number {
  return s.pod.metadata.deletionGracePeriodSeconds ?? s.pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/**
 * How long the container's preStop hook keeps it running before SIGTERM: the
 * `sleep` action, or an exec hook that only sleeps (`sleep 5`,
 * `sh -c "sleep 5"`), the usual way to let endpoints drain. Other hooks cannot
 * run here (no process to exec into) and take no time.
 */
export function preStopSeconds(container: Container): number {
  const hook = container.lifecycle?.preStop;
  if (hook?.sleep) return Math.max(0, hook.sleep.seconds);
  const command = (hook?.exec?.command ?? []).join(' ').trim();
  const m = /^(?:(?:\/bin\/)?(?:ba)?sh -c )?["']?sleep (\d+)["']?$/.exec(command);
  return m ? Number(m[1]) : 0;
}

/**
 * Stops a running container as `killContainer` does, after a `Killing` event:
 * the preStop hook first (within the grace period), then SIGTERM with what is
 * left of `graceSeconds` (at least 2 s), then SIGKILL if it still runs (the
 * runtime does that too; this is the kubelet's own back-stop).
 */
export function stopContainer(
  s: PodState,
  r: ContainerRecord,
  why: ContainerRecord['killReason'],
  graceSeconds: number,
  message?: string,
): void {
  const cur = r.current;
  if (cur.kind !== 'running') return;
  podEvent(s, 'Normal', 'Killing', message ?? podEvents.stopping(r.spec.name), r);
  r.killReason = why;
  const still = () => r.current.kind === 'running' && r.current.handle === cur.handle;
  const hookSeconds = graceSeconds > 0 ? Math.min(preStopSeconds(r.spec), graceSeconds) : 0;
  const termMs = Math.max(2, graceSeconds - hookSeconds) * 1000;
  const sigterm = () => {
    if (!still()) return;
    cur.handle.terminate(termMs);
    const backstop = later(
      s,
      () => {
        s.killTimers.delete(backstop);
        if (still()) cur.handle.kill();
      },
      termMs,
    );
    s.killTimers.add(backstop);
  };
  if (hookSeconds === 0) {
    sigterm();
    return;
  }
  const hook = later(
    s,
    () => {
      s.killTimers.delete(hook);
      sigterm();
    },
    hookSeconds * 1000,
  );
  s.killTimers.add(hook);
}

function cancelTimers(s: PodState): void {
  if (s.sandboxTimer) s.ctx.clock.clearTimeout(s.sandboxTimer);
  s.sandboxTimer = undefined;
  for (const r of allRecords(s)) cancelPending(r, (h) => s.ctx.clock.clearTimeout(h));
}

function clearKillTimers(s: PodState): void {
  for (const t of s.killTimers) s.ctx.clock.clearTimeout(t);
  s.killTimers.clear();
}

function releaseSandbox(s: PodState): void {
  if (!s.sandbox) return;
  s.sandbox = undefined;
  s.ctx.network.tearDown(s.pod, s.ctx.nodeName);
}

function stopProbes(s: PodState): void {
  for (const p of s.probes) p.worker.stop();
}

/**
 * Whether the pod is done by itself (kuberuntime `computePodActions`): every
 * app container exited for good, or an init container failed under
 * restartPolicy Never. Sidecars do not keep a pod alive.
 */
function podIsDone(s: PodState): boolean {
  const failedInit = s.init.some(
    (r) => !r.sidecar && r.completed && r.current.kind === 'exited' && r.current.termination.exitCode !== 0,
  );
  return failedInit || (s.containers.length > 0 && s.containers.every((r) => r.completed));
}

/**
 * After a container stopped for good: when the pod as a whole is done
 * (restartPolicy Never/OnFailure), stop its sidecars and probes; the sandbox
 * goes once nothing runs (the IP is released, as upstream) and the status
 * then shows Succeeded or Failed.
 */
export function checkFinished(s: PodState): void {
  if (!podIsDone(s)) return;
  s.state = 'finished';
  stopProbes(s);
  for (const r of allRecords(s)) stopContainer(s, r, 'finished', gracePeriod(s));
  finishIfStopped(s);
}

/** The pod got a deletionTimestamp: stop everything gracefully, then finish the deletion. */
export function terminate(s: PodState): void {
  if (s.state === 'terminating' || s.state === 'done') return;
  s.state = 'terminating';
  cancelTimers(s);
  const grace = gracePeriod(s);
  for (const r of allRecords(s)) {
    r.waiting = undefined;
    stopContainer(s, r, 'terminating', grace);
  }
  finishIfStopped(s);
}

/** Once no container runs: release the sandbox; for a deleted pod post its final status and remove it. */
export function finishIfStopped(s: PodState): void {
  if (allRecords(s).some((r) => r.current.kind === 'running')) return;
  clearKillTimers(s);
  releaseSandbox(s);
  if (s.state === 'finished') {
    writeStatus(s, false);
    return;
  }
  if (s.state !== 'terminating') return;
  s.state = 'done';
  stopProbes(s);
  const final = writeStatus(s, true);
  const { namespace, name = '' } = s.pod.metadata;
  try {
    s.ctx.registry.delete(POD, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: s.uid } });
  } catch (err) {
    if (!isNotFound(err)) {
      s.ctx.logger.warn({ pod: `${namespace}/${name}`, err: errorMessage(err) }, 'Could not remove pod');
    }
  }
  s.ctx.runtime.removePod(final ?? s.pod);
  s.ctx.forget(s.uid);
}

/** The node went down: SIGKILL every container, stop every timer, write nothing. */
export function halt(s: PodState): void {
  s.state = 'done';
  stopProbes(s);
  cancelTimers(s);
  clearKillTimers(s);
  for (const r of allRecords(s)) if (r.current.kind === 'running') r.current.handle.kill();
  s.ctx.forget(s.uid);
}

/** The pod object is gone (force delete, or a finished pod deleted): kill and clean up at once. */
export function podRemoved(s: PodState, pod: StoredPod): void {
  s.pod = pod;
  const alreadyDone = s.state === 'done';
  halt(s);
  if (alreadyDone) return;
  releaseSandbox(s);
  s.ctx.runtime.removePod(pod);
}
