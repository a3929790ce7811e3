/**
 * Ingress backends → upstreams of pod endpoints (reference §2.3; ingress-nginx
 * `serviceEndpoints` and `getEndpointsFromSlices`): the Service port is the one
 * whose number, targetPort or name equals the backend port; endpoints come from
 * the Service's EndpointSlices, skipping those not ready; the slice port is the
 * one named like the Service port (or its numeric targetPort). An ExternalName
 * Service yields its DNS name. Pure.
 */
import type { IngressServiceBackend } from 'kubernetes-types/networking/v1.js';
import type { EndpointSlice, KubeObject, Service, ServicePort } from '../api/types.js';
import type { UpstreamPolicy } from './annotations.js';
import type { Diagnostic } from './diagnostics.js';
import type { IngressRef, Upstream, UpstreamEndpoint, UpstreamProblem } from './types.js';

export type ServiceObject = Service & KubeObject;
export type EndpointSliceObject = EndpointSlice & KubeObject;

/** Lookups the compiler needs, built once per compile. */
export interface ServiceIndex {
  service(namespace: string, name: string): ServiceObject | undefined;
  /** EndpointSlices labelled `kubernetes.io/service-name: <name>` in `namespace`. */
  slices(namespace: string, name: string): readonly EndpointSliceObject[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Builds a `ServiceIndex` over plain lists. */
export function indexServices(
  services: readonly ServiceObject[],
  slices: readonly EndpointSliceObject[],
): ServiceIndex {
  const byKey = new Map<string, ServiceObject>();
  for (const s of services) byKey.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  const slicesByKey = new Map<string, EndpointSliceObject[]>();
  for (const sl of slices) {
    const svc = sl.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${sl.metadata.namespace}/${svc}`;
    const list = slicesByKey.get(key);
    if (list) list.push(sl);
    else slicesByKey.set(key, [sl]);
  }
  return {
    service: (ns, name) => byKey.get(`${ns}/${name}`),
    slices: (ns, name) => slicesByKey.get(`${ns}/${name}`) ?? [],
  };
}

/** `<namespace>-<service>-<port>` (ingress-nginx `upstreamName`). */
export function upstreamName(namespace: string, backend: IngressServiceBackend): string {
  const port = backend.port?.number ? String(backend.port.number) : (backend.port?.name ?? '');
  if (!port) return `${namespace}-INVALID`;
  return `${namespace}-${backend.name}-${port}`;
}

function backendPortText(backend: IngressServiceBackend): string {
  return backend.port?.number ? String(backend.port.number) : (backend.port?.name ?? '');
}

function findServicePort(svc: ServiceObject, port: string): ServicePort | undefined {
  return (svc.spec?.ports ?? []).find(
    (p) => String(p.port) === port || String(p.targetPort ?? p.port) === port || p.name === port,
  );
}

function slicePorts(slice: EndpointSliceObject, port: ServicePort): number[] {
  const ports = slice.ports ?? [];
  if (ports.length === 0) return typeof port.targetPort === 'number' ? [port.targetPort] : [];
  const out: number[] = [];
  for (const p of ports) {
    if ((p.protocol ?? 'TCP') !== 'TCP') continue;
    let target = 0;
    if (!port.name || port.name === (p.name ?? '')) target = p.port ?? 0;
    if (target === 0 && typeof port.targetPort === 'number') target = port.targetPort;
    if (target > 0) out.push(target);
  }
  return out;
}

/** Ready endpoints of one Service port, de-duplicated by address:port. */
export function serviceEndpoints(
  svc: ServiceObject,
  port: ServicePort,
  slices: readonly EndpointSliceObject[],
): UpstreamEndpoint[] {
  if (svc.spec?.type === 'ExternalName') {
    const name = (svc.spec.externalName ?? '').replace(/\.$/, '');
    if (!name || name === 'localhost') return [];
    const target = typeof port.targetPort === 'number' ? port.targetPort : port.port;
    return [{ address: name, port: target }];
  }
  const seen = new Set<string>();
  const out: UpstreamEndpoint[] = [];
  for (const slice of slices) {
    const ports = slicePorts(slice, port);
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const p of ports) {
        for (const address of ep.addresses ?? []) {
          const key = `${address}:${p}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const ref = ep.targetRef;
          out.push({
            address,
            port: p,
            ...(ref?.kind === 'Pod' && ref.name
              ? { pod: { namespace: ref.namespace ?? svc.metadata.namespace ?? '', name: ref.name } }
              : {}),
            ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** An upstream before canary merging. */
export interface ResolvedUpstream {
  readonly upstream: Upstream;
  readonly diagnostic: Diagnostic | undefined;
}

/**
 * Resolves one backend of `ingress` to its upstream. A missing Service or
 * port, or no ready endpoint, is an upstream with a `problem` (503) and a diagnostic.
 */
export function resolveUpstream(
  ingress: IngressRef,
  backend: IngressServiceBackend,
  index: ServiceIndex,
  policy: UpstreamPolicy,
  serviceUpstream: boolean,
): ResolvedUpstream {
  const ns = ingress.namespace;
  const name = upstreamName(ns, backend);
  const port = backendPortText(backend);
  const base = {
    name,
    service: { namespace: ns, name: backend.name, port: backend.port?.number || port },
    policy,
    alternative: undefined,
    canary: undefined,
  };
  const service = `${ns}/${backend.name}`;
  const fail = (problem: UpstreamProblem, kind: Diagnostic['kind'], message: string): ResolvedUpstream => ({
    upstream: { ...base, endpoints: [], problem, clusterIP: undefined },
    diagnostic: { kind, ingress, service, message } as Diagnostic,
  });
  const svc = index.service(ns, backend.name);
  if (!svc) return fail('service-missing', 'service-missing', `Service "${ns}/${backend.name}" not found`);
  const sp = findServicePort(svc, port);
  if (!sp) {
    return fail('port-missing', 'port-missing', `Service "${ns}/${backend.name}" does not have port ${port}`);
  }
  const clusterIP =
    svc.spec?.clusterIP && svc.spec.clusterIP !== 'None'
      ? { ip: svc.spec.clusterIP, port: sp.port }
      : undefined;
  const endpoints =
    serviceUpstream && clusterIP
      ? [{ address: clusterIP.ip, port: clusterIP.port }]
      : serviceEndpoints(svc, sp, index.slices(ns, backend.name));
  if (endpoints.length === 0) {
    return {
      upstream: { ...base, endpoints, problem: 'no-ready-endpoints', clusterIP },
      diagnostic: {
        kind: 'no-endpoints',
        ingress,
        service,
        message: `Service "${ns}/${backend.name}" does not have any active Endpoint.`,
      },
    };
  }
  return { upstream: { ...base, endpoints, problem: undefined, clusterIP }, diagnostic: undefined };
}
