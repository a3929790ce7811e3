/**
 * Creating strategic merge patches: the two-way patch (original → modified) and
 * the three-way patch of client-side apply (last-applied → manifest, against the
 * live object), as kubectl computes them with apimachinery
 * `strategicpatch.CreateTwoWayMergePatch` / `CreateThreeWayMergePatch`. The
 * netkube atomic apply route uses the three-way patch so that fields set by
 * controllers or `kubectl scale` survive unless the manifest changed them.
 */
import { isObject, type JsonObject, type JsonValue, jsonEqual, jsonKind, scalarText } from './json.js';
import { fieldSchema, itemSchema, type PatchSchema } from './schema.js';
import { COMBINE, mergeMap } from './strategic-merge.js';
import {
  copyObject,
  DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE,
  dedupeScalars,
  itemKindOf,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
  sortByOrder,
  sortScalars,
} from './strategic-order.js';

interface DiffOptions {
  readonly setElementOrder: boolean;
  readonly ignoreChangesAndAdditions: boolean;
  readonly ignoreDeletions: boolean;
  readonly buildRetainKeys: boolean;
}

const BASE: DiffOptions = {
  setElementOrder: true,
  ignoreChangesAndAdditions: false,
  ignoreDeletions: false,
  buildRetainKeys: false,
};

/** The patch that turns `original` into `modified`. */
export function createTwoWayMergePatch(
  original: JsonObject,
  modified: JsonObject,
  schema: PatchSchema,
): JsonObject {
  return diffMaps(original, modified, schema, BASE);
}

/**
 * The client-side apply patch: changes from `current` to `modified` (no
 * deletions), plus deletions from `original` (the last applied configuration)
 * to `modified`. An empty result means "unchanged".
 */
export function createThreeWayMergePatch(
  original: JsonObject,
  modified: JsonObject,
  current: JsonObject,
  schema: PatchSchema,
): JsonObject {
  const delta = diffMaps(current, modified, schema, { ...BASE, ignoreDeletions: true });
  const deletions = diffMaps(original, modified, schema, { ...BASE, ignoreChangesAndAdditions: true });
  return mergeMap(copyObject(deletions), copyObject(delta), schema, COMBINE);
}

function diffMaps(
  original: JsonObject,
  modified: JsonObject,
  schema: PatchSchema,
  opts: DiffOptions,
): JsonObject {
  const patch: JsonObject = {};
  const retain: JsonValue[] = [];
  for (const [key, mod] of Object.entries(modified)) {
    if (opts.buildRetainKeys && mod !== null) retain.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mod;
      continue;
    }
    const orig = original[key] as JsonValue;
    if (key === DIRECTIVE) {
      if (orig !== mod) patch[DIRECTIVE] = mod;
      continue;
    }
    if (jsonKind(orig) !== jsonKind(mod)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mod;
      continue;
    }
    if (isObject(orig) && isObject(mod)) {
      const sub = fieldSchema(schema, key);
      const retainKeys = sub.type === 'struct' && sub.retainKeys === true;
      const value = diffMaps(orig, mod, sub, { ...opts, buildRetainKeys: retainKeys });
      if (Object.keys(value).length > 0) patch[key] = value;
    } else if (Array.isArray(orig) && Array.isArray(mod)) {
      diffListField(key, orig, mod, patch, fieldSchema(schema, key), opts);
    } else if (!opts.ignoreChangesAndAdditions && !jsonEqual(orig, mod)) {
      patch[key] = mod;
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  if (retain.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retain);
  }
  return patch;
}

function hasAdditionalField(original: JsonObject, modified: JsonObject): boolean {
  return Object.entries(original).some(([k, v]) => v !== null && !Object.hasOwn(modified, k));
}

