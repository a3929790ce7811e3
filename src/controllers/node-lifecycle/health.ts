/**
 * How the node lifecycle controller decides a node has gone silent
 * (`tryUpdateNodeHealth`): it remembers, per node, when it last saw a sign of
 * life (a Ready heartbeat that changed, or a renewed Lease) on its own clock;
 * past the grace period every kubelet condition turns Unknown with
 * `NodeStatusUnknown` / `Kubelet stopped posting node status.` Pure.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../util/clock.js';

export interface NodeHealth {
  /** When the controller last saw the node alive (its own clock). */
  readonly probeTimestamp: number;
  readonly readyTransitionTimestamp: number;
  /** The Ready condition last seen. */
  readonly ready: NodeCondition | undefined;
  /** The Lease renewTime last seen. */
  readonly leaseRenewTime: string | undefined;
}

export interface HealthInput {
  readonly node: Node;
  readonly lease: Pick<Lease, 'spec'> | undefined;
  readonly saved: NodeHealth | undefined;
  readonly now: number;
  readonly gracePeriodMs: number;
  readonly startupGracePeriodMs: number;
}

export interface HealthResult {
  readonly health: NodeHealth;
  /** The Ready condition as it was at the start of the pass. */
  readonly observedReady: NodeCondition;
  /** The Ready condition after this pass (Unknown when the node is silent). */
  readonly currentReady: NodeCondition | undefined;
  /** The node status to write, when the node must be marked Unknown. */
  readonly status: NodeStatus | undefined;
}

const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

function ready(status: NodeStatus | undefined): NodeCondition | undefined {
  return status?.conditions?.find((c) => c.type === 'Ready');
}

function observe(input: HealthInput, current: NodeCondition | undefined): NodeHealth {
  const { saved, now } = input;
  const fresh = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current };
  let health: NodeHealth;
  if (!saved) {
    const created = Date.parse(input.node.metadata?.creationTimestamp ?? '');
    const t = current || Number.isNaN(created) ? now : created;
    health = { ...fresh, probeTimestamp: t, readyTransitionTimestamp: t, leaseRenewTime: undefined };
  } else if (!saved.ready !== !current) {
    health = { ...fresh, leaseRenewTime: saved.leaseRenewTime };
  } else if (saved.ready && current && saved.ready.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transition =
      saved.ready.lastTransitionTime !== current.lastTransitionTime ? now : saved.readyTransitionTimestamp;
    health = { ...fresh, readyTransitionTimestamp: transition, leaseRenewTime: saved.leaseRenewTime };
  } else {
    health = saved;
  }
  const renew = input.lease?.spec?.renewTime;
  if (renew && (health.leaseRenewTime === undefined || health.leaseRenewTime < renew)) {
    health = { ...health, leaseRenewTime: renew, probeTimestamp: now };
  }
  return health;
}

/** One node's health check at `now`. */
export function checkNodeHealth(input: HealthInput): HealthResult {
  const { node, now } = input;
  const current = ready(node.status);
  const created = node.metadata?.creationTimestamp;
  const observedReady: NodeCondition = current ?? {
    type: 'Ready',
    status: 'Unknown',
    ...(created ? { lastHeartbeatTime: created, lastTransitionTime: created } : {}),
  };
  const grace = current ? input.gracePeriodMs : input.startupGracePeriodMs;
  let health = observe(input, current);
  if (now <= health.probeTimestamp + grace) {
    return { health, observedReady, currentReady: current, status: undefined };
  }
  const t = rfc3339(now);
  const conditions = [...(node.status?.conditions ?? [])];
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    const c = conditions[i];
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        ...(created ? { lastHeartbeatTime: created } : {}),
        lastTransitionTime: t,
      });
    } else if (c.status !== 'Unknown') {
      conditions[i] = {
        ...c,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: t,
      };
    }
  }
  const status = { ...node.status, conditions };
  const currentReady = ready(status);
  if (currentReady?.status === observedReady.status && currentReady.reason === observedReady.reason) {
    return { health, observedReady, currentReady, status: undefined };
  }
  health = { ...health, readyTransitionTimestamp: now, ready: currentReady };
  return { health, observedReady, currentReady, status };
}
