/**
 * Wires a pod's probes to its containers: which workers exist, when each may
 * probe (the gate, upstream `doProbe`'s early returns) and the `Unhealthy`
 * text. The pod worker supplies the actions through `ProbeHost`.
 */
import type { Probe } from '../../api/types.js';
import { assertNever } from '../../util/assert-never.js';
import type { Clock } from '../../util/clock.js';
import type { ContainerRecord } from './container-record.js';
import { type ProbeGate, type ProbeResult, ProbeWorker, probeTimings } from './probe-worker.js';
import type { ProbeKind, ProbeOutcome } from './runtime.js';

export interface ProbeHost {
  /** The pod is finished (Succeeded/Failed) or the kubelet let go of it. */
  finished(): boolean;
  /** The pod has a deletionTimestamp. */
  deleting(): boolean;
  restartPolicy(): string;
  podIP(): string;
  attempt(r: ContainerRecord, kind: ProbeKind, probe: Probe): Promise<ProbeOutcome>;
  onResult(r: ContainerRecord, kind: ProbeKind, result: ProbeResult, containerID: string): void;
  onFailedAttempt(r: ContainerRecord, kind: ProbeKind, output: string): void;
}

const KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

function probeOf(r: ContainerRecord, kind: ProbeKind): Probe | undefined {
  switch (kind) {
    case 'startup':
      return r.spec.startupProbe;
    case 'liveness':
      return r.spec.livenessProbe;
    case 'readiness':
      return r.spec.readinessProbe;
    default:
      return assertNever(kind, 'probe kind');
  }
}

/** Whether the container has a probe of `kind` (regular init containers never run probes). */
export function hasProbe(r: ContainerRecord, kind: ProbeKind): boolean {
  if (r.init && !r.sidecar) return false;
  return probeOf(r, kind) !== undefined;
}

/** Upstream `doProbe` before the attempt: what a worker of `kind` should do for `r` at `now`. */
export function probeGate(
  r: ContainerRecord,
  kind: ProbeKind,
  probe: Probe,
  state: {
    readonly finished: boolean;
    readonly deleting: boolean;
    readonly restartPolicy: string;
    readonly now: number;
  },
): ProbeGate {
  if (state.finished) return { action: 'stop' };
  if (state.deleting && kind !== 'readiness') return { action: 'stop' };
  const cur = r.current;
  if (cur.kind !== 'running') {
    if (!r.containerID) return { action: 'wait' };
    const stop = cur.kind === 'exited' && state.restartPolicy === 'Never' && !r.sidecar;
    return { action: 'not-running', containerID: r.containerID, stop };
  }
  const id = r.containerID ?? '';
  if (Math.trunc((state.now - cur.startedAt) / 1000) < probeTimings(probe).initialDelaySeconds) {
    return { action: 'wait', containerID: id };
  }
  if (r.started ? kind === 'startup' : kind !== 'startup') return { action: 'wait', containerID: id };
  return { action: 'probe', containerID: id };
}

/** `Readiness probe failed: HTTP probe failed with statuscode: 503` (a prober that already prefixed it is accepted). */
export function unhealthyMessage(kind: ProbeKind, output: string): string {
  const prefix = `${kind[0]?.toUpperCase()}${kind.slice(1)} probe failed: `;
  return output.startsWith(prefix) ? output : `${prefix}${output}`;
}

/** A probe worker and the container it probes. */
export interface BoundProbe {
  readonly record: ContainerRecord;
  readonly worker: ProbeWorker;
}

/** Creates (not starts) the probe workers of every container that has probes. */
export function createProbeWorkers(
  records: readonly ContainerRecord[],
  clock: Clock,
  host: ProbeHost,
): BoundProbe[] {
  const out: BoundProbe[] = [];
  for (const r of records) {
    for (const kind of KINDS) {
      const probe = probeOf(r, kind);
      if (!probe || !hasProbe(r, kind)) continue;
      const worker = new ProbeWorker({
        kind,
        probe,
        container: r.spec,
        clock,
        podIP: () => host.podIP(),
        gate: () =>
          probeGate(r, kind, probe, {
            finished: host.finished(),
            deleting: host.deleting(),
            restartPolicy: host.restartPolicy(),
            now: clock.now(),
          }),
        attempt: () => host.attempt(r, kind, probe),
        onFailedAttempt: (output) => host.onFailedAttempt(r, kind, output),
        onResult: (result, containerID) => host.onResult(r, kind, result, containerID),
      });
      out.push({ record: r, worker });
    }
  }
  return out;
}
