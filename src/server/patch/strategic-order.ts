/**
 * List ordering and partition helpers of strategic merge patch, shared by the
 * apply side (`strategic-merge.ts`) and the diff side (`strategic-diff.ts`).
 * Semantics follow apimachinery `pkg/util/strategicpatch/patch.go`
 * (`normalizeElementOrder`, `mergeSortedSlice`, `index`, partitions).
 */
import { isObject, type JsonObject, type JsonValue, jsonKind, PatchError, scalarText } from './json.js';

/** The `$patch: replace|delete|merge` directive key. */
export const DIRECTIVE = '$patch';
/** The `$retainKeys` directive key. */
export const RETAIN_KEYS = '$retainKeys';
/** Prefix of `$deleteFromPrimitiveList/<list>` parallel lists. */
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
/** Prefix of `$setElementOrder/<list>` parallel lists. */
export const SET_ELEMENT_ORDER = '$setElementOrder';

/** Whether list items are maps (merged by key) or scalars (merged as a set). */
export type ItemKind = 'map' | 'scalar';

/** `sliceElementType`: the common kind of the items of several lists. */
export function itemKindOf(...lists: readonly JsonValue[][]): ItemKind {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = jsonKind(v);
      if (k === 'array') throw new PatchError('lists of lists are not supported');
      if (kind !== undefined && kind !== k) {
        throw new PatchError(`list element types are not identical: ${JSON.stringify(lists)}`);
      }
      kind = k;
    }
  }
  if (kind === undefined) throw new PatchError('no elements in any of the given slices');
  return kind === 'object' ? 'map' : 'scalar';
}

function keyOf(item: JsonValue | undefined, mergeKey: string, kind: ItemKind): JsonValue | undefined {
  if (kind === 'scalar') return item;
  return isObject(item) ? item[mergeKey] : undefined;
}

/** Position of `value` in `list`, comparing merge-key values (maps) or items (scalars); -1 when absent. */
export function indexIn(
  list: readonly JsonValue[],
  value: JsonValue,
  mergeKey: string,
  kind: ItemKind,
): number {
  const want = keyOf(value, mergeKey, kind);
  return list.findIndex((v) => keyOf(v, mergeKey, kind) === want);
}

/** `validateMergeKeyInLists`: every map must carry the merge key. */
export function requireMergeKeys(mergeKey: string, ...lists: readonly JsonValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw new PatchError(`expected a map, but got ${JSON.stringify(item)}`);
      if (!(mergeKey in item))
        throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
  }
}

/** Splits `$patch: delete` items from the rest (`extractToDeleteItems`). */
export function splitDeleteItems(list: readonly JsonValue[]): { keep: JsonValue[]; remove: JsonValue[] } {
  const keep: JsonValue[] = [];
  const remove: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw new PatchError(`expected a map, but got ${JSON.stringify(v)}`);
    (v[DIRECTIVE] === 'delete' ? remove : keep).push(v);
  }
  return { keep, remove };
}

/** Stable sort of `toSort` by the positions of its items in `order`; delete directives go last. */
export function sortByOrder(
  toSort: readonly JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string,
  kind: ItemKind,
): JsonValue[] {
  let items = [...toSort];
  let deletes: JsonValue[] = [];
  if (kind === 'map') {
    requireMergeKeys(mergeKey, items, [...order]);
    ({ keep: items, remove: deletes } = splitDeleteItems(items));
  }
  const pos = (v: JsonValue) => indexIn(order, v, mergeKey, kind);
  items.sort((a, b) => {
    const ia = pos(a);
    const ib = pos(b);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...items, ...deletes];
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`) keeping each
 * list's own order; an item of `left` goes before an item of `right` when it
 * came first in the live list (`mergeSortedSlice`).
 */
export function mergeSorted(
  left: readonly JsonValue[],
  right: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: ItemKind,
): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = indexIn(serverOrder, left[i] as JsonValue, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j] as JsonValue, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/** `normalizeElementOrder`: patch items by `patchOrder`, server-only items by `serverOrder`, then interleaved. */
export function normalizeOrder(
  patchItems: readonly JsonValue[],
  serverOnly: readonly JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: ItemKind,
): JsonValue[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

/** Splits `merged` into items present in `by` and the rest (by merge key for maps). */
export function partitionByPresence(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string,
  kind: ItemKind,
): { inList: JsonValue[]; rest: JsonValue[] } {
  const inList: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of merged) {
    if (kind === 'map') requireMergeKeys(mergeKey, [v]);
    (indexIn(by, v, mergeKey, kind) >= 0 ? inList : rest).push(v);
  }
  return { inList, rest };
}

/** Removes duplicate scalars, keeping first occurrences. */
export function dedupeScalars(list: readonly JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  const out: JsonValue[] = [];
  for (const v of list) {
    const k = `${typeof v}:${scalarText(v)}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** Scalars sorted by their `%v` text (`sortScalars`). */
export function sortScalars(list: readonly JsonValue[]): JsonValue[] {
  return [...list].sort((a, b) => {
    const x = scalarText(a);
    const y = scalarText(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** `$setElementOrder/containers` → `containers`; throws on a malformed directive key. */
export function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw new PatchError(
      prefix === SET_ELEMENT_ORDER
        ? 'invalid patch format of setElementOrder list'
        : 'invalid patch format of primitive list',
    );
  }
  return key.slice(slash + 1);
}

/** Deep-copies a JSON object (inputs of the engines are never mutated). */
export function copyObject(o: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(o)) as JsonObject;
}
