/**
 * JSON value helpers the strategies share: a fast deep clone (defaulting works
 * on a private copy, never on a store object), structural equality with
 * apimachinery's semantic rules, and the canonical form used to compare pod
 * templates.
 */

/** Deep copy of a JSON value; functions and `undefined` members are dropped. */
export function deepClone<T>(value: T): T {
  // Index loops and for-in, not map/entries: every registry write clones an object.
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = deepClone(value[i]);
    return out as T;
  }
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    if (!Object.hasOwn(src, k)) continue;
    const v = src[k];
    if (v !== undefined && typeof v !== 'function') out[k] = deepClone(v);
  }
  return out as T;
}

/**
 * Structural equality; `undefined` members equal absent ones, as after JSON
 * serialisation. Empty and absent are *not* equal here; use `canonicalize`
 * first for Go's semantic equality.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Count the defined members of `a` that matched; `b` must have no others.
  let count = 0;
  for (const k in ao) {
    if (!Object.hasOwn(ao, k) || ao[k] === undefined) continue;
    count++;
    if (!jsonEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (Object.hasOwn(bo, k) && bo[k] !== undefined) count--;
  return count === 0;
}

/**
 * The canonical form of a JSON value for comparison and hashing: `null`,
 * `undefined`, empty objects and empty arrays are dropped (Go's
 * `apiequality.Semantic.DeepEqual` treats nil and empty alike, and
 * `omitempty` hides both), and object keys are sorted so that
 * `JSON.stringify` of the result is stable. Returns undefined for a value that
 * is entirely empty.
 */
export function canonicalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => canonicalize(v) ?? {});
    return items.length === 0 ? undefined : items;
  }
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = canonicalize((value as Record<string, unknown>)[k]);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