function diffListField(
  key: string,
  orig: JsonValue[],
  mod: JsonValue[],
  patch: JsonObject,
  schema: PatchSchema,
  opts: DiffOptions,
): void {
  if (schema.type !== 'mergeList') {
    if (!opts.ignoreChangesAndAdditions && !jsonEqual(orig, mod)) patch[key] = mod;
    return;
  }
  const items = itemSchema(schema);
  const retainKeys = items.type === 'struct' && items.retainKeys === true;
  const { add, remove, order } = diffLists(orig, mod, schema.mergeKey ?? '', items, {
    ...opts,
    buildRetainKeys: retainKeys,
  });
  if (add.length > 0) patch[key] = add;
  if (remove.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = remove;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = order;
}

interface ListDiff {
  readonly add: JsonValue[];
  readonly remove: JsonValue[];
  readonly order: JsonValue[];
}

function diffLists(
  orig: JsonValue[],
  mod: JsonValue[],
  mergeKey: string,
  schema: PatchSchema,
  opts: DiffOptions,
): ListDiff {
  if (orig.length === 0) {
    return { add: mod.length === 0 || opts.ignoreChangesAndAdditions ? [] : mod, remove: [], order: [] };
  }
  const kind = itemKindOf(orig, mod);
  if (kind === 'map') {
    const { changes, deletions } = diffListsOfMaps(orig, mod, mergeKey, schema, opts);
    const add = [...sortByOrder(changes, mod, mergeKey, 'map'), ...deletions];
    const orderSame =
      orig.length === mod.length &&
      mod.every((m, i) => (orig[i] as JsonObject)[mergeKey] === (m as JsonObject)[mergeKey]);
    const wantOrder =
      opts.setElementOrder &&
      ((!opts.ignoreChangesAndAdditions && (add.length > 0 || !orderSame)) ||
        (!opts.ignoreDeletions && add.length > 0));
    const order = wantOrder ? mod.map((m) => ({ [mergeKey]: (m as JsonObject)[mergeKey] as JsonValue })) : [];
    return { add, remove: [], order };
  }
  const { add, remove } = diffListsOfScalars(orig, mod, opts);
  const wantOrder =
    opts.setElementOrder &&
    ((!opts.ignoreDeletions && remove.length > 0) ||
      (!opts.ignoreChangesAndAdditions && !jsonEqual(orig, mod)));
  return { add: sortByOrder(add, mod, mergeKey, 'scalar'), remove, order: wantOrder ? mod : [] };
}

function diffListsOfScalars(
  orig: JsonValue[],
  mod: JsonValue[],
  opts: DiffOptions,
): { add: JsonValue[]; remove: JsonValue[] } {
  const o = sortScalars(orig);
  const m = sortScalars(mod);
  const add: JsonValue[] = [];
  const remove: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? scalarText(o[i]) : undefined;
    const ms = j < m.length ? scalarText(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j] as JsonValue);
      j++;
    } else {
      if (!opts.ignoreDeletions) remove.push(o[i] as JsonValue);
      i++;
    }
  }
  return { add, remove: dedupeScalars(remove) };
}

function byKeyText(list: JsonValue[], mergeKey: string): JsonObject[] {
  const text = (v: JsonValue) => scalarText((v as JsonObject)[mergeKey]);
  return [...list].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0)) as JsonObject[];
}

function diffListsOfMaps(
  orig: JsonValue[],
  mod: JsonValue[],
  mergeKey: string,
  schema: PatchSchema,
  opts: DiffOptions,
): { changes: JsonValue[]; deletions: JsonValue[] } {
  const o = byKeyText(orig, mergeKey);
  const m = byKeyText(mod, mergeKey);
  const changes: JsonValue[] = [];
  const deletions: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const oe = o[i];
    const me = m[j];
    const ok = oe ? scalarText(oe[mergeKey]) : undefined;
    const mk = me ? scalarText(me[mergeKey]) : undefined;
    if (oe && me && ok === mk) {
      const value = diffMaps(oe, me, schema, opts);
      if (Object.keys(value).length > 0) changes.push({ ...value, [mergeKey]: me[mergeKey] as JsonValue });
      i++;
      j++;
    } else if (me && (!oe || (ok as string) > (mk as string))) {
      if (!opts.ignoreChangesAndAdditions) changes.push(me);
      j++;
    } else if (oe) {
      if (!opts.ignoreDeletions)
        deletions.push({ [mergeKey]: oe[mergeKey] as JsonValue, [DIRECTIVE]: 'delete' });
      i++;
    }
  }
  return { changes, deletions };
}
