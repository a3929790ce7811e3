/**
 * The seam between the API server and whatever holds container output (the
 * simulated container runtime). The server resolves the pod and container
 * (`GET /api/v1/namespaces/<ns>/pods/<pod>/log?container=…`), validates the
 * container name as the API server does, and streams what `open` yields as
 * `text/plain`, chunk by chunk, flushing each (for `follow=true`).
 */
import { type Pod, StatusError, type Typed } from '../api/index.js';

/** The `PodLogOptions` query parameters kubectl sends. */
export interface PodLogOptions {
  /** Always set: the server resolves a missing name to the pod's only container. */
  readonly container: string;
  /** Keep the stream open and yield new output as it is written. */
  readonly follow: boolean;
  /** Output of the previous (terminated) instance of the container. */
  readonly previous: boolean;
  /** Prefix each line with an RFC 3339 timestamp and a space. */
  readonly timestamps: boolean;
  /** Only the last N lines (before following). */
  readonly tailLines?: number | undefined;
  /** Only output newer than this many seconds. */
  readonly sinceSeconds?: number | undefined;
  /** Only output at or after this RFC 3339 time. */
  readonly sinceTime?: string | undefined;
  /** The server stops the stream after this many bytes; `open` may ignore it. */
  readonly limitBytes?: number | undefined;
}

/** One log request: the options plus the pod they are for. */
export interface PodLogRequest extends PodLogOptions {
  readonly namespace: string;
  readonly podName: string;
  /** The pod as stored when the request arrived. */
  readonly pod: Typed<Pod>;
}

/** A chunk of log output: text (UTF-8) or bytes. A Node `Readable` qualifies. */
export type PodLogStream = AsyncIterable<string | Uint8Array>;

/**
 * Where pod logs come from; implemented by the container runtime wiring.
 *
 * `open` is called once per request. It returns the output as an async
 * iterable (ending it ends the response; with `follow` it should end when the
 * container stops for good or `signal` aborts), or throws a `StatusError`
 * before yielding anything, typically `containerWaitingError` (400, kubectl
 * prints it) or `previousTerminatedNotFoundError`. An error thrown after the
 * first chunk ends the response early. `signal` aborts when the client
 * disconnects; implementations must release their resources then.
 */
export interface PodLogs {
  open(request: PodLogRequest, signal: AbortSignal): PodLogStream | Promise<PodLogStream>;
}

/**
 * 400 for a container that has not started: the kubelet's text, which kubectl
 * shows as `Error from server (BadRequest): container "web" in pod "web-7d4b9"
 * is waiting to start: ContainerCreating`.
 */
export function containerWaitingError(podName: string, container: string, reason: string): StatusError {
  return new StatusError(
    'BadRequest',
    400,
    `container "${container}" in pod "${podName}" is waiting to start: ${reason}`,
  );
}

/** 400 for `--previous` when the container never terminated (kubelet text). */
export function previousTerminatedNotFoundError(podName: string, container: string): StatusError {
  return new StatusError(
    'BadRequest',
    400,
    `previous terminated container "${container}" in pod "${podName}" not found`,
  );
}

/** A PodLogs with no output for any container, for servers run without a runtime. */
export const NO_POD_LOGS: PodLogs = {
  open() {
    return (async function* empty() {})();
  },
};
