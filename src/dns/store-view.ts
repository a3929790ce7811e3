/**
 * The cluster as the DNS zone sees it, read live from the object store through
 * indexes (Services by ClusterIP, EndpointSlices by Service and by address).
 * Endpoints come from EndpointSlices, as CoreDNS ≥1.9 reads them: only
 * endpoints whose `ready` condition is true (or unset).
 */
import type { EndpointSlice, KubeObject, Service } from '../api/types.js';
import { addServiceAllocationIndexes, CLUSTER_IP_INDEX } from '../controllers/service/allocation.js';
import {
  addSliceIndexes,
  SLICE_SERVICE_INDEX,
  SLICES_RESOURCE,
} from '../controllers/service/endpointslice-controller.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Clock } from '../util/clock.js';
import type { ClusterDnsView, EndpointOwner, ViewEndpoint, ViewService } from './zone.js';

const ENDPOINT_IP_INDEX = 'endpointIP';

type Svc = Service & KubeObject;
type Slice = EndpointSlice & KubeObject;

function toView(svc: Svc): ViewService {
  const spec = svc.spec ?? {};
  return {
    namespace: svc.metadata.namespace ?? '',
    name: svc.metadata.name ?? '',
    type: spec.type ?? 'ClusterIP',
    clusterIPs: spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []),
    externalName: spec.externalName,
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol ?? 'TCP',
    })),
  };
}

function readyEndpointsOf(slices: readonly Slice[]): ViewEndpoint[] {
  const out: ViewEndpoint[] = [];
  for (const s of slices) {
    const ports = (s.ports ?? [])
      .filter((p) => p.port)
      .map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP' }));
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const ip = ep.addresses[0];
      if (ip) out.push({ ip, hostname: ep.hostname, ports });
    }
  }
  return out;
}

export interface StoreDnsViewConfig {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly clusterDomain: string;
  readonly dnsServiceIP: string;
}

/** Creates the live view; it subscribes to the store to keep the SOA serial current. */
export function storeDnsView(config: StoreDnsViewConfig): ClusterDnsView & { close(): void } {
  const { store, clock } = config;
  addServiceAllocationIndexes(store);
  addSliceIndexes(store);
  store.addIndex(SLICES_RESOURCE, ENDPOINT_IP_INDEX, (s) =>
    ((s as Slice).endpoints ?? []).map((e) => e.addresses[0] ?? ''),
  );
  let serial = Math.floor(clock.now() / 1000);
  const touch = () => {
    serial = Math.floor(clock.now() / 1000);
  };
  const unsubs = [
    store.subscribe('services', touch),
    store.subscribe(SLICES_RESOURCE, touch),
    store.subscribe('namespaces', touch),
  ];
  return {
    clusterDomain: config.clusterDomain,
    dnsServiceIP: config.dnsServiceIP,
    serial: () => serial,
    namespaceExists: (ns) => store.get('namespaces', undefined, ns) !== undefined,
    service(namespace, name) {
      const svc = store.get<Svc>('services', namespace, name);
      return svc ? toView(svc) : undefined;
    },
    readyEndpoints: (namespace, name) =>
      readyEndpointsOf(store.byIndex<Slice>(SLICES_RESOURCE, SLICE_SERVICE_INDEX, `${namespace}/${name}`)),
    serviceByClusterIP(ip) {
      const svc = store.byIndex<Svc>('services', CLUSTER_IP_INDEX, ip)[0];
      return svc ? toView(svc) : undefined;
    },
    endpointByIP(ip) {
      return endpointsByIP(ip)[0];
    },
    endpointsByIP,
    close() {
      for (const u of unsubs) u();
    },
  };

  function endpointsByIP(ip: string): EndpointOwner[] {
    const found: EndpointOwner[] = [];
    for (const slice of store.byIndex<Slice>(SLICES_RESOURCE, ENDPOINT_IP_INDEX, ip)) {
      const svcName = slice.metadata.labels?.['kubernetes.io/service-name'];
      const svc = svcName ? store.get<Svc>('services', slice.metadata.namespace, svcName) : undefined;
      const endpoint = readyEndpointsOf([slice]).find((e) => e.ip === ip);
      if (svc && endpoint) found.push({ service: toView(svc), endpoint });
    }
    // One per Service, as CoreDNS's reverse lookup gives them (the caller drops repeated names).
    return found.sort((a, b) =>
      `${a.service.namespace}/${a.service.name}`.localeCompare(`${b.service.namespace}/${b.service.name}`),
    );
  }
}
