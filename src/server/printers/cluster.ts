/**
 * Node, Namespace, Event and Lease printers (upstream `printNode`,
 * `printNamespace`, `printEvent`, `printLease`).
 */
import type { Event, KubeObject, Lease, Namespace, Node, Typed } from '../../api/index.js';
import { since } from './format.js';
import { AGE_COLUMN, column, type KindPrinter, NAME_COLUMN, type PrintedRow, text, WIDE } from './types.js';

const NODE_COLUMNS = [
  NAME_COLUMN,
  column('Status', 'string', text('The status of the node')),
  column('Roles', 'string', text('The roles of the node')),
  AGE_COLUMN,
  column('Version', 'string', 'kubeletVersion'),
  column('Internal-IP', 'string', 'nodeAddresses', WIDE),
  column('External-IP', 'string', 'nodeAddresses', WIDE),
  column('OS-Image', 'string', 'osImage', WIDE),
  column('Kernel-Version', 'string', 'kernelVersion', WIDE),
  column('Container-Runtime', 'string', 'containerRuntimeVersion', WIDE),
];

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** `findNodeRoles`: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted. */
export function nodeRoles(node: Typed<Node>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady`, `Unknown`, plus `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: Typed<Node>): string {
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRow(obj: KubeObject, now: number): PrintedRow {
  const node = obj as Typed<Node>;
  const info = node.status?.nodeInfo;
  const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
  return {
    cells: [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node).join(',') || '<none>',
      since(node.metadata.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      address('InternalIP'),
      address('ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ],
  };
}

const NAMESPACE_COLUMNS = [
  NAME_COLUMN,
  column('Status', 'string', text('The status of the namespace')),
  AGE_COLUMN,
];

function namespaceRow(obj: KubeObject, now: number): PrintedRow {
  const ns = obj as Typed<Namespace>;
  return {
    cells: [ns.metadata.name ?? '', ns.status?.phase ?? '', since(ns.metadata.creationTimestamp, now)],
  };
}

const EVENT_COLUMNS = [
  column('Last Seen', 'string', 'eventLastTimestamp'),
  column('Type', 'string', 'eventType'),
  column('Reason', 'string', 'eventReason'),
  column('Object', 'string', 'eventInvolvedObject'),
  column('Subobject', 'string', 'eventFieldPath', WIDE),
  column('Source', 'string', 'eventSource', WIDE),
  column('Message', 'string', 'eventMessage'),
  column('First Seen', 'string', 'eventFirstTimestamp', WIDE),
  column('Count', 'string', 'eventCount', WIDE),
  column('Name', 'string', 'name', { priority: 1, format: 'name' }),
];

function eventRow(obj: KubeObject, now: number): PrintedRow {
  const ev = obj as Typed<Event>;
  const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = since(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = ev.involvedObject ?? {};
  const kind = (involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return {
    cells: [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      involved.fieldPath ?? '',
      instance ? `${component}, ${instance}` : component,
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ],
  };
}

const LEASE_COLUMNS = [NAME_COLUMN, column('Holder', 'string', 'holderIdentity'), AGE_COLUMN];

function leaseRow(obj: KubeObject, now: number): PrintedRow {
  const lease = obj as Typed<Lease>;
  return {
    cells: [
      lease.metadata.name ?? '',
      lease.spec?.holderIdentity ?? '',
      since(lease.metadata.creationTimestamp, now),
    ],
  };
}

/** Upstream's node printer (columns and row cells). */
export const nodePrinter: KindPrinter = { columns: NODE_COLUMNS, row: nodeRow };
/** Upstream's namespace printer (columns and row cells). */
export const namespacePrinter: KindPrinter = { columns: NAMESPACE_COLUMNS, row: namespaceRow };
/** Upstream's event printer (columns and row cells). */
export const eventPrinter: KindPrinter = { columns: EVENT_COLUMNS, row: eventRow };
/** Upstream's lease printer (columns and row cells). */
export const leasePrinter: KindPrinter = { columns: LEASE_COLUMNS, row: leaseRow };
