/**
 * Executes kubectl's JSONPath templates (`-o jsonpath=…`, custom columns)
 * over a JSON value with client-go's semantics: each action yields a list of
 * results printed space-separated (objects and arrays as compact JSON,
 * scalars as Go prints them), `range … end` repeats the template between them
 * per element, and missing keys yield nothing (kubectl allows them).
 */

import { sortKeys } from './json.js';
import { type JsonPathNode, JsonPathSyntaxError, parseJsonPath } from './jsonpath-parse.js';

export { JsonPathSyntaxError, relaxedJsonPath } from './jsonpath-parse.js';

/** A failure while evaluating (`array index out of bounds: index 5, length 2`). */
export class JsonPathEvalError extends Error {}

type Value = unknown;

const isObject = (v: Value): v is Record<string, Value> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's `json.Marshal` of a value: sorted keys, HTML-safe escapes. */
export function goJson(value: Value, indent?: string): string {
  return JSON.stringify(sortKeys(value), null, indent)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');
}

/** `fmt.Sprint` of a JSON value as Go prints unstructured content (`map[a:1]`, `[x y]`). */
export function goSprint(value: Value): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  if (isObject(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${goSprint(value[k])}`)
      .join(' ')}]`;
  }
  return String(value);
}

function children(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (isObject(v))
    return Object.keys(v)
      .sort()
      .map((k) => v[k]);
  // Go indexes a string by bytes: its "children" are uint8 values, leaves.
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  return [];
}

function compare(op: string, a: Value, b: Value): boolean {
  const kinds = [typeof a, typeof b];
  if (kinds[0] !== kinds[1] && op !== '==' && op !== '!=') {
    throw new JsonPathEvalError('incompatible types for comparison');
  }
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '>':
      return (a as number) > (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>=':
      return (a as number) >= (b as number);
    default:
      throw new JsonPathEvalError(`unrecognized filter operator ${op}`);
  }
}

class Evaluator {
  readonly #allowMissing: boolean;
  beginRange = 0;
  inRange = 0;
  endRange = 0;

  constructor(allowMissing: boolean) {
    this.#allowMissing = allowMissing;
  }

  walk(input: Value[], node: JsonPathNode): Value[] {
    switch (node.kind) {
      case 'list':
        return node.nodes.reduce<Value[]>((cur, n) => this.walk(cur, n), input);
      case 'text':
        return [node.text];
      case 'number':
      case 'bool':
        return input.map(() => node.value);
      case 'field':
        return this.#field(input, node.name);
      case 'wildcard':
        return input.filter((v) => v !== null && v !== undefined).flatMap(children);
      case 'recursive':
        return this.#recursive(input);
      case 'array':
        return this.#array(input, node.params);
      case 'union':
        return node.lists.flatMap((l) => this.walk(input, l));
      case 'filter':
        return this.#filter(input, node);
      case 'identifier':
        if (node.name === 'range') {
          this.beginRange++;
          return input;
        }
        if (node.name === 'end') {
          if (this.inRange <= 0) throw new JsonPathEvalError('not in range, nothing to end');
          this.endRange++;
          return [];
        }
        throw new JsonPathEvalError(`unrecognized identifier ${node.name}`);
      default:
        throw new JsonPathEvalError('unexpected node');
    }
  }

  #field(input: Value[], name: string): Value[] {
    const out = input
      .filter(isObject)
      .filter((v) => Object.hasOwn(v, name))
      .map((v) => v[name]);
    if (out.length === 0 && input.length > 0 && !this.#allowMissing)
      throw new JsonPathEvalError(`${name} is not found`);
    return out;
  }

  #recursive(input: Value[]): Value[] {
    const out: Value[] = [];
    for (const v of input) {
      if (v === null || v === undefined) continue;
      const kids = children(v);
      if (kids.length === 0) continue;
      out.push(v, ...this.#recursive(kids));
    }
    return out;
  }

