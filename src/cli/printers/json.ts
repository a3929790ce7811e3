/**
 * JSON as kubectl prints it (`-o json`): Go's `json.MarshalIndent(obj, "", "    ")`
 * of an unstructured object, so keys are sorted at every level and `<`, `>`,
 * `&`, U+2028 and U+2029 are escaped as Go's encoder escapes them.
 */

/** Returns a copy of a JSON value with every object's keys in Go's (byte-wise) order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Go's HTML-safe string escapes, applied to JSON text. */
function goEscapes(json: string): string {
  return json
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** The text `kubectl get -o json` prints for an object or List; ends with a newline. */
export function toJson(value: unknown): string {
  return `${goEscapes(JSON.stringify(sortKeys(value), null, 4))}\n`;
}
