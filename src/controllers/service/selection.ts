/**
 * Which pods a Service selects and which Services a pod change concerns, via
 * store indexes instead of scans (100,000 pods must not make every pod event
 * walk every Service): pods are indexed by `namespace/key=value` label pairs,
 * Services by the pairs of their selector.
 */
import { selectorFromMap } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { PodObj, ServiceObj } from './endpoint-model.js';

export const POD_LABEL_INDEX = 'labelPair';
export const SERVICE_SELECTOR_INDEX = 'selectorPair';

function pairs(
  namespace: string | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): string[] {
  return Object.entries(labels ?? {}).map(([k, v]) => `${namespace ?? ''}/${k}=${v}`);
}

/** Adds the pod-label and service-selector indexes (idempotent). */
export function addSelectionIndexes(store: ObjectStore): void {
  store.addIndex('pods', POD_LABEL_INDEX, (pod) => pairs(pod.metadata.namespace, pod.metadata.labels));
  store.addIndex('services', SERVICE_SELECTOR_INDEX, (svc) =>
    pairs(svc.metadata.namespace, (svc as ServiceObj).spec?.selector),
  );
}

/** Pods of the Service's namespace matching its selector; none for a Service without a selector. */
export function podsForService(store: ObjectStore, service: ServiceObj): PodObj[] {
  const selector = service.spec?.selector;
  const keys = pairs(service.metadata.namespace, selector);
  if (keys.length === 0) return [];
  let best = keys[0] as string;
  for (const k of keys)
    if (store.countByIndex('pods', POD_LABEL_INDEX, k) < store.countByIndex('pods', POD_LABEL_INDEX, best))
      best = k;
  const matcher = selectorFromMap(selector);
  return store
    .byIndex<PodObj>('pods', POD_LABEL_INDEX, best)
    .filter((p) => matcher.matches(p.metadata.labels));
}

/** Keys (`namespace/name`) of Services whose selector matches either state of a pod. */
export function servicesForPod(store: ObjectStore, ...states: Array<KubeObject | undefined>): Set<string> {
  const out = new Set<string>();
  for (const pod of states) {
    if (!pod) continue;
    for (const k of pairs(pod.metadata.namespace, pod.metadata.labels)) {
      for (const svc of store.byIndex<ServiceObj>('services', SERVICE_SELECTOR_INDEX, k)) {
        if (selectorFromMap(svc.spec?.selector).matches(pod.metadata.labels)) {
          out.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
        }
      }
    }
  }
  return out;
}

/** Whether a pod change can change any endpoint built from it. */
export function podEndpointRelevantChange(prev: PodObj, cur: PodObj): boolean {
  const a = prev.status;
  const b = cur.status;
  const ready = (p: PodObj) => (p.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
  return (
    prev.status?.podIP !== cur.status?.podIP ||
    a?.phase !== b?.phase ||
    ready(prev) !== ready(cur) ||
    prev.metadata.deletionTimestamp !== cur.metadata.deletionTimestamp ||
    prev.spec?.nodeName !== cur.spec?.nodeName ||
    prev.spec?.hostname !== cur.spec?.hostname ||
    prev.spec?.subdomain !== cur.spec?.subdomain ||
    JSON.stringify(prev.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {})
  );
}
