/**
 * JSON merge patch (RFC 7386), `application/merge-patch+json`: what `kubectl
 * scale`, `label` and `annotate` send. Objects merge recursively, `null`
 * removes a member, anything else (arrays included) replaces the target.
 */
import { isObject, type JsonObject, type JsonValue, PatchError } from './json.js';

/** Applies `patch` to `target` and returns a new value; neither input is modified. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * Applies a merge patch to an object. The patch must itself be an object: a
 * patch that would replace the whole object by a scalar or array is rejected,
 * as the API server does when it decodes the result.
 */
export function mergePatchObject(target: JsonObject, patch: JsonValue): JsonObject {
  if (!isObject(patch)) {
    throw new PatchError(
      `json: cannot unmarshal ${describe(patch)} into Go value of type map[string]interface {}`,
    );
  }
  return applyMergePatch(target, patch) as JsonObject;
}

function describe(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}
