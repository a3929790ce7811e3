/**
 * Bringing a pod's containers up and keeping them up (kuberuntime `SyncPod`,
 * `startContainer`, `doBackOff`): the sandbox first (CNI ADD; a failure is a
 * `FailedCreatePodSandBox` event and a retry), init containers one at a time,
 * then app containers in order, each pulled, created and started; exits are
 * posted, then restarted per restartPolicy, with CrashLoopBackOff delays.
 */
import type { Container } from '../../api/types.js';
import { errorMessage } from '../../util/errors.js';
import { isInBackOff, nextBackoff } from './backoff.js';
import { type ContainerRecord, shouldRestart } from './container-record.js';
import { containerID, sandboxID } from './identity.js';
import { crashLoopMessage, podEvents } from './messages.js';
import { hasProbe } from './pod-probes.js';
import { allRecords, changed, later, type PodState, podEvent, writeStatus } from './pod-state.js';
import { checkFinished, finishIfStopped, stopContainer } from './pod-stop.js';
import type { ContainerHandle } from './runtime.js';

/** CNI ADD for a new sandbox; on success the containers follow, on failure it is retried. */
export function createSandbox(s: PodState): void {
  if (s.state !== 'active') return;
  const attempt = s.sandboxAttempts++;
  try {
    s.sandbox = { ip: s.ctx.network.setUp(s.pod, s.ctx.nodeName).ip };
    s.podIP = s.sandbox.ip;
  } catch (err) {
    const id = sandboxID(s.uid, attempt, s.ctx.boot);
    podEvent(s, 'Warning', 'FailedCreatePodSandBox', podEvents.sandboxFailed(id, errorMessage(err)));
    s.sandboxTimer = later(
      s,
      () => {
        s.sandboxTimer = undefined;
        createSandbox(s);
      },
      s.ctx.timing.sandboxRetryMs,
    );
    changed(s);
    return;
  }
  // A new sandbox runs the init containers again (as after a reboot).
  for (const r of allRecords(s)) r.completed = false;
  changed(s);
  advance(s);
}

function idle(r: ContainerRecord): boolean {
  return r.current.kind !== 'running' && !r.timer && !r.cancelPull && !r.completed;
}

/** Starts what may start next: the next init container (sidecars once started), then app containers in order. */
export function advance(s: PodState): void {
  if (s.state !== 'active' || !s.sandbox) return;
  for (const r of s.init) {
    if (r.sidecar && r.started) continue;
    if (!r.sidecar && r.completed) continue;
    // The next init container: start it if it is not on its way; either way, wait for it.
    if (idle(r)) startContainer(s, r);
    return;
  }
  const next = s.containers.find(idle);
  if (next) startContainer(s, next);
}

/**
 * Image first (pull or found), then create and start after the simulated start
 * delay, from the spec as it was when the pull began (a later image change
 * restarts the new instance at once, as upstream's next sync would).
 */
export function startContainer(s: PodState, r: ContainerRecord): void {
  let pulled = false;
  const spec = r.spec;
  const emit = (reason: 'Pulling' | 'Pulled', message: string) => podEvent(s, 'Normal', reason, message, r);
  const cancel = s.ctx.images.ensure(spec, emit, () => {
    pulled = true;
    r.cancelPull = undefined;
    const ms = s.ctx.timing.containerStartMs;
    if (ms === 0) {
      createContainer(s, r, spec);
      return;
    }
    r.timer = later(
      s,
      () => {
        r.timer = undefined;
        createContainer(s, r, spec);
      },
      ms,
    );
  });
  if (!pulled) r.cancelPull = cancel;
}

function runtimeStart(s: PodState, r: ContainerRecord, spec: Container): ContainerHandle | undefined {
  try {
    return s.ctx.runtime.start({
      pod: s.pod,
      container: spec,
      podIP: s.podIP ?? '',
      nodeName: s.ctx.nodeName,
      restartCount: r.restartCount,
    });
  } catch (err) {
    // The runtime could not start the process: upstream reports StartError, exit code 128.
    podEvent(s, 'Warning', 'Failed', `Error: ${errorMessage(err)}`, r);
    const termination = { exitCode: 128, reason: 'StartError', message: errorMessage(err) };
    r.current = { kind: 'exited', termination: { ...termination, finishedAt: s.ctx.clock.now() } };
    return undefined;
  }
}

