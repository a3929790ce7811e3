/**
 * Cell formatting shared by the printers, following the helpers of upstream
 * `pkg/printers/internalversion/printers.go` and apimachinery
 * (`translateTimestampSince`, `LabelSelectorAsSelector(...).String()`,
 * `FormatLabelSelector`, `layoutContainerCells`, `listWithMoreString`).
 */
import type { LabelSelector } from '../../api/index.js';
import { humanDuration } from '../../util/index.js';

/** Milliseconds of an RFC 3339 timestamp; undefined when absent or unparsable (Go's zero time). */
export function timeOf(ts: string | null | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `translateTimestampSince`: `5s`, `3m2s`…, or `<unknown>` for a zero timestamp. */
export function since(ts: string | null | undefined, now: number): string {
  const t = timeOf(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

function requirementText(key: string, operator: string, values: readonly string[]): string {
  const sorted = [...values].sort();
  switch (operator) {
    case 'In':
      return `${key} in (${sorted.join(',')})`;
    case 'NotIn':
      return `${key} notin (${sorted.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return `${key} ${operator.toLowerCase()} (${sorted.join(',')})`;
  }
}

/**
 * `metav1.LabelSelectorAsSelector(ls).String()`: matchLabels as `k=v`,
 * expressions as `k in (a,b)`, `k notin (…)`, `k`, `!k`, sorted by key; '' for
 * a nil or empty selector.
 */
export function labelSelectorString(ls: LabelSelector | null | undefined): string {
  if (!ls) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {}))
    reqs.push({ key, text: `${key}=${value}` });
  for (const e of ls.matchExpressions ?? []) {
    reqs.push({ key: e.key, text: requirementText(e.key, e.operator, e.values ?? []) });
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** `metav1.FormatLabelSelector`: the selector string, `<none>` when empty. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  return labelSelectorString(ls) || '<none>';
}

/** `layoutContainerCells`: names and images joined by commas. */
export function containerCells(
  containers: readonly { name?: string; image?: string }[] | undefined,
): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** `listWithMoreString`: `a,b,c + 2 more...`, or `<unset>` when empty. */
export function listWithMore(list: readonly string[], max = 3): string {
  const shown = list.slice(0, max).join(',');
  if (list.length > max) return `${shown} + ${list.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** Sorted unique IPs or hostnames of load-balancer ingress points, comma-joined (server-side: never clipped). */
export function loadBalancerText(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}
