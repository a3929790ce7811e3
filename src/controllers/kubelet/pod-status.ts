/**
 * The pod status the kubelet posts (`generateAPIPodStatus` + the status
 * manager's `TerminatePod`), computed from plain views: phase by upstream
 * `getPhase`, container statuses, conditions, IPs, startTime and QoS class.
 * Pure: no clock (the caller passes `now`), no I/O.
 */
import type { Container, Pod, PodStatus } from '../../api/types.js';
import { type ContainerView, isRestartableInit, toContainerStatus } from './container-view.js';
import { type PodPhase, podConditions } from './pod-conditions.js';
import { parseQuantity } from './quantity.js';
import { apiTime as rfc3339 } from './time.js';

export interface PodStatusInput {
  /** The pod as stored now (spec, and the status whose foreign conditions are kept). */
  readonly pod: Pod;
  readonly hostIP: string;
  /** The sandbox's IP; once known it stays in the status, even after the sandbox is gone. */
  readonly podIP: string | undefined;
  readonly sandboxReady: boolean;
  readonly startTime: number;
  readonly init: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  /** The pod is finished for good (deleted and stopped): every container is reported terminated. */
  readonly terminal: boolean;
  readonly now: number;
}

interface Counts {
  pendingInit: number;
  pendingSidecar: number;
  failedInit: number;
  unknown: number;
  running: number;
  waiting: number;
  stopped: number;
  succeeded: number;
}

function countInit(spec: readonly Container[], views: Map<string, ContainerView>, n: Counts): void {
  for (const c of spec) {
    const v = views.get(c.name);
    if (isRestartableInit(c)) {
      if (!v) n.unknown++;
      else if (v.state.kind === 'running') {
        if (!v.started) n.pendingSidecar++;
        n.running++;
      } else if (v.state.kind === 'waiting' && !v.lastTermination) n.pendingSidecar++;
      continue;
    }
    if (!v || v.state.kind === 'running') n.pendingInit++;
    else if (v.state.kind === 'terminated') {
      if (v.state.termination.exitCode !== 0) n.failedInit++;
    } else if (v.lastTermination) {
      if (v.lastTermination.exitCode !== 0) n.failedInit++;
    } else n.pendingInit++;
  }
}

function countRegular(views: readonly ContainerView[], n: Counts): void {
  for (const v of views) {
    if (v.state.kind === 'running') n.running++;
    else if (v.state.kind === 'terminated') {
      n.stopped++;
      if (v.state.termination.exitCode === 0) n.succeeded++;
    } else if (v.lastTermination) n.stopped++;
    else n.waiting++;
  }
}

/** Upstream `getPhase`: Pending until initialised and started, Running, then Succeeded/Failed per restartPolicy. */
export function podPhase(
  pod: Pod,
  init: readonly ContainerView[],
  containers: readonly ContainerView[],
  terminal: boolean,
): PodPhase {
  const n: Counts = {
    pendingInit: 0,
    pendingSidecar: 0,
    failedInit: 0,
    unknown: 0,
    running: 0,
    waiting: 0,
    stopped: 0,
    succeeded: 0,
  };
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  countInit(pod.spec?.initContainers ?? [], new Map(init.map((v) => [v.name, v])), n);
  countRegular(containers, n);
  if (n.failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (n.pendingInit > 0 || (n.pendingSidecar > 0 && n.failedInit === 0) || n.waiting > 0) return 'Pending';
  if (n.running > 0 && n.unknown === 0) return 'Running';
  if (n.running === 0 && n.stopped > 0 && n.unknown === 0) {
    if (terminal) return n.stopped === n.succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (n.stopped === n.succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** `TerminatePod`: a container that is not terminated when the pod ends is reported lost (exit 137). */
function terminateView(v: ContainerView): ContainerView {
  if (v.state.kind === 'terminated') return v;
  const lost = {
    exitCode: 137,
    reason: 'ContainerStatusUnknown',
    message: 'The container could not be located when the pod was terminated',
  };
  return { ...v, state: { kind: 'terminated', termination: lost }, ready: false, started: false };
}

/** The pod's QoS class (`GetPodQOS`) from cpu and memory requests and limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    for (const r of ['cpu', 'memory']) {
      const limit = parseQuantity(c.resources?.limits?.[r]);
      const request = parseQuantity(c.resources?.requests?.[r]) ?? limit;
      if (limit !== undefined || (request !== undefined && request !== 0)) any = true;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The full status the kubelet writes for `input`. */
export function generatePodStatus(input: PodStatusInput): PodStatus {
  const init = input.terminal ? input.init.map(terminateView) : input.init;
  const containers = input.terminal ? input.containers.map(terminateView) : input.containers;
  let phase = podPhase(input.pod, init, containers, input.terminal);
  if (input.terminal && (phase === 'Pending' || phase === 'Running')) phase = 'Failed';
  const conditions = podConditions({
    pod: input.pod,
    init,
    containers,
    phase,
    sandboxReady: input.sandboxReady,
    now: input.now,
  });
  return {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    startTime: rfc3339(input.startTime),
    ...(init.length > 0 ? { initContainerStatuses: init.map(toContainerStatus) } : {}),
    containerStatuses: containers.map(toContainerStatus),
    qosClass: input.pod.status?.qosClass ?? qosClass(input.pod),
  };
}
