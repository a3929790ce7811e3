/**
 * Compiled label selectors of stored objects. A spec's `LabelSelector` is
 * compiled once per stored selector object (stored objects never change), so
 * syncing a ReplicaSet a hundred times compiles its selector once.
 */
import { nothing, type Selector, selectorFromLabelSelector } from '../../api/labels.js';
import type { LabelSelector } from '../../api/types.js';

const compiled = new WeakMap<LabelSelector, Selector>();

/** `selectorFromLabelSelector`, memoised per selector object; undefined selects nothing. */
export function compiledSelector(ls: LabelSelector | undefined): Selector {
  if (!ls) return nothing;
  let sel = compiled.get(ls);
  if (!sel) {
    sel = selectorFromLabelSelector(ls);
    compiled.set(ls, sel);
  }
  return sel;
}
