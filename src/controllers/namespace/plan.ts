/**
 * The namespace controller's status and timing decisions
 * (`namespaced_resources_deleter.go` upstream): the five deletion conditions
 * with upstream's reasons and messages, and how long to wait before looking
 * again while pods terminate gracefully.
 */
import type { NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../util/clock.js';
import type { PodObject } from '../runtime/pods.js';

/** What remains in a namespace after a deletion pass. */
export interface ContentTotals {
  /** `resource.group` (e.g. `pods.`, `deployments.apps`) → objects remaining. */
  readonly remaining: ReadonlyMap<string, number>;
  /** finalizer → objects still carrying it. */
  readonly finalizers: ReadonlyMap<string, number>;
  /** Deletion errors, as messages. */
  readonly errors: readonly string[];
}

type ConditionWithoutTime = Omit<NamespaceCondition, 'lastTransitionTime'>;

const OK: ReadonlyArray<readonly [string, string, string]> = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  [
    'NamespaceDeletionGroupVersionParsingFailure',
    'ParsedGroupVersions',
    'All legacy kube types successfully parsed',
  ],
  [
    'NamespaceDeletionContentFailure',
    'ContentDeleted',
    'All content successfully deleted, may be waiting on finalization',
  ],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

function listOf(m: ReadonlyMap<string, number>, format: (k: string, n: number) => string): string {
  return [...m]
    .filter(([, n]) => n > 0)
    .map(([k, n]) => format(k, n))
    .sort()
    .join(', ');
}

/** The conditions a Terminating namespace reports after a pass. */
export function deletionConditions(totals: ContentTotals): ConditionWithoutTime[] {
  const failed: Record<string, ConditionWithoutTime> = {};
  if (totals.errors.length > 0) {
    failed.NamespaceDeletionContentFailure = {
      type: 'NamespaceDeletionContentFailure',
      status: 'True',
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${totals.errors.length} remaining: ${totals.errors.join(', ')}`,
    };
  }
  const remaining = listOf(totals.remaining, (k, n) => `${k} has ${n} resource instances`);
  if (remaining) {
    failed.NamespaceContentRemaining = {
      type: 'NamespaceContentRemaining',
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: `Some resources are remaining: ${remaining}`,
    };
  }
  const finalizers = listOf(totals.finalizers, (k, n) => `${k} in ${n} resource instances`);
  if (finalizers) {
    failed.NamespaceFinalizersRemaining = {
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${finalizers}`,
    };
  }
  return OK.map(([type, reason, message]) => failed[type] ?? { type, status: 'False', reason, message });
}

/**
 * Merges new conditions into the current ones: a condition whose status,
 * reason and message are unchanged keeps its lastTransitionTime.
 */
export function mergeConditions(
  current: readonly NamespaceCondition[] | undefined,
  next: readonly ConditionWithoutTime[],
  now: number,
): NamespaceCondition[] {
  const out = [...(current ?? [])];
  for (const c of next) {
    const i = out.findIndex((x) => x.type === c.type);
    const old = i >= 0 ? out[i] : undefined;
    if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) continue;
    const cond = { ...c, lastTransitionTime: rfc3339(now) };
    if (i >= 0) out[i] = cond;
    else out.push(cond);
  }
  return out;
}

/**
 * `estimateGracefulTerminationForPods`: the longest grace period among pods
 * that are not finished, in seconds; the controller looks again after half of it.
 */
export function estimateGracefulTermination(pods: readonly PodObject[]): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    estimate = Math.max(estimate, grace);
  }
  return estimate;
}
