/**
 * Taints and tolerations as the node lifecycle and taint eviction controllers
 * use them (k8s.io/api/core/v1 helpers, pkg/util/taints, pkg/controller/
 * tainteviction): well-known taint keys, `ToleratesTaint`,
 * `GetMatchingTolerations`, the minimum toleration time, and taint set edits.
 * Pure functions.
 */
import type { Node, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../util/clock.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Node condition → status → NoSchedule taint key (`nodeConditionToTaintKeyStatusMap`). */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** `Toleration.ToleratesTaint`: effect and key match (empty matches all), then Exists or Equal on the value. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/**
 * `GetMatchingTolerations`: whether every taint is tolerated, and the first
 * toleration that tolerates each one.
 */
export function matchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): { readonly allTolerated: boolean; readonly used: readonly Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/**
 * `getMinTolerationTime` in seconds: 0 when there is none or any is ≤ 0,
 * -1 when every used toleration is forever (no tolerationSeconds).
 */
export function minTolerationSeconds(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (t.tolerationSeconds === undefined) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Number.POSITIVE_INFINITY ? -1 : min;
}

/** The NoExecute taints of a node. */
export function noExecuteTaints(node: Pick<Node, 'spec'> | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

function sameTaint(a: Pick<Taint, 'key' | 'effect'>, b: Pick<Taint, 'key' | 'effect'>): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** The NoSchedule taints a node should carry from its conditions and `spec.unschedulable` (`doNoScheduleTaintingPass`). */
export function desiredNoScheduleTaints(node: Pick<Node, 'spec' | 'status'>): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** The NoSchedule taints of a node the controller manages (condition taints and unschedulable). */
export function managedNoScheduleTaints(node: Pick<Node, 'spec'>): Taint[] {
  return (node.spec?.taints ?? []).filter(
    (t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)),
  );
}

/** `TaintSetDiff`: taints of `want` missing from `have`, and taints of `have` not in `want` (by key and effect). */
export function taintSetDiff(
  want: readonly Taint[],
  have: readonly Taint[],
): { readonly add: Taint[]; readonly remove: Taint[] } {
  return {
    add: want.filter((w) => !have.some((h) => sameTaint(w, h))),
    remove: have.filter((h) => !want.some((w) => sameTaint(w, h))),
  };
}

/**
 * `SwapNodeControllerTaint`: the node's taints with `add` added (stamped
 * `timeAdded` = now, replacing a taint of the same key and effect) and
 * `remove` removed. Returns undefined when nothing changes.
 */
export function swapTaints(
  taints: readonly Taint[],
  add: readonly Taint[],
  remove: readonly Pick<Taint, 'key' | 'effect'>[],
  now: number,
): Taint[] | undefined {
  let out = taints.filter((t) => !remove.some((r) => sameTaint(t, r)));
  let changed = out.length !== taints.length;
  for (const a of add) {
    if (out.some((t) => sameTaint(t, a) && (t.value ?? '') === (a.value ?? ''))) continue;
    out = [...out.filter((t) => !sameTaint(t, a)), { ...a, timeAdded: rfc3339(now) }];
    changed = true;
  }
  return changed ? out : undefined;
}
