/**
 * Pods → endpoints, as the EndpointSlice and Endpoints controllers compute them
 * (`k8s.io/endpointslice` utils.go, `pkg/api/v1/pod` FindPort): which pods are
 * admitted, their conditions, and each Service port resolved per pod (named
 * targetPorts can differ between pods). Pure functions of the objects.
 */
import type { Endpoint, EndpointPort, KubeObject, Node, Pod, Service, ServicePort } from '../../api/types.js';

export type PodObj = Pod & KubeObject;
export type ServiceObj = Service & KubeObject;

/** The label kube-proxy keys slices on. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Pod condition Ready is True (`podutil.IsPodReady`). */
export function isPodReady(pod: PodObj): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * `ShouldPodBeInEndpoints(pod, includeTerminating)`: not terminal, has an IP;
 * terminating pods are kept when `includeTerminating` (EndpointSlices) and
 * dropped otherwise (legacy Endpoints, unless publishNotReadyAddresses).
 */
export function shouldPodBeInEndpoints(pod: PodObj, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/**
 * `podutil.FindPort`: a numeric targetPort is used as is; a named one is the
 * first container port (containers, then init containers) with that name and
 * the Service port's protocol. Undefined when the pod has no such port.
 */
export function findPort(pod: PodObj, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The EndpointPorts of one pod for a Service (ports that do not resolve are skipped). */
export function endpointPorts(service: ServiceObj, pod: PodObj): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({
      name: sp.name ?? '',
      port,
      protocol: sp.protocol ?? 'TCP',
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

/** A key grouping pods whose resolved port sets are equal (`NewPortMapKey`). */
export function portMapKey(ports: readonly EndpointPort[]): string {
  return ports
    .map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port ?? 0}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

/** `podToEndpoint`: the endpoint of one pod, with conditions, node, zone, hostname and target. */
export function podToEndpoint(service: ServiceObj, pod: PodObj, node: Node | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => Boolean(ip));
  const ep: Endpoint = {
    addresses: ips.length ? [ips[0] as string] : [pod.status?.podIP ?? ''],
    conditions: { ready, serving, terminating },
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
    },
  };
  const hostname = hostnameFor(service, pod);
  if (hostname) ep.hostname = hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  // trafficdist's preferCloseHeuristic: a Ready endpoint with a zone is hinted for
  // its own zone; without trafficDistribution a managed slice carries no hints.
  if (zone && ready && service.spec?.trafficDistribution === 'PreferClose')
    ep.hints = { forZones: [{ name: zone }] };
  return ep;
}

/** `ShouldSetHostname`: spec.hostname when spec.subdomain names this Service. */
export function hostnameFor(service: ServiceObj, pod: PodObj): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== service.metadata.name) return undefined;
  return pod.metadata.namespace === service.metadata.namespace ? hostname : undefined;
}

/** Slice labels: the Service's labels, then the service name, managing controller and headless marker. */
export function sliceLabels(service: ServiceObj, controllerName: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {})) {
    if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL) labels[k] = v;
  }
  labels[SERVICE_NAME_LABEL] = service.metadata.name ?? '';
  labels[MANAGED_BY_LABEL] = controllerName;
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}
