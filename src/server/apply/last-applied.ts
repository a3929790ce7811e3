/**
 * Client-side apply bookkeeping as kubectl does it
 * (`kubectl/pkg/util.GetModifiedConfiguration`, `apply.go`): the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation holds the
 * manifest as JSON (keys sorted, as Go's encoder writes maps, plus a trailing
 * newline), and an update is the three-way strategic merge patch of
 * last-applied → manifest against the live object. Pure.
 */
import type { KubeObject } from '../../api/index.js';
import {
  applyStrategicMergePatch,
  createThreeWayMergePatch,
  isObject,
  type JsonObject,
  type JsonValue,
  patchSchemaFor,
} from '../patch/index.js';

/** The annotation client-side apply keeps the last applied manifest in. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** JSON with object keys sorted at every level (Go `encoding/json` on maps). */
export function sortedJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(value[k] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The manifest as kubectl sends it: its annotations (an empty map when it had
 * none) plus the last-applied annotation holding the manifest itself.
 */
export function withLastApplied(manifest: KubeObject): KubeObject {
  const annotations: Record<string, string> = { ...(manifest.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const bare = { ...manifest, metadata: { ...manifest.metadata, annotations } };
  const text = `${sortedJson(bare as unknown as JsonValue)}\n`;
  return { ...bare, metadata: { ...bare.metadata, annotations: { ...annotations, [LAST_APPLIED]: text } } };
}

/** The last applied configuration of a live object; undefined when absent or unparsable. */
export function lastAppliedOf(live: KubeObject): JsonObject | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What applying `modified` (from `withLastApplied`) to `live` does. */
export type ApplyPlan =
  | { readonly action: 'unchanged' }
  | { readonly action: 'configured'; readonly object: KubeObject; readonly patch: JsonObject };

/**
 * Plans a client-side apply update: the three-way patch against the live
 * object; an empty patch means unchanged (kubectl sends nothing then).
 */
export function planApply(live: KubeObject, modified: KubeObject): ApplyPlan {
  const schema = patchSchemaFor(live.kind);
  const original = lastAppliedOf(live) ?? {};
  const patch = createThreeWayMergePatch(
    original,
    modified as unknown as JsonObject,
    live as unknown as JsonObject,
    schema,
  );
  if (Object.keys(patch).length === 0) return { action: 'unchanged' };
  const object = applyStrategicMergePatch(
    live as unknown as JsonObject,
    patch,
    schema,
  ) as unknown as KubeObject;
  return { action: 'configured', object, patch };
}
