/**
 * Service → service ports, as kube-proxy's `newBaseServiceInfo` and
 * `ServiceChangeTracker.serviceToServiceMap` build them, and the Services kube-proxy
 * never programs (`ShouldSkipService` plus the informers' label selector).
 */
import type { Service, ServicePort } from '../api/types.js';
import { normalizeCidr, normalizeIPv4 } from './ip.js';
import { type Protocol, type ServicePortInfo, type ServicePortName, servicePortKey } from './model.js';
import { servicePortNameString } from './naming.js';

/** Label that hands a Service to another proxy (kube-proxy ignores it). */
export const LABEL_SERVICE_PROXY_NAME = 'service.kubernetes.io/service-proxy-name';
/** Label that marks a Service (and its slices) headless for proxies. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** `DefaultClientIPServiceAffinitySeconds`. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * Whether kube-proxy's informers hide this object: its label selector is
 * `!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless`, applied
 * to Services and EndpointSlices alike.
 */
export function hiddenFromProxy(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels !== undefined && (LABEL_SERVICE_PROXY_NAME in labels || LABEL_HEADLESS in labels);
}

/** The Service's IPv4 ClusterIP (`GetClusterIPByFamily`), or undefined when it has none. */
export function ipv4ClusterIP(service: Service): string | undefined {
  const candidates = service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : []);
  for (const ip of candidates) {
    const normalized = normalizeIPv4(ip);
    if (normalized !== undefined) return normalized;
  }
  return undefined;
}

/**
 * `ShouldSkipService` plus the informer selector: headless (`None` or empty
 * clusterIP), ExternalName, no IPv4 ClusterIP, or labelled for another proxy.
 */
export function shouldSkipService(service: Service): boolean {
  const spec = service.spec;
  if (!spec || spec.type === 'ExternalName') return true;
  if (!spec.clusterIP || spec.clusterIP === 'None') return true;
  if (hiddenFromProxy(service.metadata?.labels)) return true;
  return ipv4ClusterIP(service) === undefined;
}

function ipv4List(ips: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const ip of ips ?? []) {
    const normalized = normalizeIPv4(ip);
    if (normalized !== undefined) out.push(normalized);
  }
  return out;
}

function loadBalancerVIPs(service: Service): string[] {
  const out: string[] = [];
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (!ingress.ip) continue;
    if (ingress.ipMode !== undefined && ingress.ipMode !== 'VIP') continue;
    const normalized = normalizeIPv4(ingress.ip);
    if (normalized !== undefined) out.push(normalized);
  }
  return out;
}

function sourceRanges(service: Service): string[] {
  const out: string[] = [];
  for (const range of service.spec?.loadBalancerSourceRanges ?? []) {
    const normalized = normalizeCidr(range);
    if (normalized !== undefined) out.push(normalized);
  }
  return out;
}

function externalPolicyLocal(service: Service): boolean {
  const spec = service.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type !== 'LoadBalancer' && type !== 'NodePort' && (spec.externalIPs ?? []).length === 0) return false;
  return spec.externalTrafficPolicy === 'Local';
}

function stickySeconds(service: Service): number {
  if (service.spec?.sessionAffinity !== 'ClientIP') return 0;
  return service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
}

function protocolOf(port: ServicePort): Protocol {
  const p = port.protocol ?? 'TCP';
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/** Facts shared by every port of one Service. */
interface ServiceFacts {
  readonly clusterIP: string;
  readonly externalIPs: readonly string[];
  readonly loadBalancerVIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly string[];
  readonly healthCheckNodePort: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  readonly stickyMaxAgeSeconds: number;
}

function serviceFacts(service: Service, clusterIP: string): ServiceFacts {
  const spec = service.spec ?? {};
  const eTPLocal = externalPolicyLocal(service);
  const needsHealthCheck = spec.type === 'LoadBalancer' && eTPLocal;
  return {
    clusterIP,
    externalIPs: ipv4List(spec.externalIPs),
    loadBalancerVIPs: loadBalancerVIPs(service),
    loadBalancerSourceRanges: sourceRanges(service),
    healthCheckNodePort: needsHealthCheck ? (spec.healthCheckNodePort ?? 0) : 0,
    externalPolicyLocal: eTPLocal,
    internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    stickyMaxAgeSeconds: stickySeconds(service),
  };
}

/**
 * Builds the service ports of one Service (`serviceToServiceMap`), keyed by
 * `servicePortKey`. Returns an empty map for Services kube-proxy skips. Pure: the
 * same Service always gives equal infos, so trackers can compare them.
 */
export function buildServicePorts(service: Service | undefined): Map<string, ServicePortInfo> {
  const out = new Map<string, ServicePortInfo>();
  if (!service || shouldSkipService(service)) return out;
  const clusterIP = ipv4ClusterIP(service) as string;
  const facts = serviceFacts(service, clusterIP);
  const namespace = service.metadata?.namespace ?? 'default';
  const name = service.metadata?.name ?? '';
  for (const port of service.spec?.ports ?? []) {
    const protocol = protocolOf(port);
    const spn: ServicePortName = { namespace, name, port: port.name ?? '', protocol };
    const info: ServicePortInfo = {
      ...facts,
      name: spn,
      nameString: servicePortNameString(namespace, name, spn.port),
      key: servicePortKey(spn),
      port: port.port,
      protocol,
      nodePort: port.nodePort ?? 0,
    };
    out.set(info.key, info);
  }
  return out;
}
