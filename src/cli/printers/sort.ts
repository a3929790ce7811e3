/**
 * `get --sort-by=<jsonpath>`: kubectl's SortingPrinter. Objects (or a
 * Table's rows, by their embedded object) are ordered by the first value the
 * path finds in each: numbers numerically, strings that are both quantities
 * by quantity, other strings byte-wise; objects without the value first.
 */
import { UserError } from '../../util/errors.js';
import { parseQuantity } from '../describe/quantity.js';
import { executeJsonPathResults, parseJsonPath, relaxedJsonPath } from './jsonpath.js';

const MISSING = Symbol('missing');

/** The JSONPath kubectl sorts by: the relaxed form of the flag (`.a.b` → `{.a.b}`), else the flag as given. */
export function sortPath(field: string): string {
  try {
    return relaxedJsonPath(field);
  } catch {
    return field;
  }
}

/** kubectl's error when no object has the sort field. */
export function sortFieldNotFound(field: string): UserError {
  return new UserError(`couldn't find any field with path "${sortPath(field)}" in the list of objects`);
}

function isLess(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    const qa = parseQuantity(a);
    const qb = parseQuantity(b);
    return qa && qb ? qa.value < qb.value : a < b;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!isLess(a[i], b[i])) return false;
    return true;
  }
  throw new UserError(`unsortable type: ${typeof a}`);
}

/**
 * Returns `items` ordered by `field` as kubectl orders them (Go's insertion
 * sort for short lists, a stable merge for long ones). Throws kubectl's
 * error when no item has the field.
 */
export function sortByField<T>(items: readonly T[], field: string, objectOf: (item: T) => unknown): T[] {
  const path = sortPath(field);
  const nodes = parseJsonPath(path);
  const keyed = items.map((item) => {
    const results = executeJsonPathResults(nodes, objectOf(item));
    const first = results[0];
    return { item, key: first && first.length > 0 ? first[0] : MISSING };
  });
  if (keyed.length > 0 && keyed.every((k) => k.key === MISSING)) throw sortFieldNotFound(field);
  const less = (x: (typeof keyed)[number], y: (typeof keyed)[number]) =>
    x.key === MISSING ? true : y.key === MISSING ? false : isLess(x.key, y.key);
  if (keyed.length <= 12) {
    for (let i = 1; i < keyed.length; i++) {
      for (let j = i; j > 0 && less(keyed[j] as never, keyed[j - 1] as never); j--) {
        [keyed[j], keyed[j - 1]] = [keyed[j - 1] as never, keyed[j] as never];
      }
    }
    return keyed.map((k) => k.item);
  }
  const compare = (x: (typeof keyed)[number], y: (typeof keyed)[number]): number => {
    if (x.key === MISSING || y.key === MISSING) return x.key === y.key ? 0 : x.key === MISSING ? -1 : 1;
    return isLess(x.key, y.key) ? -1 : isLess(y.key, x.key) ? 1 : 0;
  };
  return [...keyed].sort(compare).map((k) => k.item);
}
