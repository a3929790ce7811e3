/**
 * The kubelet's simulated delays and upstream periods. Delays default small so
 * `netkube up` is fast; every one may be 0 (benchmarks). Periods default to
 * upstream's (kubelet flags and KubeletConfiguration defaults).
 */
import { UserError } from '../../util/errors.js';
import { CRASH_LOOP_BACKOFF } from './backoff.js';

export interface KubeletTiming {
  /** Pulling an image the node does not have. @default 50 */
  readonly imagePullMs: number;
  /** Re-checking an image the node has, under `imagePullPolicy: Always`. @default 20 */
  readonly imageRepullMs: number;
  /** Between `Created` and the container running. @default 10 */
  readonly containerStartMs: number;
  /** Retry after a failed sandbox (pod worker back-off period). @default 10_000 */
  readonly sandboxRetryMs: number;
  /** First CrashLoopBackOff delay. @default 10_000 */
  readonly backoffInitialMs: number;
  /** Longest CrashLoopBackOff delay. @default 300_000 */
  readonly backoffMaxMs: number;
  /** Lease renewal (topology `nodeLifecycle.heartbeatSeconds`). @default 10_000 */
  readonly heartbeatMs: number;
  /** nodeStatusUpdateFrequency. @default 10_000 */
  readonly nodeStatusUpdateMs: number;
  /** nodeStatusReportFrequency: an unchanged status is re-posted this often. @default 300_000 */
  readonly nodeStatusReportMs: number;
  /** The Lease's `leaseDurationSeconds`. @default 40 */
  readonly leaseDurationSeconds: number;
}

export const DEFAULT_KUBELET_TIMING: KubeletTiming = {
  imagePullMs: 50,
  imageRepullMs: 20,
  containerStartMs: 10,
  sandboxRetryMs: 10_000,
  backoffInitialMs: CRASH_LOOP_BACKOFF.initialMs,
  backoffMaxMs: CRASH_LOOP_BACKOFF.maxMs,
  heartbeatMs: 10_000,
  nodeStatusUpdateMs: 10_000,
  nodeStatusReportMs: 300_000,
  leaseDurationSeconds: 40,
};

/** Fills defaults and rejects negative or non-finite values (periods must be positive). */
export function resolveTiming(partial: Partial<KubeletTiming> = {}): KubeletTiming {
  const t = { ...DEFAULT_KUBELET_TIMING, ...partial };
  for (const [key, value] of Object.entries(t)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new UserError(`Kubelet timing ${key} must be a finite number >= 0, got ${value}`);
    }
  }
  const periods = ['sandboxRetryMs', 'backoffInitialMs', 'heartbeatMs', 'nodeStatusUpdateMs'] as const;
  for (const key of periods) {
    if (t[key] <= 0) throw new UserError(`Kubelet timing ${key} must be > 0, got ${t[key]}`);
  }
  if (t.backoffMaxMs < t.backoffInitialMs) {
    throw new UserError('Kubelet timing backoffMaxMs must be >= backoffInitialMs');
  }
  return t;
}
