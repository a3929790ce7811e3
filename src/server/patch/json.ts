/**
 * Plain JSON values, as the patch engines see objects: parsed request bodies
 * and stored objects alike. The engines never mutate their inputs; they build
 * new values (store objects are shared and may be frozen).
 */

/** Any decoded JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A decoded JSON object (Go `map[string]interface{}`). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Thrown by every patch engine for a malformed patch; the server maps `httpCode` to a Status. */
export class PatchError extends Error {
  readonly code = 'ERR_PATCH';
  /** 400 for a malformed patch, 422 when a well-formed patch cannot be applied. */
  readonly httpCode: 400 | 422;

  constructor(message: string, httpCode: 400 | 422 = 400) {
    super(message);
    this.httpCode = httpCode;
  }
}

/** Whether `v` is a JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy through JSON (drops `undefined`), used to detach request bodies. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** The type tag Go's `reflect.TypeOf` would give a decoded JSON value. */
export function jsonKind(v: JsonValue): 'null' | 'object' | 'array' | 'string' | 'number' | 'boolean' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

/** Go's `fmt.Sprintf("%v")` of a scalar, used for ordering and matching. */
export function scalarText(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
