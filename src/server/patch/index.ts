/**
 * The patch engines behind `PATCH` (and the netkube apply route): JSON patch,
 * JSON merge patch, strategic merge patch (apply and diff) and the server-side
 * apply approximation. All are pure functions on JSON values.
 */
import { assertNever } from '../../util/index.js';

import type { JsonObject, JsonValue } from './json.js';
import { isObject, PatchError } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { mergePatchObject } from './merge-patch.js';
import type { PatchSchema } from './schema.js';
import { createThreeWayMergePatch } from './strategic-diff.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export { cloneJson, isObject, type JsonObject, type JsonValue, jsonEqual, PatchError } from './json.js';
export { applyJsonPatch, decodeJsonPatch } from './json-patch.js';
export { applyMergePatch, mergePatchObject } from './merge-patch.js';
export { ANY, type PatchSchema, patchSchemaFor } from './schema.js';
export { createThreeWayMergePatch, createTwoWayMergePatch } from './strategic-diff.js';
export { applyStrategicMergePatch } from './strategic-merge.js';

/** The PATCH content types the server accepts, as `types.PatchType` names them. */
export const PATCH_CONTENT_TYPES = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
} as const;

export type PatchType = (typeof PATCH_CONTENT_TYPES)[keyof typeof PATCH_CONTENT_TYPES];

/** The patch type of a Content-Type header (parameters ignored), or undefined. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (PATCH_CONTENT_TYPES as Record<string, PatchType>)[base];
}

/**
 * Applies a JSON, merge or strategic merge patch to `live` and returns the
 * patched object. Throws PatchError. Server-side apply goes through
 * `serverSideApply`, which needs the previous intent.
 */
export function applyPatch(
  type: Exclude<PatchType, 'apply'>,
  live: JsonObject,
  patch: JsonValue,
  schema: PatchSchema,
): JsonObject {
  switch (type) {
    case 'json': {
      const out = applyJsonPatch(live, patch);
      if (!isObject(out)) throw new PatchError('the patched document is not an object', 422);
      return out;
    }
    case 'merge':
      return mergePatchObject(live, patch);
    case 'strategic':
      return applyStrategicMergePatch(live, patch, schema);
    default:
      return assertNever(type);
  }
}

/**
 * The server-side apply approximation (no managedFields): the applied intent is
 * merged into the live object as a three-way strategic merge against the same
 * manager's previous intent, so fields the manager stopped applying are
 * removed and fields other writers set are kept. `live` undefined means create.
 */
export function serverSideApply(
  live: JsonObject | undefined,
  applied: JsonObject,
  previousIntent: JsonObject | undefined,
  schema: PatchSchema,
): JsonObject {
  if (!live) return applied;
  const patch = createThreeWayMergePatch(previousIntent ?? {}, applied, live, schema);
  return applyStrategicMergePatch(live, patch, schema);
}
