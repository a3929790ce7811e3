/**
 * The kubelet's seams to the node: the network plugin (CNI ADD/DEL), the
 * container runtime and the prober. The kubelet controller depends only on
 * these interfaces; the emulator wires the real implementations (cni/,
 * workloads/ + dataplane/) and tests use fakes.
 */
import type { Container, Pod, Probe } from '../../api/types.js';
import type { NetkubeError } from '../../util/errors.js';

/** CNI: attaches a pod to the network and returns its address. */
export interface NetworkPlugin {
  /**
   * Allocates the pod's IP and attaches it (veth, routes). Throws a
   * `PodNetworkError` whose message becomes the `FailedCreatePodSandBox` event
   * text (e.g. IPAM exhausted); the kubelet retries with back-off, leaving the
   * pod in ContainerCreating.
   */
  setUp(pod: Pod, nodeName: string): { readonly ip: string };
  /** Releases the pod's IP and removes its routes. Idempotent. */
  tearDown(pod: Pod, nodeName: string): void;
}

export interface PodNetworkError extends NetkubeError {
  readonly code: 'ERR_POD_NETWORK';
}

/** A running container, from the kubelet's point of view. */
export interface ContainerHandle {
  /** Registers the exit callback; called once, when the process ends for any reason. */
  onExit(callback: (exitCode: number, reason: 'Completed' | 'Error' | 'OOMKilled') => void): void;
  /** SIGTERM; the runtime SIGKILLs after `gracePeriodMs` if the app has not exited. */
  terminate(gracePeriodMs: number): void;
  /** SIGKILL at once. */
  kill(): void;
}

export interface ContainerStartRequest {
  readonly pod: Pod;
  readonly container: Container;
  readonly podIP: string;
  readonly nodeName: string;
  /** Restart count so far (apps may behave differently after restarts, e.g. fault injection). */
  readonly restartCount: number;
}

/** Starts simulated containers. */
export interface ContainerRuntime {
  /**
   * Starts a container. A start failure (bad flags, port already bound by a
   * sibling container) is reported by returning a handle whose exit callback
   * fires at once with a non-zero code; `logs` then holds the message.
   */
  start(request: ContainerStartRequest): ContainerHandle;
  /** Removes every trace of a pod's containers (after termination). */
  removePod(pod: Pod): void;
}

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeOutcome {
  readonly result: 'success' | 'failure';
  /**
   * Shown in the `Unhealthy` event: `Readiness probe failed: HTTP probe failed with statuscode: 503`.
   * The prober's output (`HTTP probe failed with statuscode: 503`); the kubelet adds the
   * `<Kind> probe failed: ` prefix, and uses a message that already carries it as it is.
   */
  readonly message?: string;
}

/**
 * Runs one probe attempt against a running container (real requests to the app).
 * The attempt must settle within `probe.timeoutSeconds` (reporting a timeout as a
 * failure with the upstream text); the kubelet counts an attempt still pending one
 * second after that as a failed, timed-out attempt and ignores its late result.
 */
export interface Prober {
  probe(request: {
    readonly pod: Pod;
    readonly container: Container;
    readonly podIP: string;
    readonly nodeName: string;
    readonly kind: ProbeKind;
    readonly probe: Probe;
  }): Promise<ProbeOutcome>;
}
