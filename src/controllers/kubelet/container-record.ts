/**
 * The kubelet's live record of one container of a pod: its current instance
 * (running or exited), the termination before it (`lastState`), restart count,
 * readiness, back-off and the timer of a pending pull/start/restart. The pod
 * worker mutates records; `containerView` turns one into the plain data the
 * status functions read.
 */
import type { Container, ContainerStatus, Pod } from '../../api/types.js';
import type { TimerHandle } from '../../util/clock.js';
import type { BackoffEntry } from './backoff.js';
import { type ContainerView, isRestartableInit, type Termination } from './container-view.js';
import type { ContainerHandle } from './runtime.js';

export type Instance =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly startedAt: number; readonly handle: ContainerHandle }
  | { readonly kind: 'exited'; readonly termination: Termination };

/**
 * Why the kubelet stopped a running container; decides how its exit is handled.
 * `changed`: its image changed in the pod spec; it comes back from the new spec.
 */
export type KillReason = 'liveness' | 'startup' | 'changed' | 'terminating' | 'finished';

export interface ContainerRecord {
  /** The container as the pod spec now describes it (a pod update may change its `image`). */
  spec: Container;
  /**
   * The spec image of the current (or last) instance, which the status shows;
   * it differs from `spec.image` after an image update until the container is
   * created again. Undefined before the first instance.
   */
  image: string | undefined;
  readonly init: boolean;
  /** An init container with `restartPolicy: Always`. */
  readonly sidecar: boolean;
  current: Instance;
  /** The termination before the current instance: `lastState.terminated`. */
  lastTermination: Termination | undefined;
  /** Shown instead of the exited instance: `CrashLoopBackOff` while backing off. */
  waiting: { readonly reason: string; readonly message: string } | undefined;
  containerID: string | undefined;
  restartCount: number;
  /** Whether any instance was ever created (the next start is then a restart). */
  everStarted: boolean;
  /** Containers created in this boot, for container IDs. */
  attempts: number;
  pulled: boolean;
  ready: boolean;
  started: boolean;
  /** An init container that completed in the current sandbox. */
  completed: boolean;
  backoff: BackoffEntry | undefined;
  killReason: KillReason | undefined;
  /** A pending pull, start or back-off restart. */
  timer: TimerHandle | undefined;
  /** Cancels a pull in progress. */
  cancelPull: (() => void) | undefined;
}

function parseTime(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function termination(t: NonNullable<NonNullable<ContainerStatus['state']>['terminated']>): Termination {
  return {
    exitCode: t.exitCode,
    reason: t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error'),
    message: t.message,
    startedAt: parseTime(t.startedAt),
    finishedAt: parseTime(t.finishedAt),
    containerID: t.containerID,
  };
}

/**
 * A record for `spec`, resumed from the status the kubelet posted before a node
 * restart when there is one: restart count and last state carry over, and an
 * instance that was running when the node went down is reported as it is after
 * a reboot, `Unknown` with exit code 255.
 */
export function newContainerRecord(
  spec: Container,
  init: boolean,
  previous: ContainerStatus | undefined,
  downSince: number | undefined,
): ContainerRecord {
  const record: ContainerRecord = {
    spec,
    init,
    sidecar: init && isRestartableInit(spec),
    image: undefined,
    current: { kind: 'none' },
    lastTermination: undefined,
    waiting: undefined,
    containerID: undefined,
    restartCount: 0,
    everStarted: false,
    attempts: 0,
    pulled: false,
    ready: false,
    started: false,
    completed: false,
    backoff: undefined,
    killReason: undefined,
    timer: undefined,
    cancelPull: undefined,
  };
  if (!previous) return record;
  record.restartCount = previous.restartCount;
  record.containerID = previous.containerID;
  record.pulled = previous.imageID !== '';
  if (record.pulled) record.image = previous.image;
  const last = previous.lastState?.terminated;
  if (last) record.lastTermination = termination(last);
  const state = previous.state;
  if (state?.running) {
    const crashed: Termination = {
      exitCode: 255,
      reason: 'Unknown',
      startedAt: parseTime(state.running.startedAt),
      finishedAt: downSince,
      containerID: previous.containerID,
    };
    record.current = { kind: 'exited', termination: crashed };
  } else if (state?.terminated) {
    record.current = { kind: 'exited', termination: termination(state.terminated) };
  } else if (record.lastTermination) {
    record.current = { kind: 'exited', termination: record.lastTermination };
    record.lastTermination = undefined;
  }
  record.everStarted = record.current.kind !== 'none' || previous.restartCount > 0;
  return record;
}

/** The status view of a record; `defaultWaiting` is `PodInitializing` in pods with init containers. */
export function containerView(r: ContainerRecord, defaultWaiting: string): ContainerView {
  const base = {
    name: r.spec.name,
    image: r.image ?? r.spec.image ?? '',
    pulled: r.pulled,
    containerID: r.containerID,
    restartCount: r.restartCount,
    ready: r.ready,
    started: r.started,
  };
  const cur = r.current;
  if (cur.kind === 'running') {
    return {
      ...base,
      state: { kind: 'running', startedAt: cur.startedAt },
      lastTermination: r.lastTermination,
    };
  }
  if (r.waiting) {
    const last = cur.kind === 'exited' ? cur.termination : r.lastTermination;
    return { ...base, state: { kind: 'waiting', ...r.waiting }, lastTermination: last };
  }
  if (cur.kind === 'exited') {
    return {
      ...base,
      state: { kind: 'terminated', termination: cur.termination },
      lastTermination: r.lastTermination,
    };
  }
  return { ...base, state: { kind: 'waiting', reason: defaultWaiting }, lastTermination: r.lastTermination };
}

/** Whether the container should come back after its current instance exited (restartPolicy). */
export function shouldRestart(pod: Pod, r: ContainerRecord, exitCode: number): boolean {
  // A changed definition restarts regardless of the restart policy (kuberuntime computePodActions).
  if (r.sidecar || r.killReason === 'changed') return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (r.killReason === 'liveness' || r.killReason === 'startup') return policy !== 'Never';
  if (r.init) return exitCode !== 0 && policy !== 'Never';
  if (policy === 'Always') return true;
  return policy === 'OnFailure' && exitCode !== 0;
}

/** Cancels a pending pull, start or restart of the container. */
export function cancelPending(r: ContainerRecord, clearTimeout: (h: TimerHandle) => void): void {
  if (r.timer) clearTimeout(r.timer);
  r.timer = undefined;
  r.cancelPull?.();
  r.cancelPull = undefined;
}
