/**
 * The scheduler's view of cluster state beyond nodes and pods (its listers):
 * namespace labels for namespaceSelector terms, and the default spreading
 * selector of a pod (`helper.DefaultSelector`).
 */
import { type Selector, selectorFromMap, selectorOf } from '../../api/labels.js';
import type { ReplicaSet, Service, Typed } from '../../api/types.js';
import type { ObjectStore } from '../../store/object-store.js';
import { controllerRefOf } from '../runtime/controller-ref.js';
import type { PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import type { ClusterLister } from './schedule.js';

/** A ClusterLister reading the store. */
export function storeLister(store: ObjectStore): ClusterLister {
  return {
    namespaceLabels: (ns) => store.get('namespaces', undefined, ns)?.metadata.labels,
    defaultSpreadSelector: (pod) => defaultSelector(store, pod),
  };
}

type ServiceObject = Typed<Service>;

/**
 * `helper.DefaultSelector`: the selectors of the Services selecting the pod and
 * of its controlling ReplicaSet, combined; undefined when there are none. A pod
 * owned by an existing ReplicaSet always has one, and spreading then counts the
 * owner's pods (`PodsWithOwnerRef`), so only its selector is returned.
 */
function defaultSelector(store: ObjectStore, pod: PodObject): Selector | undefined {
  const ref = controllerRefOf(pod);
  if (ref?.kind === 'ReplicaSet') {
    const rs = store.get<Typed<ReplicaSet>>('replicasets.apps', pod.metadata.namespace, ref.name);
    if (rs?.spec?.selector) return compiledSelector(rs.spec.selector);
  }
  const reqs: Selector['requirements'][number][] = [];
  if (store.count('services', pod.metadata.namespace) === 0) return undefined;
  for (const svc of store.list<ServiceObject>('services', { namespace: pod.metadata.namespace })) {
    const sel = selectorFromMap(svc.spec?.selector);
    if (!sel.empty && svc.spec?.selector && sel.matches(pod.metadata.labels)) reqs.push(...sel.requirements);
  }
  return reqs.length > 0 ? selectorOf(reqs) : undefined;
}
