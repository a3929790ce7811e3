/**
 * Which Deployment to sync when something changes (the event handlers of
 * `deployment_controller.go`): the Deployment itself; the controller of a
 * ReplicaSet that was added, changed or deleted (or, for an orphan, every
 * Deployment whose selector matches it, so it can be adopted); and, for
 * Recreate, the Deployment of a deleted pod (it may now create the new
 * ReplicaSet).
 */

import { type OwnerReference, objectKey } from '../../api/types.js';
import { deepEqual } from '../../store/equality.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe } from '../../store/watch.js';
import { controllerRefOf } from '../runtime/controller-ref.js';
import { inform } from '../runtime/informer.js';
import type { PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import { type DeploymentObject, isRecreate, type ReplicaSetObject } from './util.js';

/** Store key of Deployments. */
export const DEPLOYMENTS = 'deployments.apps';
/** Store key of ReplicaSets. */
export const REPLICASETS = 'replicasets.apps';

/**
 * Subscribes the Deployment controller's handlers; `enqueue` receives
 * `namespace/name` keys. Returns the unsubscribe functions.
 */
export function watchDeploymentInputs(store: ObjectStore, enqueue: (key: string) => void): Unsubscribe[] {
  const deploymentOf = (namespace: string | undefined, ref: OwnerReference | undefined) =>
    resolveDeployment(store, namespace, ref);
  const enqueueOwnerOrMatching = (rs: ReplicaSetObject) => {
    const d = deploymentOf(rs.metadata.namespace, controllerRefOf(rs));
    if (d) enqueue(objectKey(d));
    else if (!controllerRefOf(rs)) for (const m of deploymentsMatching(store, rs)) enqueue(objectKey(m));
  };
  return [
    inform<DeploymentObject>(store, DEPLOYMENTS, {
      onAdd: (d) => enqueue(objectKey(d)),
      onUpdate: (_old, d) => enqueue(objectKey(d)),
      onDelete: (d) => enqueue(objectKey(d)),
    }),
    inform<ReplicaSetObject>(store, REPLICASETS, {
      onAdd: enqueueOwnerOrMatching,
      onUpdate: (old, rs) => {
        const oldRef = controllerRefOf(old);
        const curRef = controllerRefOf(rs);
        if (oldRef && oldRef.uid !== curRef?.uid) {
          const previous = deploymentOf(old.metadata.namespace, oldRef);
          if (previous) enqueue(objectKey(previous));
        }
        if (curRef) enqueueOwnerOrMatching(rs);
        else if (oldRef || !deepEqual(old.metadata.labels, rs.metadata.labels)) enqueueOwnerOrMatching(rs);
      },
      onDelete: (rs) => {
        const d = deploymentOf(rs.metadata.namespace, controllerRefOf(rs));
        if (d) enqueue(objectKey(d));
      },
    }),
    inform<PodObject>(
      store,
      'pods',
      {
        onDelete: (pod) => {
          const rsRef = controllerRefOf(pod);
          if (rsRef?.kind !== 'ReplicaSet') return;
          const rs = store.get<ReplicaSetObject>(REPLICASETS, pod.metadata.namespace, rsRef.name);
          if (!rs || rs.metadata.uid !== rsRef.uid) return;
          const d = deploymentOf(rs.metadata.namespace, controllerRefOf(rs));
          if (d && isRecreate(d)) enqueue(objectKey(d));
        },
      },
      { replay: false },
    ),
  ];
}

/** `resolveControllerRef`: the Deployment a controller reference names, if it still has that uid. */
function resolveDeployment(
  store: ObjectStore,
  namespace: string | undefined,
  ref: OwnerReference | undefined,
): DeploymentObject | undefined {
  if (ref?.kind !== 'Deployment') return undefined;
  const d = store.get<DeploymentObject>(DEPLOYMENTS, namespace, ref.name);
  return d && d.metadata.uid === ref.uid ? d : undefined;
}

/** `getDeploymentsForReplicaSet`: Deployments of the namespace whose non-empty selector matches. */
function deploymentsMatching(store: ObjectStore, rs: ReplicaSetObject): DeploymentObject[] {
  return store.list<DeploymentObject>(DEPLOYMENTS, { namespace: rs.metadata.namespace }).filter((d) => {
    const selector = compiledSelector(d.spec?.selector);
    return !selector.empty && selector.matches(rs.metadata.labels);
  });
}
