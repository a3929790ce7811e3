/**
 * Strategic merge patch, `application/strategic-merge-patch+json`: what
 * client-side `kubectl apply`, `set image`, `rollout restart|pause` and
 * `cordon` send. A JSON merge patch plus list merging by patch merge key and
 * the directives `$patch` (replace|delete|merge), `$setElementOrder/<list>`,
 * `$retainKeys` and `$deleteFromPrimitiveList/<list>`. Semantics follow
 * apimachinery `strategicpatch.StrategicMergeMapPatch` (apply side) and
 * `mergeMap` with `MergeParallelList: false` (combining two patches, used by the
 * three-way diff); merge keys come from `schema.ts`.
 */
import { isObject, type JsonObject, type JsonValue, jsonEqual, jsonKind, PatchError } from './json.js';
import { ANY, fieldSchema, itemSchema, type PatchSchema } from './schema.js';
import {
  copyObject,
  DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE,
  dedupeScalars,
  directiveTarget,
  itemKindOf,
  normalizeOrder,
  partitionByPresence,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
} from './strategic-order.js';
import { validateSetElementOrder } from './strategic-validate.js';

/** apimachinery `MergeOptions`. */
export interface MergeOptions {
  /** Apply the parallel lists (`$deleteFromPrimitiveList`, `$setElementOrder`, `$retainKeys`) rather than carry them. */
  readonly mergeParallelList: boolean;
  /** Drop `null` members whose key the original lacks (true when applying; false when combining patches). */
  readonly ignoreUnmatchedNulls: boolean;
}

/** Options when applying a patch to an object (server side). */
export const APPLY: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };
/** Options when merging two patches into one (three-way diff). */
export const COMBINE: MergeOptions = { mergeParallelList: false, ignoreUnmatchedNulls: false };

/**
 * Applies a strategic merge patch to `original` and returns the result. Neither
 * input is modified. Throws PatchError on a malformed patch.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonValue,
  schema: PatchSchema,
): JsonObject {
  if (!isObject(patch)) throw new PatchError('invalid JSON document');
  return mergeMap(copyObject(original), copyObject(patch), schema, APPLY);
}

/** `mergeMap`: merges `patch` into `original` (both owned by the caller and mutated). */
export function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  schema: PatchSchema,
  options: MergeOptions,
): JsonObject {
  if (DIRECTIVE in patch) return mapDirective(patch[DIRECTIVE] as JsonValue, patch);
  applyRetainKeys(original, patch, options);
  mergeOrderedLists(original, patch, schema, options);
  for (const [rawKey, patchV] of Object.entries(patch)) {
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      if (!options.mergeParallelList) {
        original[rawKey] = patchV;
        continue;
      }
      key = directiveTarget(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[key];
      if (options.ignoreUnmatchedNulls) continue;
    }
    const sub = fieldSchema(schema, key);
    const current = original[key];
    if (current === undefined || jsonKind(current) !== jsonKind(patchV)) {
      if (!isDeleteList) original[key] = materialize(patchV, sub, options);
      continue;
    }
    if (isObject(current) && isObject(patchV)) {
      original[key] = mergeMap(current, patchV, sub, options);
    } else if (Array.isArray(current) && Array.isArray(patchV)) {
      original[key] = mergeListField(current, patchV, sub, isDeleteList, options);
    } else {
      original[key] = patchV;
    }
  }
  return original;
}

function mapDirective(directive: JsonValue, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    const { [DIRECTIVE]: _d, ...rest } = patch;
    return rest;
  }
  if (directive === 'delete') return {};
  throw new PatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
}

/**
 * A patch value for a key the original lacks. When applying, it is merged into
 * an empty value so directives and nulls never reach the stored object; when
 * combining patches it is carried as is.
 */
function materialize(value: JsonValue, schema: PatchSchema, options: MergeOptions): JsonValue {
  if (!options.mergeParallelList) return value;
  if (isObject(value)) return mergeMap({}, value, schema, options);
  if (Array.isArray(value) && schema.type === 'mergeList' && value.length > 0) {
    return mergeList([], value, schema, false, options);
  }
  return value;
}

function mergeListField(
  current: JsonValue[],
  patch: JsonValue[],
  schema: PatchSchema,
  isDeleteList: boolean,
  options: MergeOptions,
): JsonValue[] {
  if (schema.type !== 'mergeList') return patch;
  return mergeList(current, patch, schema, isDeleteList, options);
}

