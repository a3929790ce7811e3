/**
 * Label selectors, in both forms Kubernetes uses: the string syntax of
 * `?labelSelector=` and `-l` (`app=web,tier!=db,env in (a,b),!canary`), and the
 * `LabelSelector` object of specs (matchLabels + matchExpressions). Both compile
 * to the same `Selector` (apimachinery `labels.Selector`).
 */
import type { LabelSelector } from './types.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

export interface Selector {
  readonly requirements: readonly Requirement[];
  /** True when the selector selects everything (no requirements). */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
  /** The canonical string form, as kubectl prints selectors. */
  toString(): string;
}

function matchesRequirement(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels?.[r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(value as string);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'In':
      return `${r.key} in (${[...r.values].sort().join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...r.values].sort().join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
  }
}

/** Builds a selector from requirements, sorted by key as apimachinery does. */
export function selectorOf(requirements: readonly Requirement[]): Selector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    matches: (labels) => sorted.every((r) => matchesRequirement(r, labels)),
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** Selects everything. */
export const everything: Selector = selectorOf([]);

/** Selects nothing (a nil `LabelSelector` in a spec, per `metav1.LabelSelectorAsSelector`). */
export const nothing: Selector = {
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '<none>',
};

/** Thrown by `parseSelector` with the position of the problem. */
export class SelectorParseError extends Error {
  readonly code = 'ERR_SELECTOR_PARSE';
}

/**
 * Parses the string syntax. Throws `SelectorParseError` naming what is wrong,
 * e.g. `unable to parse requirement: found 'in', expected: '(' `.
 */
export function parseSelector(text: string): Selector {
  const src = text.trim();
  if (src === '') return everything;
  const reqs: Requirement[] = [];
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const word = (): string => {
    ws();
    const start = i;
    while (i < src.length && !/[\s,=!()<>]/.test(src[i] as string)) i++;
    return src.slice(start, i);
  };
  while (i < src.length) {
    ws();
    let negate = false;
    if (src[i] === '!') {
      negate = true;
      i++;
    }
    const key = word();
    if (!key)
      throw new SelectorParseError(
        `unable to parse requirement: found '${src[i] ?? 'EOS'}', expected: identifier`,
      );
    ws();
    if (negate) {
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else if (i >= src.length || src[i] === ',') {
      reqs.push({ key, operator: 'Exists', values: [] });
    } else if (src.startsWith('==', i) || src[i] === '=' || src.startsWith('!=', i)) {
      const op: Operator = src.startsWith('!=', i) ? 'NotEquals' : 'Equals';
      i += src.startsWith('==', i) || src.startsWith('!=', i) ? 2 : 1;
      reqs.push({ key, operator: op, values: [word()] });
    } else if (src[i] === '>' || src[i] === '<') {
      const op: Operator = src[i] === '>' ? 'Gt' : 'Lt';
      i++;
      const v = word();
      if (!/^-?\d+$/.test(v))
        throw new SelectorParseError(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      reqs.push({ key, operator: op, values: [v] });
    } else {
      const op = word();
      if (op !== 'in' && op !== 'notin') {
        throw new SelectorParseError(
          `unable to parse requirement: found '${op}', expected: in, notin, =, ==, !=, gt, lt`,
        );
      }
      ws();
      if (src[i] !== '(')
        throw new SelectorParseError(
          `unable to parse requirement: found '${src[i] ?? 'EOS'}', expected: '('`,
        );
      i++;
      const values: string[] = [];
      for (;;) {
        const v = word();
        values.push(v);
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === ')') {
          i++;
          break;
        }
        throw new SelectorParseError(
          `unable to parse requirement: found '${src[i] ?? 'EOS'}', expected: ',', ')'`,
        );
      }
      reqs.push({ key, operator: op === 'in' ? 'In' : 'NotIn', values });
    }
    ws();
    if (i < src.length) {
      if (src[i] !== ',')
        throw new SelectorParseError(`unable to parse requirement: found '${src[i]}', expected: ','`);
      i++;
    }
  }
  return selectorOf(reqs);
}

/**
 * Compiles a spec `LabelSelector`. `undefined` selects nothing; `{}` selects
 * everything (`metav1.LabelSelectorAsSelector`).
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return nothing;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {}))
    reqs.push({ key, operator: 'In', values: [value] });
  for (const e of ls.matchExpressions ?? []) {
    const operator = e.operator as Operator;
    reqs.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return selectorOf(reqs);
}

/** A selector from a plain map (Service `spec.selector`): every pair must match; empty/absent selects nothing. */
export function selectorFromMap(map: Readonly<Record<string, string>> | undefined): Selector {
  if (!map || Object.keys(map).length === 0) return nothing;
  return selectorOf(
    Object.entries(map).map(([key, value]) => ({ key, operator: 'Equals', values: [value] })),
  );
}

/** `k=v,k2=v2`, or `<none>` for no labels, as kubectl prints label maps. */
export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '<none>';
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
