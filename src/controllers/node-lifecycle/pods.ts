/**
 * `MarkPodsNotReady` (pkg/controller/util/node): a pod on a node that stopped
 * reporting gets its Ready condition set to False, so endpoint controllers
 * drop it, and a `NodeNotReady` Warning `Node is not ready` from the node
 * controller.
 */
import { resourceForKind } from '../../api/resources.js';
import type { Registry } from '../../store/registry.js';
import { type Clock, rfc3339 } from '../../util/clock.js';
import type { StoredPod } from '../kubelet/index.js';
import type { EventRecorder } from '../runtime/events.js';

const POD = resourceForKind('Pod')!;

/** Sets the pod's Ready condition False (keeping reason and message, as upstream); false when it already was. */
export function markPodNotReady(
  pod: StoredPod,
  deps: { readonly registry: Registry; readonly clock: Clock; readonly events: EventRecorder },
): boolean {
  const current = deps.registry.tryGet<StoredPod>(POD, pod.metadata.namespace, pod.metadata.name ?? '');
  if (!current || current.metadata.uid !== pod.metadata.uid) return false;
  const conditions = current.status?.conditions ?? [];
  const i = conditions.findIndex((c) => c.type === 'Ready');
  const ready = conditions[i];
  if (!ready || ready.status === 'False') return false;
  const next = [...conditions];
  next[i] = { ...ready, status: 'False', lastTransitionTime: rfc3339(deps.clock.now()) };
  deps.registry.update(
    { ...current, status: { ...current.status, conditions: next } },
    { subresource: 'status' },
  );
  deps.events.record(current, 'Warning', 'NodeNotReady', 'Node is not ready', {
    component: 'node-controller',
  });
  return true;
}