/** `mergeSlice`: merges a list with `patchStrategy:"merge"`. */
export function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  schema: PatchSchema,
  isDeleteList: boolean,
  options: MergeOptions,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = itemKindOf(original, patch);
  const mergeKey = schema.type === 'mergeList' ? (schema.mergeKey ?? '') : '';
  let merged: JsonValue[];
  let base = original;
  let items = patch;
  if (kind === 'scalar') {
    if (options.mergeParallelList && isDeleteList) {
      return original.filter((v) => !patch.some((d) => d === v));
    }
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new PatchError('cannot merge lists without merge key for type map');
    ({ base, items } = applySpecialElements(original, patch, mergeKey));
    merged = mergeByKey(base, items, mergeKey, itemSchema(schema), options);
  }
  const { inList, rest } = partitionByPresence(merged, items, mergeKey, kind);
  return normalizeOrder(inList, rest, items, base, mergeKey, kind);
}

/** `mergeSliceWithSpecialElements`: `$patch: delete|replace` items of a merge list. */
function applySpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
): { base: JsonValue[]; items: JsonValue[] } {
  let base = [...original];
  const items: JsonValue[] = [];
  let replace = false;
  for (const v of patch) {
    if (!isObject(v)) throw new PatchError(`expected a map, but got ${JSON.stringify(v)}`);
    if (!(DIRECTIVE in v)) {
      items.push(v);
      continue;
    }
    switch (v[DIRECTIVE]) {
      case 'delete':
        if (!(mergeKey in v))
          throw new PatchError(`map: ${JSON.stringify(v)} does not contain declared merge key: ${mergeKey}`);
        base = base.filter((o) => !(isObject(o) && o[mergeKey] === v[mergeKey]));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw new PatchError('merging lists cannot yet be specified in the patch');
      default:
        throw new PatchError(`Unknown patch type: ${String(v[DIRECTIVE])} in map: ${JSON.stringify(v)}`);
    }
  }
  return replace ? { base: items, items: [] } : { base, items };
}

/** `mergeSliceWithoutSpecialElements`: merges items with the same key, appends the others. */
function mergeByKey(
  base: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  schema: PatchSchema,
  options: MergeOptions,
): JsonValue[] {
  const out = [...base];
  for (const v of patch) {
    const item = v as JsonObject;
    if (!(mergeKey in item))
      throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const i = out.findIndex((o) => isObject(o) && o[mergeKey] === item[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonObject, item, schema, options);
    else out.push(materialize(item, schema, options));
  }
  return out;
}

/** `applyRetainKeysDirective`: clears keys the directive does not list. */
function applyRetainKeys(original: JsonObject, patch: JsonObject, options: MergeOptions): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS] as JsonValue;
  delete patch[RETAIN_KEYS];
  if (!options.mergeParallelList) {
    if (RETAIN_KEYS in original && !jsonEqual(original[RETAIN_KEYS], retain)) {
      throw new PatchError(
        `${JSON.stringify(original[RETAIN_KEYS])} and ${JSON.stringify(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`,
      );
    }
    original[RETAIN_KEYS] = retain;
    return;
  }
  if (!Array.isArray(retain)) throw new PatchError('invalid patch format of retainKeys');
  const keep = new Set(retain.map((v) => String(v)));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw new PatchError('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `mergePatchIntoOriginal`: merges each list named by a `$setElementOrder` directive and fixes its order. */
function mergeOrderedLists(
  original: JsonObject,
  patch: JsonObject,
  schema: PatchSchema,
  options: MergeOptions,
): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!options.mergeParallelList) {
      if (key in original && !jsonEqual(original[key], order))
        throw new PatchError('invalid patch format of setElementOrder list');
      original[key] = order;
    }
    delete patch[key];
    if (!Array.isArray(order))
      throw new PatchError(`invalid type for $setElementOrder list: ${JSON.stringify(order)}`);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);
    const sub = fieldSchema(schema, field);
    const mergeKey = sub.type === 'mergeList' ? (sub.mergeKey ?? '') : '';
    const baseList = original[field];
    const patchList = patch[field];
    const base = Array.isArray(baseList) ? baseList : undefined;
    const items = Array.isArray(patchList) ? patchList : undefined;
    validateSetElementOrder(items ?? [], order, mergeKey);
    let merged: JsonValue[];
    if (base && !items) merged = base;
    else if (!base && items)
      merged = materialize(items, sub.type === 'mergeList' ? sub : ANY, options) as JsonValue[];
    else if (base && items) merged = mergeListField(base, items, sub, false, options);
    else continue;
    if (merged.length === 0 && order.length === 0) {
      original[field] = merged;
      delete patch[field];
      continue;
    }
    const kind = itemKindOf(base ?? [], items ?? [], order);
    const { inList, rest } = partitionByPresence(merged, order, mergeKey, kind);
    original[field] = normalizeOrder(inList, rest, order, base ?? [], mergeKey, kind);
    delete patch[field];
  }
}
