/**
 * Read access to ConfigMaps, Secrets and Services for the container runtime's
 * environment resolution (`configMapKeyRef`, `secretKeyRef`, service links).
 */
import type { ConfigMap, KubeObject, Secret, Service } from '../api/types.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ObjectLookup } from '../workloads/env.js';

export function storeObjectLookup(store: ObjectStore): ObjectLookup {
  return {
    configMap: (namespace, name) => store.get<ConfigMap & KubeObject>('configmaps', namespace, name),
    secret: (namespace, name) => store.get<Secret & KubeObject>('secrets', namespace, name),
    services: (namespace) => store.list<Service & KubeObject>('services', { namespace }),
  };
}
