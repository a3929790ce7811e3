/**
 * Builders for proxy model objects in tests, mirroring the upstream test helpers
 * (`BaseEndpointInfo{...}`, `BaseServicePortInfo{...}` literals). Test-only.
 */
import { joinHostPort } from '../ip.js';
import type { EndpointInfo, ServicePortInfo } from '../model.js';

export const TEST_NODE = 'test-node';

/** Endpoint shorthand: `ip:port` plus the flags the upstream tables set. */
export interface EndpointSpec {
  readonly endpoint: string;
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
  /** `isLocal: true` in upstream tables: the endpoint runs on `test-node`. */
  readonly isLocal?: boolean;
  readonly nodeName?: string;
  readonly zoneHints?: readonly string[];
  readonly nodeHints?: readonly string[];
}

/** An `EndpointInfo` as `&BaseEndpointInfo{...}` builds it (unset booleans are false). */
export function endpointInfo(spec: EndpointSpec): EndpointInfo {
  const colon = spec.endpoint.lastIndexOf(':');
  const ip = spec.endpoint.slice(0, colon);
  const port = Number(spec.endpoint.slice(colon + 1));
  return {
    ip,
    port,
    endpoint: joinHostPort(ip, port),
    nodeName: spec.nodeName ?? (spec.isLocal ? TEST_NODE : undefined),
    ready: spec.ready ?? false,
    serving: spec.serving ?? false,
    terminating: spec.terminating ?? false,
    zoneHints: spec.zoneHints ?? [],
    nodeHints: spec.nodeHints ?? [],
  };
}

/** A `ServicePortInfo` as `&BaseServicePortInfo{...}` builds it: only the policy fields matter. */
export function servicePortInfo(
  fields: Partial<Pick<ServicePortInfo, 'internalPolicyLocal' | 'externalPolicyLocal' | 'nodePort'>> = {},
): ServicePortInfo {
  return {
    name: { namespace: 'ns1', name: 'svc1', port: 'p80', protocol: 'TCP' },
    nameString: 'ns1/svc1:p80',
    key: 'ns1/svc1:p80/TCP',
    clusterIP: '172.30.0.41',
    port: 80,
    protocol: 'TCP',
    nodePort: fields.nodePort ?? 0,
    externalIPs: [],
    loadBalancerVIPs: [],
    loadBalancerSourceRanges: [],
    healthCheckNodePort: 0,
    externalPolicyLocal: fields.externalPolicyLocal ?? false,
    internalPolicyLocal: fields.internalPolicyLocal ?? false,
    stickyMaxAgeSeconds: 0,
  };
}
