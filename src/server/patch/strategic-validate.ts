/**
 * Consistency check between a merge list in a patch and its
 * `$setElementOrder` directive (apimachinery `validatePatchWithSetOrderList`):
 * the patch items, ignoring deletions and directives, must appear in the
 * directive in the same relative order.
 */
import { isObject, type JsonValue, PatchError } from './json.js';
import { DIRECTIVE, splitDeleteItems } from './strategic-order.js';

function sameKey(a: JsonValue, b: JsonValue, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isObject(a) || !isObject(b))
    throw new PatchError(`expected a map, but got ${JSON.stringify(isObject(a) ? b : a)}`);
  if (!(mergeKey in a) || !(mergeKey in b)) {
    throw new PatchError(
      `map: ${JSON.stringify(mergeKey in a ? b : a)} does not contain declared merge key: ${mergeKey}`,
    );
  }
  return a[mergeKey] === b[mergeKey];
}

/** Throws PatchError when `patchList` is not ordered as `order` says. */
export function validateSetElementOrder(
  patchList: readonly JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeleteItems(patchList).keep : [...patchList];
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (isObject(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    if (sameKey(item, order[o] as JsonValue, mergeKey)) p++;
    o++;
  }
  if (p < items.length) {
    throw new PatchError(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`,
    );
  }
}
