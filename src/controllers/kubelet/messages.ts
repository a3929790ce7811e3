/**
 * The kubelet's user-facing texts, word for word as kubelet v1.32 writes them
 * (pkg/kubelet/events, kuberuntime, images, prober, status, nodestatus), so
 * `kubectl describe` and `kubectl get -w` read exactly as on a real cluster.
 * Pure functions: data in, text out.
 */
import type { Pod } from '../../api/types.js';

/**
 * Go's `time.Duration.String()` for a whole number of milliseconds:
 * `0s`, `521ms`, `1.021s`, `1m20s`, `5m0s`, `1h0m0s`.
 */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.trunc(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secMs = total % 60_000;
  const whole = Math.floor(secMs / 1000);
  const frac = secMs % 1000;
  const seconds = frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** kubelet `format.Pod`: `web-x_default(<uid>)`. */
export function formatPod(pod: Pick<Pod, 'metadata'>): string {
  const m = pod.metadata;
  return `${m?.name ?? ''}_${m?.namespace ?? ''}(${m?.uid ?? ''})`;
}

/** Go's `%s` of a `[]string`: `[a b]`. */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** `spec.containers{nginx}`: the fieldPath of container events. */
export function containerFieldPath(name: string, init: boolean): string {
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${name}}`;
}

export const podEvents = {
  pulling: (image: string) => `Pulling image "${image}"`,
  pulled: (image: string, pullMs: number, totalMs: number, size: number) =>
    `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting). Image size: ${size} bytes.`,
  alreadyPresent: (image: string) => `Container image "${image}" already present on machine`,
  created: (name: string) => `Created container: ${name}`,
  started: (name: string) => `Started container ${name}`,
  stopping: (name: string) => `Stopping container ${name}`,
  /** The Killing message of a container whose image changed (a sidecar's says nothing about the restart). */
  definitionChanged: (name: string, init: boolean) =>
    init
      ? `Init container ${name} definition changed`
      : `Container ${name} definition changed, will be restarted`,
  probeKill: (name: string, kind: 'liveness' | 'startup', restart: boolean) =>
    `Container ${name} failed ${kind} probe${restart ? ', will be restarted' : ''}`,
  backOff: (name: string, pod: Pick<Pod, 'metadata'>) =>
    `Back-off restarting failed container ${name} in pod ${formatPod(pod)}`,
  sandboxFailed: (sandbox: string, message: string) =>
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": ${message}`,
  sandboxChanged: () => 'Pod sandbox changed, it will be killed and re-created.',
} as const;

/** The waiting message of a container in CrashLoopBackOff. */
export function crashLoopMessage(delayMs: number, name: string, pod: Pick<Pod, 'metadata'>): string {
  return `back-off ${goDuration(delayMs)} restarting failed container=${name} pod=${formatPod(pod)}`;
}

/** Node events the kubelet records on its Node (involvedObject uid = node name, as upstream). */
export const nodeEvents = {
  starting: () => 'Starting kubelet.',
  statusIsNow: (node: string, status: string) => `Node ${node} status is now: ${status}`,
  allocatableEnforced: () => 'Updated Node Allocatable limit across pods',
  rebooted: (node: string, bootID: string) => `Node ${node} has been rebooted, boot id: ${bootID}`,
} as const;

/** Pod condition reasons (pkg/kubelet/status). */
export const ConditionReason = {
  containersNotReady: 'ContainersNotReady',
  containersNotInitialized: 'ContainersNotInitialized',
  readinessGatesNotReady: 'ReadinessGatesNotReady',
  podCompleted: 'PodCompleted',
  podFailed: 'PodFailed',
} as const;
