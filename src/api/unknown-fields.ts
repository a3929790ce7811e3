/**
 * What the API server's strict decoder checks before any validation: unknown
 * fields (`kubectl apply` sends `fieldValidation=Strict`, and the server
 * answers `strict decoding error: unknown field "spec.replica"`), values of
 * the wrong JSON type, and `null`s, which Go's decoder turns into zero values.
 * Driven by the schema generated from kubernetes-types
 * (`scripts/generate-api-schema.mjs` → `generated/api-schema.ts`).
 */
import { type FieldError, fieldError } from './field-errors.js';
import { API_SCHEMA } from './generated/api-schema.js';
import { GO_FIELD_TYPES } from './generated/go-types.js';
import { isRecord, type JsonObject } from './validation/values.js';

/** Kind → root type name; type name → field → field type code (see the generator). */
export interface ApiSchema {
  readonly kinds: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The root type of a kind, or undefined for kinds the schema does not know. */
function rootType(obj: unknown): string | undefined {
  const kind = isRecord(obj) ? obj.kind : undefined;
  return typeof kind === 'string' ? API_SCHEMA.kinds[kind] : undefined;
}

/** Whether the schema describes a kind (every kind in `RESOURCES` is described). */
export function hasSchema(kind: string): boolean {
  return API_SCHEMA.kinds[kind] !== undefined;
}

type Visit = (path: string, code: string, value: unknown) => void;

/** Walks `value` as type `code`, calling `onUnknown` for fields the type lacks and `visit` for every typed value. */
function walk(
  value: unknown,
  code: string,
  path: string,
  onUnknown: (path: string) => void,
  visit: Visit,
): void {
  if (value === null || value === undefined) return;
  visit(path, code, value);
  if (code.startsWith('[]')) {
    if (Array.isArray(value))
      value.forEach((v, i) => {
        walk(v, code.slice(2), `${path}[${i}]`, onUnknown, visit);
      });
    return;
  }
  if (code.startsWith('{}')) {
    if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, code.slice(2), `${path}[${k}]`, onUnknown, visit);
    }
    return;
  }
  const fields = API_SCHEMA.types[code];
  if (!fields || !isRecord(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const fieldPath = path ? `${path}.${k}` : k;
    const fieldCode = fields[k];
    if (fieldCode === undefined) onUnknown(fieldPath);
    else walk(v, fieldCode, fieldPath, onUnknown, visit);
  }
}

/**
 * Field paths of `obj` that its kind does not have, in the strict decoder's
 * notation (`spec.replica`, `spec.template.spec.containers[0].imagePullPolicyy`).
 * Empty for kinds without a schema. Report each as
 * `strict decoding error: unknown field "<path>"` (see `unknownFieldMessage`).
 */
export function findUnknownFields(obj: unknown): string[] {
  const root = rootType(obj);
  if (!root) return [];
  const unknown: string[] = [];
  walk(
    obj,
    root,
    '',
    (p) => unknown.push(p),
    () => {},
  );
  return unknown;
}

