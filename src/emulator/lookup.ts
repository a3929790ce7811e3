/**
 * Read access to ConfigMaps, Secrets and Services for the container runtime's
 * environment resolution (`configMapKeyRef`, `secretKeyRef`, service links).
 */
import type { ConfigMap, KubeObject, Secret, Service } from '../api/types.js';
import type { NetworkReadModel } from '../cni/network-model.js';
import { renderPodIpAddr, renderPodIpRoute } from '../cni/pod-view.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ObjectLookup } from '../workloads/env.js';
import { CALICO_POD_IP_FORMATTER } from '../workloads/exec/commands/ip.js';
import type { IpFormatter } from '../workloads/exec/context.js';

export function storeObjectLookup(store: ObjectStore): ObjectLookup {
  return {
    configMap: (namespace, name) => store.get<ConfigMap & KubeObject>('configmaps', namespace, name),
    secret: (namespace, name) => store.get<Secret & KubeObject>('secrets', namespace, name),
    services: (namespace) => store.list<Service & KubeObject>('services', { namespace }),
  };
}

/**
 * `ip addr` / `ip route` inside a pod, from the pod's real attachment in the
 * CNI model (its veth index, MTU, /32 or podCIDR prefix, gateway).
 */
export function podIpFormatter(model: NetworkReadModel): IpFormatter {
  return {
    addr: (pod) => {
      const a = model.pod(pod.namespace, pod.name);
      return a ? renderPodIpAddr(a) : CALICO_POD_IP_FORMATTER.addr(pod);
    },
    route: (pod) => {
      const a = model.pod(pod.namespace, pod.name);
      return a ? renderPodIpRoute(a) : CALICO_POD_IP_FORMATTER.route(pod);
    },
  };
}
