/**
 * Defensive readers for objects as users send them: a validator may meet a
 * string where a number belongs, or `null` where a list belongs, and must
 * report it, never throw. Plus field-path builders that render paths as
 * apimachinery's `field.Path` does (`spec.containers[0].ports[1]`, `metadata.labels[app]`).
 */

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is an object, else an empty object. */
export function rec(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

/** The value when it is an array, else an empty array. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Array of objects: non-object items read as `{}`. */
export function recs(value: unknown): JsonObject[] {
  return arr(value).map(rec);
}

/** The value when it is a string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a number, else undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A string map (labels, selectors): non-string values are dropped. */
export function strMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `parent.name` (`field.Path.Child`). */
export function child(parent: string, ...names: string[]): string {
  // Called for every field of every object written: no intermediate arrays.
  let out = parent;
  for (const name of names) {
    if (name === '') continue;
    out = out === '' ? name : `${out}.${name}`;
  }
  return out;
}

/** `parent[i]` (`field.Path.Index`). */
export function index(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

/** `parent[key]` (`field.Path.Key`). */
export function key(parent: string, k: string): string {
  return `${parent}[${k}]`;
}
