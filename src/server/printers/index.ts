/**
 * Server-side printing: `meta.k8s.io/v1` Tables with the columns, cell formats
 * and wide (`priority: 1`) columns of upstream
 * `pkg/printers/internalversion/printers.go`, for every kind in
 * `api/resources.ts`. The API server answers `Accept: …;as=Table` with them;
 * the netkube CLI renders the same Tables, so both print what kubectl prints.
 */

import { CALICO_GROUP, encodeObject, type KubeObject, resourceForKind } from '../../api/index.js';
import { assertNever } from '../../util/index.js';
import { eventPrinter, leasePrinter, namespacePrinter, nodePrinter } from './cluster.js';
import { configMapPrinter, customResourcePrinter, defaultPrinter, secretPrinter } from './generic.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { podPrinter } from './pod.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service.js';
import type { KindPrinter, Table, TableColumnDefinition, TableRow } from './types.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';

export { formatLabelSelector, labelSelectorString, since } from './format.js';
export type {
  KindPrinter,
  PrintedRow,
  Table,
  TableCell,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
} from './types.js';

const PRINTERS: Readonly<Record<string, KindPrinter>> = {
  Pod: podPrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  Event: eventPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  Ingress: ingressPrinter,
  IngressClass: ingressClassPrinter,
  NetworkPolicy: networkPolicyPrinter,
  Lease: leasePrinter,
};

/**
 * The printer of a kind: the upstream printer, the CRD default columns for
 * the Calico kinds, or the apiserver's default Table for anything else.
 */
export function printerFor(kind: string): KindPrinter {
  const printer = PRINTERS[kind];
  if (printer) return printer;
  return resourceForKind(kind)?.group === CALICO_GROUP ? customResourcePrinter : defaultPrinter;
}

/** The column definitions of a kind, wide columns included. */
export function columnsFor(kind: string): readonly TableColumnDefinition[] {
  return printerFor(kind).columns;
}

/** What each row's `object` carries (`?includeObject=`). Upstream default: Metadata. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface PrintOptions {
  /** @default 'Metadata' */
  readonly includeObject?: IncludeObject;
  /** Omit column definitions (`columnDefinitions: null`), as in watch events after the first. */
  readonly noHeaders?: boolean;
  /** The Table's `metadata.resourceVersion` (the list's, or the single object's). */
  readonly resourceVersion?: string;
  /** @default 'meta.k8s.io/v1' */
  readonly apiVersion?: Table['apiVersion'];
}

function rowObject(obj: KubeObject, include: IncludeObject, apiVersion: Table['apiVersion']): unknown {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return encodeObject(obj);
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
    default:
      return assertNever(include);
  }
}

/** One Table row for one object. */
export function printRow(
  kind: string,
  obj: KubeObject,
  now: number,
  include: IncludeObject = 'Metadata',
  apiVersion: Table['apiVersion'] = 'meta.k8s.io/v1',
): TableRow {
  const printed = printerFor(kind).row(obj, now);
  const object = rowObject(obj, include, apiVersion);
  return printed.conditions
    ? { cells: printed.cells, conditions: printed.conditions, object }
    : { cells: printed.cells, object };
}

/**
 * Prints objects of one kind as a Table. Pure: `now` (ms since the epoch) is
 * the only clock. Cells always include the wide columns; clients hide
 * `priority: 1` columns unless asked for wide output.
 */
export function printTable(
  kind: string,
  objects: readonly KubeObject[],
  now: number,
  options: PrintOptions = {},
): Table {
  const include = options.includeObject ?? 'Metadata';
  const apiVersion = options.apiVersion ?? 'meta.k8s.io/v1';
  const metadata = options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {};
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: options.noHeaders ? null : printerFor(kind).columns,
    rows: objects.map((o) => printRow(kind, o, now, include, apiVersion)),
  };
}
