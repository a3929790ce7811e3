/**
 * What a pod's probe results do (pkg/kubelet/prober results → kuberuntime):
 * readiness toggles the container's `ready`, a passed startup probe marks it
 * started, and a failed liveness or startup probe kills it (`Killing`
 * `Container nginx failed liveness probe, will be restarted`). Each failed
 * attempt is an `Unhealthy` Warning with the prober's output.
 */
import type { Probe } from '../../api/types.js';
import { assertNever } from '../../util/assert-never.js';
import type { ContainerRecord } from './container-record.js';
import { podEvents } from './messages.js';
import { advance, triggerReadiness } from './pod-lifecycle.js';
import { hasProbe, type ProbeHost, unhealthyMessage } from './pod-probes.js';
import { changed, type PodState, podEvent } from './pod-state.js';
import { stopContainer } from './pod-stop.js';
import type { ProbeResult } from './probe-worker.js';
import type { ProbeKind, ProbeOutcome } from './runtime.js';

/** The probe workers' view of a pod and their effects on it. */
export function probeHost(s: PodState): ProbeHost {
  return {
    finished: () => s.state === 'finished' || s.state === 'done',
    deleting: () => s.state === 'terminating' || s.pod.metadata.deletionTimestamp !== undefined,
    restartPolicy: () => s.pod.spec?.restartPolicy ?? 'Always',
    podIP: () => s.podIP ?? '',
    attempt: (r: ContainerRecord, kind: ProbeKind, probe: Probe): Promise<ProbeOutcome> =>
      s.ctx.prober.probe({
        pod: s.pod,
        container: r.spec,
        podIP: s.podIP ?? '',
        nodeName: s.ctx.nodeName,
        kind,
        probe,
      }),
    onFailedAttempt: (r, kind, output) =>
      podEvent(s, 'Warning', 'Unhealthy', unhealthyMessage(kind, output), r),
    onResult: (r, kind, result, containerID) => onProbeResult(s, r, kind, result, containerID),
  };
}

function onProbeResult(
  s: PodState,
  r: ContainerRecord,
  kind: ProbeKind,
  result: ProbeResult,
  containerID: string,
): void {
  if (r.containerID !== containerID || r.current.kind !== 'running') return;
  switch (kind) {
    case 'readiness':
      setReady(s, r, result === 'success' && r.started);
      break;
    case 'startup':
      if (result === 'success') markStarted(s, r);
      else killForProbe(s, r, 'startup');
      break;
    case 'liveness':
      if (result === 'failure') killForProbe(s, r, 'liveness');
      break;
    default:
      assertNever(kind, 'probe kind');
  }
}

function setReady(s: PodState, r: ContainerRecord, ready: boolean): void {
  if (r.ready === ready) return;
  r.ready = ready;
  changed(s);
}

function markStarted(s: PodState, r: ContainerRecord): void {
  if (r.started) return;
  r.started = true;
  r.ready = !hasProbe(r, 'readiness');
  changed(s);
  triggerReadiness(s, r);
  if (r.sidecar) advance(s);
}

function killForProbe(s: PodState, r: ContainerRecord, kind: 'liveness' | 'startup'): void {
  if (s.state !== 'active') return;
  const restart = r.sidecar || (s.pod.spec?.restartPolicy ?? 'Always') !== 'Never';
  const probe = kind === 'liveness' ? r.spec.livenessProbe : r.spec.startupProbe;
  const grace = probe?.terminationGracePeriodSeconds ?? s.pod.spec?.terminationGracePeriodSeconds ?? 30;
  stopContainer(s, r, kind, grace, podEvents.probeKill(r.spec.name, kind, restart));
}
