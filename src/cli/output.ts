/**
 * `-o` for `get`: kubectl's printers other than the server-side tables —
 * json, yaml, name, jsonpath (and -as-json, -file), custom-columns (and
 * -file) — chosen and validated with kubectl's messages, and rendered for one
 * object or a `List`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KubeObject } from '../api/types.js';
import { assertNever } from '../util/assert-never.js';
import { UserError } from '../util/errors.js';
import {
  type CustomColumn,
  parseCustomColumns,
  parseCustomColumnsFile,
  renderCustomColumns,
} from './printers/custom-columns.js';
import { toJson } from './printers/json.js';
import {
  executeJsonPath,
  goSprint,
  isJsonPathError,
  type JsonPathNode,
  JsonPathSyntaxError,
  parseJsonPath,
} from './printers/jsonpath.js';
import { nameLine } from './printers/name.js';
import { toYaml } from './printers/yaml.js';

export type OutputSpec =
  /** Emitted for no `-o` (or `-o wide`): the server's Table, rendered as kubectl does. */
  | { readonly kind: 'table'; readonly wide: boolean }
  | { readonly kind: 'json' }
  | { readonly kind: 'yaml' }
  | { readonly kind: 'name' }
  | {
      readonly kind: 'jsonpath';
      readonly raw: string;
      readonly nodes: readonly JsonPathNode[];
      readonly asJson: boolean;
    }
  | {
      readonly kind: 'custom-columns';
      readonly columns: readonly CustomColumn[];
      readonly noHeaders: boolean;
    };

const ALLOWED =
  'custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml';

function jsonPath(raw: string, asJson: boolean): OutputSpec {
  if (raw === '') throw new UserError('template format specified but no template given');
  try {
    return { kind: 'jsonpath', raw, nodes: parseJsonPath(raw), asJson };
  } catch (err) {
    if (err instanceof JsonPathSyntaxError)
      throw new UserError(`error parsing jsonpath ${raw}, ${err.message}`);
    throw err;
  }
}

function customColumns(parse: () => CustomColumn[], noHeaders: boolean): OutputSpec {
  try {
    return { kind: 'custom-columns', columns: parse(), noHeaders };
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) throw new UserError(err.message);
    throw err;
  }
}

/** Parses `-o`; file variants are read relative to `cwd`. Throws UserError with kubectl's texts. */
export async function parseOutputSpec(
  value: string | undefined,
  options: { cwd: string; noHeaders?: boolean },
): Promise<OutputSpec> {
  const v = value ?? '';
  const eq = v.indexOf('=');
  const name = eq < 0 ? v : v.slice(0, eq);
  const arg = eq < 0 ? '' : v.slice(eq + 1);
  const file = async () => readFile(resolve(options.cwd, arg), 'utf8');
  switch (name) {
    case '':
      return { kind: 'table', wide: false };
    case 'wide':
      return { kind: 'table', wide: true };
    case 'json':
    case 'yaml':
    case 'name':
      return { kind: name };
    case 'jsonpath':
    case 'jsonpath-as-json':
      return jsonPath(arg, name === 'jsonpath-as-json');
    case 'jsonpath-file':
      return jsonPath((await file()).trim(), false);
    case 'custom-columns':
      return customColumns(() => parseCustomColumns(arg), options.noHeaders === true);
    case 'custom-columns-file': {
      const text = await file();
      return customColumns(() => parseCustomColumnsFile(text), options.noHeaders === true);
    }
    default:
      throw new UserError(
        `unable to match a printer suitable for the output format "${v}", allowed formats are: ${ALLOWED}`,
      );
  }
}

function jsonPathFailure(spec: { raw: string }, data: unknown, err: Error): UserError {
  return new UserError(
    `error executing jsonpath ${JSON.stringify(spec.raw)}: Error executing template: ${err.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${spec.raw}\n\tobject given to jsonpath engine was:\n\t\t${goSprint(data)}\n\n`,
  );
}

/**
 * Renders `value` (one object, or a `List` of items) with a non-table spec.
 * `first` is false for the second and later objects of a watch (yaml adds `---`).
 */
export function renderObjects(
  spec: Exclude<OutputSpec, { kind: 'table' }>,
  value: unknown,
  first = true,
): string {
  const items =
    (value as { kind?: string; items?: KubeObject[] }).kind === 'List'
      ? ((value as { items?: KubeObject[] }).items ?? [])
      : [value as KubeObject];
  switch (spec.kind) {
    case 'json':
      return toJson(value);
    case 'yaml':
      return `${first ? '' : '---\n'}${toYaml(value)}`;
    case 'name':
      return items
        .map((o) => nameLine({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name ?? '' }))
        .join('');
    case 'jsonpath':
      try {
        return executeJsonPath(spec.nodes, value, { json: spec.asJson });
      } catch (err) {
        if (isJsonPathError(err)) throw jsonPathFailure(spec, value, err);
        throw err;
      }
    case 'custom-columns':
      return renderCustomColumns(spec.columns, items, { noHeaders: spec.noHeaders || !first });
    default:
      return assertNever(spec);
  }
}
