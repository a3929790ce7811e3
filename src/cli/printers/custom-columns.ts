/**
 * `-o custom-columns=NAME:.metadata.name,IP:.status.podIP` (and
 * `custom-columns-file`), as kubectl's CustomColumnsPrinter: headers as
 * written, one row per object, JSONPath values joined by commas, `<none>`
 * when a path matches nothing, aligned like every kubectl table.
 */
import {
  columnValues,
  type JsonPathNode,
  JsonPathSyntaxError,
  parseJsonPath,
  relaxedJsonPath,
} from './jsonpath.js';
import { escapeTerminal } from './table.js';
import { alignTabs, TABLE_TABWRITER } from './tabwriter.js';

export interface CustomColumn {
  readonly header: string;
  readonly template: readonly JsonPathNode[];
}

/** Parses `HEADER:path,HEADER:path`; throws JsonPathSyntaxError with kubectl's messages. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '')
    throw new JsonPathSyntaxError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) {
      throw new JsonPathSyntaxError(
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    }
    return { header: part.slice(0, colon), template: parseJsonPath(relaxedJsonPath(part.slice(colon + 1))) };
  });
}

/** Parses a custom-columns file: one line of headers, one line of paths, whitespace-separated. */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const [headerLine, specLine] = text.split('\n');
  if (headerLine === undefined || headerLine.trim() === '') {
    throw new JsonPathSyntaxError(
      'invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.',
    );
  }
  if (specLine === undefined || specLine.trim() === '') {
    throw new JsonPathSyntaxError(
      'invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.',
    );
  }
  const headers = headerLine.trim().split(/\s+/);
  const specs = specLine.trim().split(/\s+/);
  if (headers.length !== specs.length) {
    throw new JsonPathSyntaxError(
      `number of headers (${headers.length}) and field specifications (${specs.length}) don't match`,
    );
  }
  return headers.map((header, i) => ({
    header,
    template: parseJsonPath(relaxedJsonPath(specs[i] as string)),
  }));
}

/** The rows (and headers unless `noHeaders`) as tab-separated lines, for a TabWriter. */
export function customColumnsText(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  options: { noHeaders?: boolean } = {},
): string {
  let text = options.noHeaders ? '' : `${columns.map((c) => c.header).join('\t')}\n`;
  for (const obj of objects) {
    text += `${columns.map((c) => escapeTerminal(columnValues(c.template, obj))).join('\t')}\n`;
  }
  return text;
}

/** The table for these objects (headers unless `noHeaders`), aligned. */
export function renderCustomColumns(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  options: { noHeaders?: boolean } = {},
): string {
  return alignTabs(customColumnsText(columns, objects, options), TABLE_TABWRITER);
}
