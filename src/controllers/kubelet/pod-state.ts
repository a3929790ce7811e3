/**
 * The state of one pod on one node, shared by the pod worker's parts
 * (`pod-lifecycle.ts` starts and restarts containers, `pod-stop.ts` stops
 * them and finishes the pod), plus the helpers they all use: events, the
 * status queue, timers and the status write. Mutated only by those modules,
 * from the one event loop.
 */

import { isNotFound } from '../../api/errors.js';
import { resourceForKind } from '../../api/resources.js';
import type { PodStatus } from '../../api/types.js';
import type { TimerHandle } from '../../util/clock.js';
import { type ContainerRecord, containerView, newContainerRecord } from './container-record.js';
import type { PodWorkerContext } from './context.js';
import { containerFieldPath } from './messages.js';
import type { BoundProbe } from './pod-probes.js';
import type { StoredPod } from './pod-source.js';
import { generatePodStatus } from './pod-status.js';

export const POD = resourceForKind('Pod')!;

/**
 * `active`: running the pod; `finished`: it reached Succeeded/Failed by itself;
 * `terminating`: deletion in progress; `done`: nothing more to do.
 */
export type WorkerState = 'active' | 'finished' | 'terminating' | 'done';

export interface PodState {
  readonly ctx: PodWorkerContext;
  readonly uid: string;
  pod: StoredPod;
  readonly init: readonly ContainerRecord[];
  readonly containers: readonly ContainerRecord[];
  probes: readonly BoundProbe[];
  state: WorkerState;
  /** The pod's sandbox while it exists (its ID is derived from uid and attempt when a message needs it). */
  sandbox: { readonly ip: string } | undefined;
  sandboxAttempts: number;
  sandboxTimer: TimerHandle | undefined;
  /** The current sandbox's IP, or the last one's (it stays in the status). */
  podIP: string | undefined;
  startTime: number;
  /** SIGKILL back-stops of containers being stopped. */
  readonly killTimers: Set<TimerHandle>;
}

/** A fresh state, resumed from the pod's last posted status after a node restart (`downSince`). */
export function newPodState(ctx: PodWorkerContext, pod: StoredPod, downSince: number | undefined): PodState {
  const byName = (list: PodStatus['containerStatuses']) => new Map((list ?? []).map((s) => [s.name, s]));
  const initStatus = byName(pod.status?.initContainerStatuses);
  const status = byName(pod.status?.containerStatuses);
  const started = Date.parse(pod.status?.startTime ?? '');
  return {
    ctx,
    uid: pod.metadata.uid ?? '',
    pod,
    init: (pod.spec?.initContainers ?? []).map((c) =>
      newContainerRecord(c, true, initStatus.get(c.name), downSince),
    ),
    containers: (pod.spec?.containers ?? []).map((c) =>
      newContainerRecord(c, false, status.get(c.name), downSince),
    ),
    probes: [],
    state: 'active',
    sandbox: undefined,
    sandboxAttempts: 0,
    sandboxTimer: undefined,
    podIP: pod.status?.podIP,
    startTime: Number.isNaN(started) ? ctx.clock.now() : started,
    killTimers: new Set(),
  };
}

export function allRecords(s: PodState): ContainerRecord[] {
  return [...s.init, ...s.containers];
}

/** Records an event on the pod (on one of its containers when `r` is given), from this node's kubelet. */
export function podEvent(
  s: PodState,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  r?: ContainerRecord,
): void {
  const fieldPath = r ? containerFieldPath(r.spec.name, r.init) : undefined;
  s.ctx.events.record(
    s.pod,
    type,
    reason,
    message,
    { component: 'kubelet', host: s.ctx.nodeName },
    fieldPath,
  );
}

/** Queues a coalesced status write. */
export function changed(s: PodState): void {
  s.ctx.statusChanged(s.uid);
}

/** A timer on the kubelet's clock that does not keep the process alive. */
export function later(s: PodState, fn: () => void, ms: number): TimerHandle {
  const handle = s.ctx.clock.setTimeout(fn, ms);
  handle.unref();
  return handle;
}

function defaultWaiting(s: PodState): string {
  return s.init.length > 0 ? 'PodInitializing' : 'ContainerCreating';
}

/**
 * Writes the pod's status from the records over the stored pod (a no-op write
 * is dropped by the Registry). `terminal` posts the final status of a deleted
 * pod. Returns the stored pod, or undefined when it is gone.
 */
export function writeStatus(s: PodState, terminal: boolean): StoredPod | undefined {
  const m = s.pod.metadata;
  const current = s.ctx.registry.tryGet<StoredPod>(POD, m.namespace, m.name ?? '');
  if (!current || current.metadata.uid !== s.uid) return undefined;
  s.pod = current;
  const dw = defaultWaiting(s);
  const status = generatePodStatus({
    pod: current,
    hostIP: s.ctx.hostIP,
    podIP: s.podIP,
    sandboxReady: s.sandbox !== undefined,
    startTime: s.startTime,
    init: s.init.map((r) => containerView(r, dw)),
    containers: s.containers.map((r) => containerView(r, dw)),
    terminal,
    now: s.ctx.clock.now(),
  });
  try {
    s.pod = s.ctx.registry.update(
      { ...current, status: { ...current.status, ...status } },
      { subresource: 'status' },
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return undefined;
  }
  return s.pod;
}
