/**
 * kubectl's human-readable printer for server-side Tables
 * (`cli-runtime/pkg/printers/tableprinter.go`): upper-case headers, `priority`
 * columns only with `-o wide`, a NAMESPACE column first with `-A`, `-L` label
 * columns and a LABELS column last, `kind.group/` name prefixes when several
 * kinds are printed, headers printed once per column set (watch events carry
 * no column definitions after the first).
 */
import { formatLabels } from '../../api/labels.js';
import type { ObjectMeta } from '../../api/types.js';
import type { TabWriter } from './tabwriter.js';

export interface TableColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface TableRow {
  readonly cells: readonly unknown[];
  /** `PartialObjectMetadata` (or the full object) of the row; kubectl reads its metadata. */
  readonly object?: { readonly metadata?: ObjectMeta } | null;
}

/** A `meta.k8s.io/v1` Table as the server sends it. */
export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: string;
  readonly metadata?: { readonly resourceVersion?: string };
  readonly columnDefinitions?: readonly TableColumnDefinition[] | null;
  readonly rows?: readonly TableRow[] | null;
}

export interface TablePrintOptions {
  readonly wide?: boolean;
  readonly noHeaders?: boolean;
  readonly withNamespace?: boolean;
  readonly showLabels?: boolean;
  /** `-L key`: one column per label key. */
  readonly columnLabels?: readonly string[];
  /** `deployment.apps` (lower-case `Kind.group`): prefixes the name column when set. */
  readonly kindPrefix?: string;
  /** `--output-watch-events`: an EVENT column first. */
  readonly eventType?: string | undefined;
}

/** True for a parsed JSON value that is a server-side Table. */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Table';
}

/** kubectl's `fmt.Sprint` of a cell: strings cut at the first line break, control characters escaped. */
export function formatCell(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const brk = cell.search(/[\f\n\r]/);
    const text = brk >= 0 ? `${cell.slice(0, brk)}...` : cell;
    return escapeTerminal(text);
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return escapeTerminal(JSON.stringify(cell));
}

/** `printers.EscapeTerminal`: ESC becomes `^[`, CR becomes `\r`. */
export function escapeTerminal(text: string): string {
  return text.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

function sameColumns(
  a: readonly TableColumnDefinition[] | undefined,
  b: readonly TableColumnDefinition[] | undefined,
): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

const EVENT_TYPES: Readonly<Record<string, string>> = {
  ADDED: 'ADDED   ',
  MODIFIED: 'MODIFIED',
  DELETED: 'DELETED ',
  ERROR: 'ERROR   ',
};

/**
 * Prints Tables onto a TabWriter as kubectl's `HumanReadablePrinter` does. One
 * instance per resource kind (kubectl makes a new printer when the kind
 * changes); it remembers the last column set so watch rows print without
 * repeating headers.
 */
export class TablePrinter {
  readonly #options: TablePrintOptions;
  #lastColumns: readonly TableColumnDefinition[] | undefined;
  #printedHeaders = false;

  constructor(options: TablePrintOptions = {}) {
    this.#options = options;
  }

  /** Prints the table's rows (and the headers, unless already printed for these columns). */
  print(table: Table, out: TabWriter, eventType?: string): void {
    let columns = table.columnDefinitions ?? [];
    let noHeaders = this.#options.noHeaders === true;
    if (this.#printedHeaders && (columns.length === 0 || sameColumns(columns, this.#lastColumns))) {
      noHeaders = true;
    }
    if (columns.length === 0) columns = this.#lastColumns ?? [];
    else if (!sameColumns(columns, this.#lastColumns)) {
      this.#lastColumns = columns;
      this.#printedHeaders = false;
    }
    const rows = table.rows ?? [];
    if (rows.length > 0) this.#printedHeaders = true;
    const decorated = decorate(columns, rows, { ...this.#options, eventType });
    writeTable(decorated, out, { wide: this.#options.wide === true, noHeaders });
  }
}

interface Decorated {
  readonly columns: readonly TableColumnDefinition[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
}

function decorate(
  columns: readonly TableColumnDefinition[],
  rows: readonly TableRow[],
  options: TablePrintOptions & { eventType: string | undefined },
): Decorated {
  const nameColumn = options.kindPrefix
    ? columns.findIndex((c) => c.format === 'name' && c.type === 'string')
    : -1;
  const labelKeys = options.columnLabels ?? [];
  const outColumns: TableColumnDefinition[] = [];
  if (options.eventType) outColumns.push({ name: 'Event', type: 'string' });
  if (options.withNamespace) outColumns.push({ name: 'Namespace', type: 'string' });
  outColumns.push(...columns);
  for (const key of labelKeys) {
    outColumns.push({ name: (key.split('/').pop() ?? key).toUpperCase(), type: 'string' });
  }
  if (options.showLabels) outColumns.push({ name: 'Labels', type: 'string' });

  const outRows = rows.map((row) => {
    const cells = [...row.cells];
    if (nameColumn >= 0) cells[nameColumn] = `${options.kindPrefix}/${formatCell(cells[nameColumn])}`;
    const meta = row.object?.metadata;
    while (cells.length < columns.length) cells.push(null);
    const prefix: unknown[] = [];
    if (options.eventType) prefix.push(EVENT_TYPES[options.eventType] ?? options.eventType);
    if (options.withNamespace) prefix.push(meta?.namespace ?? '');
    const suffix: unknown[] = labelKeys.map((k) => meta?.labels?.[k] ?? '');
    if (options.showLabels) suffix.push(meta ? formatLabels(meta.labels) : null);
    return [...prefix, ...cells.slice(0, columns.length), ...suffix];
  });
  return { columns: outColumns, rows: outRows };
}

function writeTable(table: Decorated, out: TabWriter, opts: { wide: boolean; noHeaders: boolean }): void {
  const visible = (c: TableColumnDefinition) => opts.wide || (c.priority ?? 0) === 0;
  if (!opts.noHeaders) {
    if (table.rows.length === 0) return;
    out.write(
      `${table.columns
        .filter(visible)
        .map((c) => c.name.toUpperCase())
        .join('\t')}\n`,
    );
  }
  for (const row of table.rows) {
    const cells: string[] = [];
    row.forEach((cell, i) => {
      const column = table.columns[i];
      if (column && visible(column)) cells.push(formatCell(cell));
    });
    out.write(`${cells.join('\t')}\n`);
  }
}