/** The API server's text for unknown fields: `strict decoding error: unknown field "a", unknown field "b"`. */
export function unknownFieldMessage(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(', ')}`;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}

/** The JSON type a field type code expects, or undefined when any value goes. */
function expectedType(code: string): string | undefined {
  if (code.startsWith('[]')) return 'array';
  if (code.startsWith('{}')) return 'object';
  switch (code) {
    case 'string':
    case 'number':
    case 'boolean':
      return code;
    case 'int-or-string':
    case 'quantity':
      return 'string or number';
    case 'any':
      return undefined;
    default:
      return 'object';
  }
}

function matches(expected: string, value: unknown): boolean {
  const actual = typeName(value);
  return expected === 'string or number' ? actual === 'string' || actual === 'number' : actual === expected;
}

/**
 * Values of the wrong JSON type (a number where a string belongs, as in
 * `labels: {version: 1.0}` or an unquoted env value), which the API server's
 * decoder rejects before validation. One `FieldValueTypeInvalid` per value,
 * detail `must be of type <type>`.
 */
export function checkFieldTypes(obj: unknown): FieldError[] {
  const root = rootType(obj);
  if (!root) return [];
  const errs: FieldError[] = [];
  walk(
    obj,
    root,
    '',
    () => {},
    (path, code, value) => {
      const expected = expectedType(code);
      if (expected && path && !matches(expected, value)) {
        errs.push(fieldError.typeInvalid(path, value, `must be of type ${expected}`));
      }
    },
  );
  return errs;
}

/** The zero value Go's decoder leaves where JSON had `null` in a list or map. */
function zeroOf(code: string): unknown {
  if (code === 'string') return '';
  if (code === 'number') return 0;
  if (code === 'boolean') return false;
  if (code.startsWith('[]')) return [];
  return code === 'any' || code === 'int-or-string' || code === 'quantity' ? '' : {};
}

function normalize(value: unknown, code: string | undefined): unknown {
  if (Array.isArray(value)) {
    const item = code?.startsWith('[]') ? code.slice(2) : undefined;
    return value.map((v) => (v === null && item ? zeroOf(item) : normalize(v, item)));
  }
  if (!isRecord(value)) return value;
  const out: JsonObject = {};
  const mapValue = code?.startsWith('{}') ? code.slice(2) : undefined;
  const fields = code ? API_SCHEMA.types[code] : undefined;
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) {
      if (mapValue) out[k] = zeroOf(mapValue);
      continue;
    }
    out[k] = normalize(v, mapValue ?? fields?.[k]);
  }
  return out;
}

/**
 * Decodes `null`s as the API server does: a `null` field is absent
 * (`creationTimestamp: null` in a template disappears), a `null` list item or
 * map value becomes its type's zero value (`labels: {tier: }` → `tier: ""`).
 * Returns a new object.
 */
export function normalizeNulls<T>(obj: T): T {
  return normalize(obj, rootType(obj)) as T;
}

/** A path from an object's root to a nested ObjectMeta; `[]` steps into every list item. */
type MetaPath = readonly string[];

/** Go's field order of ObjectMeta up to `creationTimestamp` (the keys JSON writes before it). */
const META_KEYS_BEFORE_CREATION = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
]);

const metaPathsByType = new Map<string, readonly MetaPath[]>();

/**
 * Paths, relative to a value of type `code`, of the ObjectMetas nested in it
 * (pod templates, claim templates); computed once per type. `visiting` guards
 * against recursive types (none of the served kinds has one).
 */
function nestedMetaPaths(code: string, visiting: Set<string> = new Set()): readonly MetaPath[] {
  const cached = metaPathsByType.get(code);
  if (cached) return cached;
  const fields = API_SCHEMA.types[code];
  if (!fields || visiting.has(code)) return [];
  visiting.add(code);
  const out: MetaPath[] = [];
  for (const [key, fieldCode] of Object.entries(fields)) {
    let type = fieldCode;
    const path = [key];
    while (type.startsWith('[]') || type.startsWith('{}')) {
      path.push(type.startsWith('[]') ? '[]' : '{}');
      type = type.slice(2);
    }
    if (type === 'meta.ObjectMeta') out.push(path);
    else for (const rest of nestedMetaPaths(type, visiting)) out.push([...path, ...rest]);
  }
  visiting.delete(code);
  metaPathsByType.set(code, out);
  return out;
}

const metaPathsByRoot = new Map<string, readonly MetaPath[]>();

/** The nested ObjectMetas of a kind's root type: everything but the object's own `metadata`. */
function metaPathsOf(root: string): readonly MetaPath[] {
  let paths = metaPathsByRoot.get(root);
  if (!paths) {
    paths = nestedMetaPaths(root).filter((p) => !(p.length === 1 && p[0] === 'metadata'));
    metaPathsByRoot.set(root, paths);
  }
  return paths;
}

/** ObjectMeta with `creationTimestamp: null` in Go's key order, when it has none. */
function withNullCreation(meta: JsonObject): JsonObject {
  if ('creationTimestamp' in meta) return meta;
  const out: JsonObject = {};
  let placed = false;
  for (const [k, v] of Object.entries(meta)) {
    if (!placed && !META_KEYS_BEFORE_CREATION.has(k)) {
      out.creationTimestamp = null;
      placed = true;
    }
    out[k] = v;
  }
  if (!placed) out.creationTimestamp = null;
  return out;
}

/** `value` with the ObjectMeta at `path[i..]` completed; the same value when nothing changes. */
function completeMetaAt(value: unknown, path: MetaPath, i: number): unknown {
  const step = path[i];
  if (step === '[]' || step === '{}') {
    if (step === '[]' && Array.isArray(value)) {
      let changed = false;
      const items = value.map((v) => {
        const next = completeMetaAt(v, path, i + 1);
        changed ||= next !== v;
        return next;
      });
      return changed ? items : value;
    }
    if (step === '{}' && isRecord(value)) {
      let changed = false;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = completeMetaAt(v, path, i + 1);
        changed ||= out[k] !== v;
      }
      return changed ? out : value;
    }
    return value;
  }
  if (!isRecord(value) || step === undefined) return value;
  const child = value[step];
  let next: unknown;
  if (i === path.length - 1) {
    // A non-pointer ObjectMeta: Go writes it even when empty, and its zero Time as null.
    next = withNullCreation(isRecord(child) ? child : {});
  } else {
    if (child === undefined || child === null) return value;
    next = completeMetaAt(child, path, i + 1);
  }
  return next === child ? value : { ...value, [step]: next };
}

/**
 * An object as the API server's JSON encoder writes it: every ObjectMeta
 * nested in it (a Deployment's or ReplicaSet's `spec.template.metadata`, an
 * ephemeral volume's claim template) carries `creationTimestamp: null`,
 * because Go's `metav1.Time` zero value encodes as null and `omitempty`
 * does not apply to structs. `normalizeNulls` drops it on the way in, so
 * stored objects never hold it; call this on every object a response carries.
 * Returns the same object when there is nothing to add.
 */
export function encodeObject<T>(obj: T): T {
  const root = rootType(obj);
  if (!root) return obj;
  let out: unknown = obj;
  for (const path of metaPathsOf(root)) out = completeMetaAt(out, path, 0);
  return out as T;
}

/** How the API server reads the object: Go's `encoding/json` (bodies, JSON and merge patches) or the unstructured converter (strategic merge patches). */
export type DecodeStyle = 'json' | 'unstructured';

/** `resource.Quantity`'s parse error, which its UnmarshalJSON returns as is. */
const QUANTITY_FORMAT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** The Go type a schema code implies: `v1.Container`, `[]string`, `map[string]string`, `int32`. */
function impliedGoType(code: string): string {
  if (code.startsWith('[]')) return `[]${impliedGoType(code.slice(2))}`;
  if (code.startsWith('{}')) return `map[string]${impliedGoType(code.slice(2))}`;
  switch (code) {
    case 'string':
      return 'string';
    case 'number':
      return 'int32';
    case 'boolean':
      return 'bool';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'any':
      return 'interface {}';
    default:
      return `v1.${code.slice(code.indexOf('.') + 1)}`;
  }
}

/** The Go type of an element of a slice or map whose own Go type is `goType`. */
function elementGoType(goType: string, elementCode: string): string {
  if (goType.startsWith('[]')) return goType.slice(2);
  const map = /^map\[[^\]]+\](.+)$/.exec(goType);
  return map ? (map[1] as string) : impliedGoType(elementCode);
}

/** JSON's name of a value's type in Go's UnmarshalTypeError. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** The Go kind the unstructured converter sees for a decoded JSON value. */
function unstructuredKind(value: unknown): string {
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'map' : 'string';
}

interface DecodeContext {
  readonly style: DecodeStyle;
  /** The Go struct whose field is being decoded (`EnvVar`). */
  readonly struct: string;
  /** JSON names from the root, without list indexes or map keys (Go's error context). */
  readonly fields: readonly string[];
}

/** `json: cannot unmarshal <what> into Go struct field <Struct>.<path> of type <type>`. */
function unmarshalTypeError(ctx: DecodeContext, what: string, goType: string): string {
  return `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${goType}`;
}

/** A scalar that is not what the field holds: Go's decoder or the unstructured converter's words. */
function scalarError(ctx: DecodeContext, value: unknown, goType: string, kind: string): string {
  if (ctx.style === 'json') return unmarshalTypeError(ctx, jsonKind(value), goType);
  const from = unstructuredKind(value);
  if (kind === 'string' && (from === 'int64' || from === 'float64'))
    return `cannot convert ${from} to ${goType}`;
  return `unrecognized type: ${kind}`;
}

/** An integer field: Go wants an integer literal that fits. */
function integerError(ctx: DecodeContext, value: unknown, goType: string): string | undefined {
  if (typeof value !== 'number') return scalarError(ctx, value, goType, goType);
  const [min, max] = INT_RANGE[goType] ?? INT_RANGE.int32 ?? [0, 0];
  if (Number.isInteger(value) && (ctx.style === 'unstructured' || (value >= min && value <= max)))
    return undefined;
  if (ctx.style === 'unstructured') return `cannot convert float64 to ${goType}`;
  return unmarshalTypeError(ctx, `number ${String(value)}`, goType);
}

/** The custom UnmarshalJSON of metav1.Time, intstr.IntOrString and resource.Quantity. */
function customError(ctx: DecodeContext, value: unknown, code: string, goType: string): string | undefined {
  const plain = (what: string, type: string) =>
    ctx.style === 'json'
      ? unmarshalTypeError(ctx, what, type)
      : `json: cannot unmarshal ${what} into Go value of type ${type}`;
  if (code === 'quantity')
    return typeof value === 'string' || typeof value === 'number' ? undefined : QUANTITY_FORMAT;
  if (code === 'int-or-string') {
    if (typeof value === 'string') return undefined;
    if (typeof value === 'number')
      return Number.isInteger(value) ? undefined : plain(`number ${String(value)}`, 'int32');
    return plain(jsonKind(value), 'int32');
  }
  // v1.Time and v1.MicroTime unmarshal a string first.
  return typeof value === 'string' || goType === 'interface {}'
    ? undefined
    : plain(jsonKind(value), 'string');
}

/** The first decode error of `value` read as `code` (Go type `goType`), or undefined. */
function decodeError(value: unknown, code: string, goType: string, ctx: DecodeContext): string | undefined {
  if (value === null || value === undefined || code === 'any') return undefined;
  if (code === 'int-or-string' || code === 'quantity' || goType === 'v1.Time' || goType === 'v1.MicroTime')
    return customError(ctx, value, code, goType);
  if (code.startsWith('[]') || code.startsWith('{}')) {
    const list = code.startsWith('[]');
    if (list ? !Array.isArray(value) : !isRecord(value)) {
      if (ctx.style === 'json') return unmarshalTypeError(ctx, jsonKind(value), goType);
      return `cannot restore ${list ? 'slice' : 'map'} from ${unstructuredKind(value)}`;
    }
    const item = code.slice(2);
    const itemGo = elementGoType(goType, item);
    for (const v of list ? (value as unknown[]) : Object.values(value as JsonObject)) {
      const err = decodeError(v, item, itemGo, ctx);
      if (err) return err;
    }
    return undefined;
  }
  switch (code) {
    case 'string':
      if (goType === '[]uint8')
        return typeof value === 'string' ? base64Error(value) : scalarError(ctx, value, goType, 'slice');
      return typeof value === 'string' ? undefined : scalarError(ctx, value, goType, 'string');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : scalarError(ctx, value, goType, 'bool');
    case 'number':
      return integerError(ctx, value, goType);
    default:
      break;
  }
  if (!isRecord(value)) {
    if (ctx.style === 'json') return unmarshalTypeError(ctx, jsonKind(value), goType);
    return `cannot restore struct from: ${unstructuredKind(value)}`;
  }
  return decodeStruct(value, code, ctx);
}

/** Go's `illegal base64 data at input byte N` for a `[]byte` field, or undefined. */
function base64Error(text: string): string | undefined {
  const m = /[^A-Za-z0-9+/=\r\n]/.exec(text);
  if (m) return `illegal base64 data at input byte ${m.index}`;
  const clean = text.replace(/[\r\n]/g, '');
  const padding = clean.indexOf('=');
  if (clean.length % 4 !== 0 || (padding >= 0 && !/^={1,2}$/.test(clean.slice(padding)))) {
    return `illegal base64 data at input byte ${padding >= 0 ? padding : clean.length - (clean.length % 4)}`;
  }
  return undefined;
}

function decodeStruct(value: JsonObject, code: string, ctx: DecodeContext): string | undefined {
  const fields = API_SCHEMA.types[code];
  if (!fields) return undefined;
  const struct = code.slice(code.indexOf('.') + 1);
  for (const [k, v] of Object.entries(value)) {
    const fieldCode = fields[k];
    if (fieldCode === undefined) continue;
    const goType = GO_FIELD_TYPES[code]?.[k] ?? impliedGoType(fieldCode);
    const err = decodeError(v, fieldCode, goType, { style: ctx.style, struct, fields: [...ctx.fields, k] });
    if (err) return err;
  }
  return undefined;
}

/**
 * The error the API server's decoding of `obj` into its Go type returns,
 * or undefined when it decodes. `json` (request bodies, JSON and merge
 * patches) gives Go's `encoding/json` text for the first mismatch in document
 * order (`json: cannot unmarshal number into Go struct field
 * EnvVar.spec.template.spec.containers.env.value of type string`; a bad
 * base64 `[]byte`: `illegal base64 data at input byte 4`); `unstructured`
 * (strategic merge patches) the unstructured converter's (`unrecognized
 * type: int32`, `cannot convert int64 to string`, `cannot restore struct
 * from: string`). Kinds without Go types (the Calico CRDs) are not checked
 * here: `checkFieldTypes` covers them.
 */
export function goDecodeError(obj: unknown, style: DecodeStyle = 'json'): string | undefined {
  const root = rootType(obj);
  if (!root || root.startsWith('calico.') || !isRecord(obj)) return undefined;
  return decodeStruct(obj, root, { style, struct: root.slice(root.indexOf('.') + 1), fields: [] });
}