function createContainer(s: PodState, r: ContainerRecord, spec: Container): void {
  if (s.state !== 'active') return;
  const name = spec.name;
  if (r.everStarted) {
    r.restartCount++;
    if (r.current.kind === 'exited') r.lastTermination = r.current.termination;
  }
  r.containerID = containerID(s.uid, name, r.attempts++, s.ctx.boot);
  r.pulled = true;
  r.waiting = undefined;
  r.killReason = undefined;
  r.everStarted = true;
  r.image = spec.image ?? '';
  podEvent(s, 'Normal', 'Created', podEvents.created(name), r);
  const handle = runtimeStart(s, r, spec);
  if (!handle) {
    afterExit(s, r, 128);
    return;
  }
  podEvent(s, 'Normal', 'Started', podEvents.started(name), r);
  r.current = { kind: 'running', startedAt: s.ctx.clock.now(), handle };
  r.started = !hasProbe(r, 'startup');
  r.ready = r.started && !hasProbe(r, 'readiness');
  changed(s);
  handle.onExit((code, reason) => onExit(s, r, handle, code, reason));
  if (r.current.kind === 'running' && r.current.handle === handle) {
    triggerReadiness(s, r);
    restartIfChanged(s, r);
  }
  advance(s);
}

/**
 * Kills a running container whose image is no longer the one in the pod spec
 * (kuberuntime `computePodActions`: the container hash covers name and image),
 * with the pod's grace period; its exit starts the new definition. An app
 * container is restarted whatever the restartPolicy, a sidecar too; a regular
 * init container is left to finish, and only a later run of it (a new
 * sandbox, a failure) uses the new image. No-op otherwise.
 */
export function restartIfChanged(s: PodState, r: ContainerRecord): void {
  if (s.state !== 'active' || r.current.kind !== 'running' || r.killReason !== undefined) return;
  if (r.image === undefined || r.image === (r.spec.image ?? '')) return;
  if (r.init && !r.sidecar) return;
  const grace = s.pod.spec?.terminationGracePeriodSeconds ?? 30;
  stopContainer(s, r, 'changed', grace, podEvents.definitionChanged(r.spec.name, r.init));
}

/** Runs a readiness attempt now (upstream triggers one while a running container has no result). */
export function triggerReadiness(s: PodState, r: ContainerRecord): void {
  for (const p of s.probes) if (p.record === r && p.worker.kind === 'readiness') p.worker.trigger();
}

function onExit(
  s: PodState,
  r: ContainerRecord,
  handle: ContainerHandle,
  exitCode: number,
  reason: string,
): void {
  const cur = r.current;
  if (cur.kind !== 'running' || cur.handle !== handle) return;
  const finishedAt = s.ctx.clock.now();
  const termination = { exitCode, reason, startedAt: cur.startedAt, finishedAt, containerID: r.containerID };
  r.current = { kind: 'exited', termination };
  r.ready = false;
  r.started = false;
  if (s.state === 'done') return;
  if (s.state !== 'active') {
    changed(s);
    finishIfStopped(s);
    return;
  }
  // Post the exit before acting on it: kubectl -w shows Error/Completed, then the restart.
  writeStatus(s, false);
  afterExit(s, r, exitCode);
}

function afterExit(s: PodState, r: ContainerRecord, exitCode: number): void {
  const killedByProbe = r.killReason === 'liveness' || r.killReason === 'startup';
  if (r.init && !r.sidecar && exitCode === 0) {
    r.completed = true;
    changed(s);
    advance(s);
  } else if (!shouldRestart(s.pod, r, exitCode)) {
    r.completed = true;
    changed(s);
    checkFinished(s);
  } else if (r.killReason === 'changed') {
    // Upstream starts the new definition in the same sync. Its back-off is keyed
    // by the container's hash, so a new image starts with a clean back-off.
    r.backoff = undefined;
    startContainer(s, r);
  } else if (killedByProbe) {
    // Upstream restarts a probe-killed container in the same sync; its back-off check
    // (`doBackOff`) finds the previous dead instance, if any: repeated probe kills
    // thus end in CrashLoopBackOff too.
    const previous = r.lastTermination?.finishedAt;
    if (previous === undefined) startContainer(s, r);
    else restartWithBackoff(s, r, previous);
  } else {
    restartWithBackoff(s, r);
  }
}

function restartWithBackoff(s: PodState, r: ContainerRecord, exitedAt?: number): void {
  const policy = { initialMs: s.ctx.timing.backoffInitialMs, maxMs: s.ctx.timing.backoffMaxMs };
  const now = s.ctx.clock.now();
  const finishedAt =
    exitedAt ?? (r.current.kind === 'exited' ? (r.current.termination.finishedAt ?? now) : now);
  if (!r.backoff || !isInBackOff(r.backoff, finishedAt, now, policy)) {
    r.backoff = nextBackoff(r.backoff, now, policy);
    startContainer(s, r);
    return;
  }
  const delay = r.backoff.delayMs;
  r.waiting = { reason: 'CrashLoopBackOff', message: crashLoopMessage(delay, r.spec.name, s.pod) };
  podEvent(s, 'Warning', 'BackOff', podEvents.backOff(r.spec.name, s.pod), r);
  changed(s);
  r.timer = later(
    s,
    () => {
      r.timer = undefined;
      r.waiting = undefined;
      r.backoff = nextBackoff(r.backoff, s.ctx.clock.now(), policy);
      startContainer(s, r);
    },
    finishedAt + delay - now,
  );
}
