/**
 * The pod conditions the kubelet owns (pkg/kubelet/status/generate.go):
 * PodReadyToStartContainers, Initialized, Ready, ContainersReady, and the
 * PodScheduled it re-asserts, with the same reasons and messages
 * (`containers with unready status: [nginx]`). Pure functions.
 */
import type { Pod, PodCondition } from '../../api/types.js';
import { type ContainerView, isRestartableInit } from './container-view.js';
import { ConditionReason, goList } from './messages.js';
import { apiTime as rfc3339 } from './time.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** The condition types the kubelet writes; any other condition on the pod is kept as it is. */
export const KUBELET_CONDITIONS: ReadonlySet<string> = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
]);

type Cond = Pick<PodCondition, 'type' | 'status' | 'reason' | 'message'>;

function cond(type: string, ok: boolean, reason?: string, message?: string): Cond {
  return {
    type,
    status: ok ? 'True' : 'False',
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

function byName(views: readonly ContainerView[]): Map<string, ContainerView> {
  return new Map(views.map((v) => [v.name, v]));
}

function initialized(
  pod: Pod,
  init: readonly ContainerView[],
  regular: readonly ContainerView[],
  phase: PodPhase,
): Cond {
  const views = byName(init);
  const incomplete: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const v = views.get(c.name);
    if (isRestartableInit(c)) {
      if (!v?.started) incomplete.push(c.name);
    } else if (v?.state.kind !== 'terminated' || v.state.termination.exitCode !== 0) {
      incomplete.push(c.name);
    }
  }
  if (phase === 'Succeeded') return cond('Initialized', true, ConditionReason.podCompleted);
  // A regular container that has ever started means initialization finished once.
  if (regular.some((v) => v.state.kind !== 'waiting' || v.lastTermination !== undefined)) {
    return cond('Initialized', true);
  }
  if (incomplete.length === 0) return cond('Initialized', true);
  return cond(
    'Initialized',
    false,
    ConditionReason.containersNotInitialized,
    `containers with incomplete status: ${goList(incomplete)}`,
  );
}

function containersReady(
  pod: Pod,
  init: readonly ContainerView[],
  regular: readonly ContainerView[],
  phase: PodPhase,
): Cond {
  if (phase === 'Succeeded') return cond('ContainersReady', false, ConditionReason.podCompleted);
  if (phase === 'Failed') return cond('ContainersReady', false, ConditionReason.podFailed);
  const unready: string[] = [];
  const inits = byName(init);
  for (const c of pod.spec?.initContainers ?? []) {
    if (isRestartableInit(c) && !inits.get(c.name)?.ready) unready.push(c.name);
  }
  for (const v of regular) if (!v.ready) unready.push(v.name);
  if (unready.length === 0) return cond('ContainersReady', true);
  return cond(
    'ContainersReady',
    false,
    ConditionReason.containersNotReady,
    `containers with unready status: ${goList(unready)}`,
  );
}

function ready(pod: Pod, containers: Cond, existing: readonly PodCondition[]): Cond {
  if (containers.status !== 'True') return { ...containers, type: 'Ready' };
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = existing.find((e) => e.type === gate.conditionType);
    if (!c)
      unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') {
      unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
  }
  if (unready.length === 0) return cond('Ready', true);
  return cond('Ready', false, ConditionReason.readinessGatesNotReady, unready.join(', '));
}

export interface ConditionInput {
  readonly pod: Pod;
  readonly init: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  readonly phase: PodPhase;
  readonly sandboxReady: boolean;
  readonly now: number;
}

/**
 * The pod's conditions after a kubelet status sync: conditions the kubelet does
 * not own (DisruptionTarget, readiness gates) first and unchanged, then the
 * kubelet's in upstream order. `lastTransitionTime` is kept while a condition's
 * status does not change (so PodScheduled keeps the scheduler's time).
 */
export function podConditions(input: ConditionInput): PodCondition[] {
  const existing = input.pod.status?.conditions ?? [];
  const cr = containersReady(input.pod, input.init, input.containers, input.phase);
  const generated: Cond[] = [
    cond('PodReadyToStartContainers', input.sandboxReady),
    initialized(input.pod, input.init, input.containers, input.phase),
    ready(input.pod, cr, existing),
    cr,
    cond('PodScheduled', true),
  ];
  const out: PodCondition[] = existing.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  for (const g of generated) {
    const old = existing.find((c) => c.type === g.type);
    const lastTransitionTime =
      old && old.status === g.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(input.now);
    out.push({ ...g, lastTransitionTime });
  }
  return out;
}
