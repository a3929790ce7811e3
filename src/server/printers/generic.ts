/**
 * ConfigMap and Secret printers (upstream `printConfigMap`, `printSecret`),
 * the CustomResourceDefinition default columns used for the Calico kinds
 * (`Name`, `Age`: on a real Calico cluster they are CRDs without printer
 * columns), and the apiserver's default Table (`Name`, `Created At`) for a
 * kind without a printer.
 */
import type { ConfigMap, KubeObject, Secret, Typed } from '../../api/index.js';
import { since, timeOf } from './format.js';
import { AGE_COLUMN, column, type KindPrinter, NAME_COLUMN, type PrintedRow } from './types.js';

const CONFIGMAP_COLUMNS = [NAME_COLUMN, column('Data', 'string', 'configMapData'), AGE_COLUMN];

function configMapRow(obj: KubeObject, now: number): PrintedRow {
  const cm = obj as Typed<ConfigMap>;
  const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
  return { cells: [cm.metadata.name ?? '', count, since(cm.metadata.creationTimestamp, now)] };
}

const SECRET_COLUMNS = [
  NAME_COLUMN,
  column('Type', 'string', 'secretType'),
  column('Data', 'string', 'secretData'),
  AGE_COLUMN,
];

function secretRow(obj: KubeObject, now: number): PrintedRow {
  const s = obj as Typed<Secret>;
  return {
    cells: [
      s.metadata.name ?? '',
      s.type ?? 'Opaque',
      Object.keys(s.data ?? {}).length,
      since(s.metadata.creationTimestamp, now),
    ],
  };
}

/** CRD default columns: the Age cell is a human duration (`ConvertToHumanReadableDateType`). */
const CUSTOM_RESOURCE_COLUMNS = [NAME_COLUMN, column('Age', 'date', 'creationTimestamp')];

function customResourceRow(obj: KubeObject, now: number): PrintedRow {
  return { cells: [obj.metadata.name ?? '', since(obj.metadata.creationTimestamp, now)] };
}

/** `rest.NewDefaultTableConvertor`: the Created At cell is the RFC 3339 timestamp. */
const DEFAULT_COLUMNS = [NAME_COLUMN, column('Created At', 'date', 'creationTimestamp')];

function defaultRow(obj: KubeObject): PrintedRow {
  const t = timeOf(obj.metadata.creationTimestamp);
  const created = t === undefined ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { cells: [obj.metadata.name ?? '', created] };
}

/** Upstream's configMap printer (columns and row cells). */
export const configMapPrinter: KindPrinter = { columns: CONFIGMAP_COLUMNS, row: configMapRow };
/** Upstream's secret printer (columns and row cells). */
export const secretPrinter: KindPrinter = { columns: SECRET_COLUMNS, row: secretRow };
/** The CRD default columns (Name, Age), used for the Calico kinds. */
export const customResourcePrinter: KindPrinter = {
  columns: CUSTOM_RESOURCE_COLUMNS,
  row: customResourceRow,
};
/** The apiserver's default Table (Name, Created At) for kinds without a printer. */
export const defaultPrinter: KindPrinter = { columns: DEFAULT_COLUMNS, row: defaultRow };
