/**
 * JSON patch (RFC 6902), `application/json-patch+json`: what `kubectl rollout
 * undo` sends (`replace /spec/template`, `replace /metadata/annotations`).
 * Operations apply in order to a copy; the first failing one fails the whole
 * patch (422 upstream, with apimachinery's generic text), and `replace` or
 * `remove` of a missing path is a failure, as the RFC requires.
 */
import { assertNever } from '../../util/index.js';
import { cloneJson, isObject, type JsonObject, type JsonValue, jsonEqual, PatchError } from './json.js';

/** One operation after decoding. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: JsonValue;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Validates the shape of a patch document. Throws a 400 PatchError. */
export function decodeJsonPatch(patch: JsonValue): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw new PatchError(
      `json: cannot unmarshal ${isObject(patch) ? 'object' : typeof patch} into Go value of type jsonpatch.Patch`,
    );
  }
  return patch.map((raw) => {
    if (!isObject(raw))
      throw new PatchError('json: cannot unmarshal into Go value of type jsonpatch.Operation');
    const op = raw.op;
    if (typeof op !== 'string' || !OPS.has(op)) throw new PatchError(`Unexpected kind: ${String(op)}`, 422);
    if (typeof raw.path !== 'string') throw new PatchError(`${op} operation missing path`, 422);
    const out: { -readonly [K in keyof JsonPatchOperation]: JsonPatchOperation[K] } = {
      op: op as JsonPatchOperation['op'],
      path: raw.path,
    };
    if (typeof raw.from === 'string') out.from = raw.from;
    if ('value' in raw) out.value = raw.value as JsonValue;
    return out;
  });
}

/** `/a/b~1c/0` → `['a', 'b/c', '0']`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`, 422);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = JsonObject | JsonValue[];

/** Walks to the parent of the last token; undefined when a step is missing. */
function parentOf(doc: JsonValue, tokens: string[]): Container | undefined {
  let cur: JsonValue | undefined = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length - 1)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return Array.isArray(cur) || isObject(cur) ? cur : undefined;
}

function arrayIndex(token: string, max: number): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index: ${token}`, 422);
  const i = Number(token);
  if (i > max) throw new PatchError(`array index out of bounds: ${i}`, 422);
  return i;
}

function get(doc: JsonValue, path: string, op: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length - 1)] as JsonValue;
  if (parent && Object.hasOwn(parent, last)) return parent[last] as JsonValue;
  throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}`, 422);
}

function remove(doc: JsonValue, path: string, op: string): JsonValue {
  const tokens = parsePointer(path);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length - 1);
    return parent.splice(i, 1)[0] as JsonValue;
  }
  if (parent && Object.hasOwn(parent, last)) {
    const old = parent[last] as JsonValue;
    delete parent[last];
    return old;
  }
  throw new PatchError(`${op} operation does not apply: doc is missing key: ${path}`, 422);
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last, parent.length);
    parent.splice(i, 0, value);
  } else if (parent) {
    parent[last] = value;
  } else {
    throw new PatchError(`add operation does not apply: doc is missing path: ${path}`, 422);
  }
  return doc;
}

/** Applies the operations in order to a copy of `doc`. Throws PatchError (422) on the first failure. */
export function applyJsonPatch(doc: JsonValue, patch: JsonValue): JsonValue {
  let out = cloneJson(doc);
  for (const op of decodeJsonPatch(patch)) {
    switch (op.op) {
      case 'add':
        out = add(out, op.path, cloneJson(op.value ?? null));
        break;
      case 'remove':
        if (op.path === '')
          throw new PatchError('remove operation does not apply: doc is missing key: ', 422);
        remove(out, op.path, 'remove');
        break;
      case 'replace':
        if (op.path === '') {
          out = cloneJson(op.value ?? null);
          break;
        }
        get(out, op.path, 'replace');
        remove(out, op.path, 'replace');
        out = add(out, op.path, cloneJson(op.value ?? null));
        break;
      case 'move': {
        const value = remove(out, op.from ?? '', 'move');
        out = add(out, op.path, value);
        break;
      }
      case 'copy':
        out = add(out, op.path, cloneJson(get(out, op.from ?? '', 'copy')));
        break;
      case 'test':
        if (!jsonEqual(get(out, op.path, 'test'), op.value ?? null)) {
          throw new PatchError(`testing value ${op.path} failed: test failed`, 422);
        }
        break;
      default:
        assertNever(op.op);
    }
  }
  return out;
}