  #array(
    input: Value[],
    params: JsonPathNode & { kind: 'array' } extends { params: infer P } ? P : never,
  ): Value[] {
    const out: Value[] = [];
    for (const v of input) {
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw new JsonPathEvalError(`${goTypeName(v)} is not array or slice`);
      const len = v.length;
      let start = params[0].known ? params[0].value : 0;
      if (start < 0) start += len;
      let end = params[1].known ? params[1].value : len;
      if (end < 0 || (end === 0 && params[1].derived)) end += len;
      if (end === start) return out;
      if (start >= len || start < 0)
        throw new JsonPathEvalError(`array index out of bounds: index ${start}, length ${len}`);
      if (end > len || end < 0)
        throw new JsonPathEvalError(`array index out of bounds: index ${end - 1}, length ${len}`);
      if (start > end)
        throw new JsonPathEvalError(`starting index ${start} is greater than ending index ${end}`);
      const step = params[2].known ? params[2].value : 1;
      if (params[2].known && step <= 0) throw new JsonPathEvalError('step must be > 0');
      for (let i = start; i < end; i += step) out.push(v[i]);
    }
    return out;
  }

  #filter(input: Value[], node: JsonPathNode & { kind: 'filter' }): Value[] {
    const out: Value[] = [];
    for (const v of input) {
      if (!Array.isArray(v))
        throw new JsonPathEvalError(`${goSprint(v)} is not array or slice and cannot be filtered`);
      for (const item of v) {
        const lefts = this.walk([item], node.left);
        if (node.op === 'exists') {
          if (lefts.length > 0) out.push(item);
          continue;
        }
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathEvalError('can only compare one element at a time');
        const rights = this.walk([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathEvalError('can only compare one element at a time');
        if (compare(node.op, lefts[0], rights[0])) out.push(item);
      }
    }
    return out;
  }

  /** client-go's `FindResults`: one result list per top-level node, `range` bodies repeated per element. */
  find(data: Value, nodes: readonly JsonPathNode[]): Value[][] {
    const full: Value[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const results = this.walk([data], nodes[i] as JsonPathNode);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        return full;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        const body = nodes.slice(i + 1);
        const values = results.length > 0 ? results : [undefined];
        for (const value of values) {
          const part = this.find(value, body);
          if (results.length > 0) full.push(...part);
        }
        this.inRange--;
        i += rangeLength(body);
        continue;
      }
      full.push(results);
    }
    return full;
  }
}

/** How many nodes of `body` belong to the range that precedes it (up to and including its `end`). */
function rangeLength(body: readonly JsonPathNode[]): number {
  let depth = 0;
  for (let k = 0; k < body.length; k++) {
    const n = body[k] as JsonPathNode;
    const ident = n.kind === 'list' ? n.nodes.find((x) => x.kind === 'identifier') : undefined;
    if (ident?.kind === 'identifier' && ident.name === 'range') depth++;
    if (ident?.kind === 'identifier' && ident.name === 'end') {
      if (depth === 0) return k + 1;
      depth--;
    }
  }
  return body.length;
}

function goTypeName(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'map[string]interface {}';
}

function printValue(v: Value): string {
  if (Array.isArray(v) || isObject(v)) return goJson(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** Runs a parsed or textual template over `data`; throws JsonPathSyntaxError or JsonPathEvalError. */
export function executeJsonPath(
  template: string | readonly JsonPathNode[],
  data: Value,
  options: { allowMissingKeys?: boolean; json?: boolean } = {},
): string {
  const nodes = typeof template === 'string' ? parseJsonPath(template) : template;
  const results = new Evaluator(options.allowMissingKeys ?? true).find(data, nodes);
  if (options.json) return results.map((r) => `${goJson(r, '    ')}\n`).join('');
  return results.map((r) => r.map(printValue).join(' ')).join('');
}

/** The raw result lists of a parsed template (for `--sort-by`). */
export function executeJsonPathResults(template: readonly JsonPathNode[], data: Value): Value[][] {
  return new Evaluator(true).find(data, template);
}

/** The values of one custom column: `<none>` when nothing matches, Go-printed values joined by commas. */
export function columnValues(template: readonly JsonPathNode[], data: Value): string {
  const results = new Evaluator(true).find(data, template);
  const values = results.flat();
  if (results.length === 0 || (results[0] ?? []).length === 0) return '<none>';
  return values.map(goSprint).join(',');
}

export type { JsonPathNode };
export { parseJsonPath };
/** True for the errors a template can raise (bad syntax, or a failed evaluation). */
export function isJsonPathError(err: unknown): err is Error {
  return err instanceof JsonPathSyntaxError || err instanceof JsonPathEvalError;
}
