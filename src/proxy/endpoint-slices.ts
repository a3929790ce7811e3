/**
 * EndpointSlices → endpoints per service port, as `endpointslicecache.go` does it:
 * slices are joined to Service ports by port **name and protocol**, endpoints are
 * deduplicated by `ip:port` across slices (a running endpoint wins over a terminating
 * duplicate), nil conditions mean ready/serving, and each list is sorted by the
 * `ip:port` string (`byEndpoint`).
 */
import type { EndpointSlice, Endpoint as SliceEndpoint } from '../api/types.js';
import { joinHostPort, normalizeIPv4 } from './ip.js';
import { compareEndpoints, type EndpointInfo, type Protocol, servicePortKey } from './model.js';
import { hiddenFromProxy } from './service-port.js';

/** The label that ties a slice to its Service (`discovery.LabelServiceName`). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

/**
 * `namespace/service` of the Service a slice belongs to, or undefined when kube-proxy
 * ignores the slice (no service-name label, not IPv4, or hidden by the informer selector).
 */
export function sliceServiceName(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels;
  const service = labels?.[LABEL_SERVICE_NAME];
  if (!service || hiddenFromProxy(labels)) return undefined;
  if (slice.addressType !== 'IPv4') return undefined;
  return `${slice.metadata?.namespace ?? 'default'}/${service}`;
}

interface HintsWithNodes {
  readonly forZones?: ReadonlyArray<{ readonly name: string }>;
  /** `hints.forNodes` (PreferSameTrafficDistribution); absent from kubernetes-types 1.30. */
  readonly forNodes?: ReadonlyArray<{ readonly name: string }>;
}

/** Converts one slice endpoint (`newBaseEndpointInfo`); undefined when it has no IPv4 address. */
export function endpointInfoOf(ep: SliceEndpoint, port: number): EndpointInfo | undefined {
  const first = ep.addresses?.[0];
  if (first === undefined) return undefined;
  const ip = normalizeIPv4(first);
  if (ip === undefined) return undefined;
  const conditions = ep.conditions ?? {};
  const hints = ep.hints as HintsWithNodes | undefined;
  return {
    ip,
    port,
    endpoint: joinHostPort(ip, port),
    nodeName: ep.nodeName ?? undefined,
    ready: conditions.ready ?? true,
    serving: conditions.serving ?? true,
    terminating: conditions.terminating ?? false,
    zoneHints: (hints?.forZones ?? []).map((z) => z.name),
    nodeHints: (hints?.forNodes ?? []).map((n) => n.name),
  };
}

function protocolOf(text: string | undefined): Protocol {
  return text === 'UDP' || text === 'SCTP' ? text : 'TCP';
}

function addSlice(into: Map<string, Map<string, EndpointInfo>>, slice: EndpointSlice): void {
  const namespace = slice.metadata?.namespace ?? 'default';
  const name = slice.metadata?.labels?.[LABEL_SERVICE_NAME] ?? '';
  for (const port of slice.ports ?? []) {
    if (port.name === undefined || port.name === null) continue;
    if (!port.port) continue;
    const key = servicePortKey({ namespace, name, port: port.name, protocol: protocolOf(port.protocol) });
    let set = into.get(key);
    if (!set) {
      set = new Map();
      into.set(key, set);
    }
    for (const ep of slice.endpoints ?? []) {
      const info = endpointInfoOf(ep, port.port);
      if (!info) continue;
      const existing = set.get(info.endpoint);
      // Prefer the running pod over a terminating duplicate; otherwise the later slice wins.
      if (!existing || !info.terminating) set.set(info.endpoint, info);
    }
  }
}

/**
 * The endpoints of every port of one Service, from all of its slices
 * (`endpointsMapFromEndpointInfo`). Slices are read in name order so the result is
 * deterministic. Ports with no endpoints are present with an empty list.
 */
export function endpointsFromSlices(slices: Iterable<EndpointSlice>): Map<string, EndpointInfo[]> {
  const sorted = [...slices].sort((a, b) => {
    const an = a.metadata?.name ?? '';
    const bn = b.metadata?.name ?? '';
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  const sets = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of sorted) addSlice(sets, slice);
  const out = new Map<string, EndpointInfo[]>();
  for (const [key, set] of sets) out.set(key, [...set.values()].sort(compareEndpoints));
  return out;
}
