/**
 * Service, Endpoints and EndpointSlice printers (upstream `printService`,
 * `printEndpoints`, `printEndpointSlice`).
 */
import {
  type EndpointSlice,
  type Endpoints,
  formatLabels,
  type KubeObject,
  type Service,
  type Typed,
} from '../../api/index.js';
import { listWithMore, loadBalancerText, since } from './format.js';
import { AGE_COLUMN, column, type KindPrinter, NAME_COLUMN, type PrintedRow, WIDE } from './types.js';

const SERVICE_COLUMNS = [
  NAME_COLUMN,
  column('Type', 'string', 'serviceType'),
  column('Cluster-IP', 'string', 'clusterIP'),
  column('External-IP', 'string', 'externalIPs'),
  column('Port(s)', 'string', 'servicePorts'),
  AGE_COLUMN,
  column('Selector', 'string', 'serviceSelector', WIDE),
];

/** `getServiceExternalIP` with wide output (the server never clips). */
export function serviceExternalIP(svc: Typed<Service>): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerText(svc.status?.loadBalancer?.ingress);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined. Protocol defaults to TCP as the API does. */
export function servicePorts(svc: Typed<Service>): string {
  const text = (svc.spec?.ports ?? [])
    .map((p) => {
      const proto = p.protocol ?? 'TCP';
      return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
    })
    .join(',');
  return text || '<none>';
}

function serviceRow(obj: KubeObject, now: number): PrintedRow {
  const svc = obj as Typed<Service>;
  const clusterIP = svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? '<none>';
  return {
    cells: [
      svc.metadata.name ?? '',
      svc.spec?.type ?? 'ClusterIP',
      clusterIP || '<none>',
      serviceExternalIP(svc),
      servicePorts(svc),
      since(svc.metadata.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ],
  };
}

const ENDPOINTS_COLUMNS = [NAME_COLUMN, column('Endpoints', 'string', 'subsets'), AGE_COLUMN];

/** `formatEndpoints(endpoints, nil)`: `ip:port` for every port of every subset, at most 3. */
export function formatEndpoints(ep: Typed<Endpoints>): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length < 3) list.push(a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  const shown = list.join(',');
  return count > 3 ? `${shown} + ${count - 3} more...` : shown;
}

function endpointsRow(obj: KubeObject, now: number): PrintedRow {
  const ep = obj as Typed<Endpoints>;
  return { cells: [ep.metadata.name ?? '', formatEndpoints(ep), since(ep.metadata.creationTimestamp, now)] };
}

const SLICE_COLUMNS = [
  NAME_COLUMN,
  column('AddressType', 'string', 'addressType'),
  column('Ports', 'string', 'slicePorts'),
  column('Endpoints', 'string', 'sliceEndpoints'),
  AGE_COLUMN,
];

function sliceRow(obj: KubeObject, now: number): PrintedRow {
  const s = obj as Typed<EndpointSlice>;
  const ports = (s.ports ?? []).map((p) => (p.port != null ? String(p.port) : (p.name ?? '*')));
  const addresses = (s.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return {
    cells: [
      s.metadata.name ?? '',
      s.addressType ?? '',
      listWithMore(ports),
      listWithMore(addresses),
      since(s.metadata.creationTimestamp, now),
    ],
  };
}

/** Upstream's service printer (columns and row cells). */
export const servicePrinter: KindPrinter = { columns: SERVICE_COLUMNS, row: serviceRow };
/** Upstream's endpoints printer (columns and row cells). */
export const endpointsPrinter: KindPrinter = { columns: ENDPOINTS_COLUMNS, row: endpointsRow };
/** Upstream's endpointSlice printer (columns and row cells). */
export const endpointSlicePrinter: KindPrinter = { columns: SLICE_COLUMNS, row: sliceRow };
