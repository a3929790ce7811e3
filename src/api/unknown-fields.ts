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
