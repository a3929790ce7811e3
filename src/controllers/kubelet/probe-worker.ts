/**
 * One probe of one container (pkg/kubelet/prober/worker.go): ticks every
 * periodSeconds from when the pod is admitted, skips while the container is
 * not running, inside initialDelaySeconds, or (liveness/readiness) until the
 * startup probe has passed, and reports a result only once successThreshold /
 * failureThreshold consecutive attempts agree. A failed liveness or startup
 * result puts the worker on hold until the next container instance.
 */
import type { Container, Probe } from '../../api/types.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import type { ProbeKind, ProbeOutcome } from './runtime.js';

export type ProbeResult = 'success' | 'failure';

/** What the worker should do at a tick, decided by the pod worker from the container's state. */
export type ProbeGate =
  /** Nothing to probe yet (no container, initial delay, waiting for startup): keep ticking. */
  | { readonly action: 'wait'; readonly containerID?: string | undefined }
  /** Probe the running container `containerID`. */
  | { readonly action: 'probe'; readonly containerID: string }
  /** The container is not running: the result is a failure; stop when it will not come back. */
  | { readonly action: 'not-running'; readonly containerID?: string | undefined; readonly stop: boolean }
  /** Stop for good (pod finished; liveness/startup once the pod is being deleted). */
  | { readonly action: 'stop' };

export interface ProbeWorkerConfig {
  readonly kind: ProbeKind;
  readonly probe: Probe;
  readonly container: Container;
  readonly clock: Clock;
  readonly gate: () => ProbeGate;
  /** One attempt against the current container. */
  readonly attempt: () => Promise<ProbeOutcome>;
  /** Called after each failed attempt with the probe output (the `Unhealthy` event). */
  readonly onFailedAttempt: (output: string) => void;
  /** Called when the result the kubelet acts on changes (thresholds crossed). */
  readonly onResult: (result: ProbeResult, containerID: string) => void;
  /** The pod IP, for timeout messages. */
  readonly podIP: () => string;
}

/** The probe with upstream defaults filled in. */
export function probeTimings(p: Probe) {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    successThreshold: p.successThreshold ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

/** What the prober reports when an attempt runs out of time (Go net/http, net and exec texts). */
export function probeTimeoutOutput(p: Probe, container: Container, podIP: string): string {
  const port = (v: string | number | undefined) =>
    typeof v === 'string' ? (container.ports?.find((cp) => cp.name === v)?.containerPort ?? v) : v;
  const seconds = probeTimings(p).timeoutSeconds;
  if (p.httpGet) {
    const scheme = (p.httpGet.scheme ?? 'HTTP').toLowerCase();
    const url = `${scheme}://${p.httpGet.host || podIP}:${port(p.httpGet.port)}${p.httpGet.path ?? '/'}`;
    return `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  }
  if (p.tcpSocket) return `dial tcp ${p.tcpSocket.host || podIP}:${port(p.tcpSocket.port)}: i/o timeout`;
  if (p.grpc) return `timeout: failed to connect service "${podIP}:${p.grpc.port}" within ${seconds}s`;
  return `command "${(p.exec?.command ?? []).join(' ')}" timed out`;
}

export class ProbeWorker {
  readonly kind: ProbeKind;
  readonly #c: ProbeWorkerConfig;
  readonly #t: ReturnType<typeof probeTimings>;
  #timer: TimerHandle | undefined;
  #containerID: string | undefined;
  #onHold = false;
  #lastResult: ProbeResult | undefined;
  #run = 0;
  #inFlight = false;
  #stopped = false;

  constructor(config: ProbeWorkerConfig) {
    this.kind = config.kind;
    this.#c = config;
    this.#t = probeTimings(config.probe);
  }

  /** Starts ticking: one attempt now, then every periodSeconds. */
  start(): void {
    this.#tick();
  }

  /** Stops the worker; an attempt in flight is ignored when it returns. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#c.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** An extra attempt now, outside the period (the kubelet's manual trigger for readiness). */
  trigger(): void {
    if (!this.#stopped) this.#doProbe();
  }

  /** Whether an attempt is running (tests wait for these to settle). */
  get busy(): boolean {
    return this.#inFlight;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = this.#c.clock.setTimeout(() => this.#tick(), this.#t.periodSeconds * 1000);
    this.#timer.unref();
    this.#doProbe();
  }

  #doProbe(): void {
    if (this.#inFlight) return;
    const gate = this.#c.gate();
    if (gate.action === 'stop') {
      this.stop();
      return;
    }
    if (gate.containerID !== undefined && gate.containerID !== this.#containerID) {
      this.#containerID = gate.containerID;
      this.#onHold = false;
      this.#lastResult = undefined;
      this.#run = 0;
    }
    if (this.#onHold || gate.action === 'wait') return;
    if (gate.action === 'not-running') {
      if (gate.stop) this.stop();
      return;
    }
    this.#inFlight = true;
    const id = gate.containerID;
    this.#attempt().then(
      (outcome) => this.#record(id, outcome),
      (err: unknown) => this.#record(id, { result: 'failure', message: errorMessage(err) }),
    );
  }

  #attempt(): Promise<ProbeOutcome> {
    const limitMs = this.#t.timeoutSeconds * 1000 + 1000;
    return new Promise<ProbeOutcome>((resolve, reject) => {
      const guard = this.#c.clock.setTimeout(() => {
        resolve({
          result: 'failure',
          message: probeTimeoutOutput(this.#c.probe, this.#c.container, this.#c.podIP()),
        });
      }, limitMs);
      guard.unref();
      this.#c.attempt().then(
        (o) => {
          this.#c.clock.clearTimeout(guard);
          resolve(o);
        },
        (err: unknown) => {
          this.#c.clock.clearTimeout(guard);
          reject(err);
        },
      );
    });
  }

  #record(containerID: string, outcome: ProbeOutcome): void {
    this.#inFlight = false;
    if (this.#stopped || containerID !== this.#containerID || this.#onHold) return;
    const result = outcome.result;
    if (result === 'failure') this.#c.onFailedAttempt(outcome.message ?? '');
    if (this.#lastResult === result) this.#run++;
    else {
      this.#lastResult = result;
      this.#run = 1;
    }
    if (result === 'failure' && this.#run < this.#t.failureThreshold) return;
    if (result === 'success' && this.#run < this.#t.successThreshold) return;
    if (this.kind !== 'readiness' && result === 'failure') {
      this.#onHold = true;
      this.#run = 0;
    }
    this.#c.onResult(result, containerID);
  }
}
