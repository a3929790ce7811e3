/**
 * kube-proxy's model of what it proxies (`pkg/proxy/serviceport.go`, `endpoint.go`,
 * `types.go`): one `ServicePortInfo` per (Service, port) and one `EndpointInfo` per
 * usable `ip:port` behind it. Both are plain immutable data built by the change
 * trackers; every rule compiler and evaluator reads only these.
 */

/** A Service port protocol. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** `ServicePortName`: the key kube-proxy joins Service ports and EndpointSlice ports on. */
export interface ServicePortName {
  readonly namespace: string;
  readonly name: string;
  /** The port's name; '' for the single unnamed port of a Service. */
  readonly port: string;
  readonly protocol: Protocol;
}

/** The map key of a service port: `ns/name:port` plus the protocol (`ns1/svc1:p80/TCP`). */
export function servicePortKey(spn: ServicePortName): string {
  return `${spn.namespace}/${spn.name}:${spn.port}/${spn.protocol}`;
}

/** `namespace/name` of the Service behind a service port key or name. */
export function namespacedName(spn: Pick<ServicePortName, 'namespace' | 'name'>): string {
  return `${spn.namespace}/${spn.name}`;
}

/** One proxied Service port, with everything the rule compilers need (`BaseServicePortInfo`). */
export interface ServicePortInfo {
  readonly name: ServicePortName;
  /** `ServicePortName.String()`: `ns1/svc1:p80`; used in comments and chain hashes. */
  readonly nameString: string;
  /** `servicePortKey(name)`. */
  readonly key: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** 0 when the port has no NodePort. */
  readonly nodePort: number;
  readonly externalIPs: readonly string[];
  /** `status.loadBalancer.ingress[].ip` whose `ipMode` is unset or `VIP`. */
  readonly loadBalancerVIPs: readonly string[];
  /** Normalised CIDRs of `spec.loadBalancerSourceRanges`. */
  readonly loadBalancerSourceRanges: readonly string[];
  /** Set only for type LoadBalancer with externalTrafficPolicy Local; otherwise 0. */
  readonly healthCheckNodePort: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** ClientIP session affinity timeout; 0 when sessionAffinity is None. */
  readonly stickyMaxAgeSeconds: number;
}

/** One endpoint of a service port (`BaseEndpointInfo`). */
export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  /** `ip:port` (`net.JoinHostPort`), the sort key and the chain-hash input. */
  readonly endpoint: string;
  /** `nodeName` from the slice; the endpoint is local to the node of that name. */
  readonly nodeName: string | undefined;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly zoneHints: readonly string[];
  readonly nodeHints: readonly string[];
}

/** NodePort, LoadBalancer IP or externalIP present (`ExternallyAccessible`). */
export function isExternallyAccessible(svc: ServicePortInfo): boolean {
  return svc.nodePort !== 0 || svc.loadBalancerVIPs.length > 0 || svc.externalIPs.length > 0;
}

/** Whether some traffic to this port uses Cluster-policy endpoints (`UsesClusterEndpoints`). */
export function usesClusterEndpoints(svc: ServicePortInfo): boolean {
  return !svc.internalPolicyLocal || isExternallyAccessible(svc);
}

/** Whether some traffic to this port uses Local-policy endpoints (`UsesLocalEndpoints`). */
export function usesLocalEndpoints(svc: ServicePortInfo): boolean {
  return svc.internalPolicyLocal || (svc.externalPolicyLocal && isExternallyAccessible(svc));
}

/** Whether the endpoint runs on `nodeName` (`IsLocal`). */
export function isLocalEndpoint(ep: EndpointInfo, nodeName: string): boolean {
  return ep.nodeName !== undefined && ep.nodeName === nodeName;
}

/** `byEndpoint`: lexicographic on the `ip:port` string (`10.1.1.11:11` before `10.1.1.1:11`). */
export function compareEndpoints(a: EndpointInfo, b: EndpointInfo): number {
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0;
}

/** The proxy's whole input: every service port and its endpoints, keyed by `servicePortKey`. */
export interface ProxyState {
  readonly services: ReadonlyMap<string, ServicePortInfo>;
  readonly endpoints: ReadonlyMap<string, readonly EndpointInfo[]>;
}
