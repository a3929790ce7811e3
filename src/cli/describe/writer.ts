/**
 * The building blocks of kubectl's describers (`kubectl/pkg/describe`): a
 * prefix writer over a tab-aligned buffer (two spaces per level, padding 2),
 * and the shared sections every describer prints the same way — labels,
 * annotations (last-applied hidden, long values wrapped), taints,
 * tolerations, events — plus Go's time and selector formats.
 */
import { humanDuration } from '../../util/duration.js';
import { escapeTerminal } from '../printers/table.js';
import { DESCRIBE_TABWRITER, TabWriter } from '../printers/tabwriter.js';

/** kubectl's `PrefixWriter` feeding a `tabbedString` writer. */
export class PrefixWriter {
  #text = '';
  readonly #tw: TabWriter | undefined;

  /**
   * `aligned: false` writes the tabs through unaligned, as kubectl's
   * `rollout history --revision` does (its PrefixWriter has no tabwriter).
   */
  constructor(options: { aligned?: boolean } = {}) {
    this.#tw =
      options.aligned === false
        ? undefined
        : new TabWriter((t) => {
            this.#text += t;
          }, DESCRIBE_TABWRITER);
  }

  /** Writes text indented by `level` (two spaces each); terminal escapes are neutralised. */
  write(level: number, text: string): void {
    const escaped = escapeTerminal('  '.repeat(level) + text);
    if (this.#tw) this.#tw.write(escaped);
    else this.#text += escaped;
  }

  /** `fmt.Sprintln`: the text and a newline, no indentation. */
  line(text: string): void {
    this.write(0, `${text}\n`);
  }

  /** Ends the current alignment block (kubectl flushes before Events). */
  flush(): void {
    this.#tw?.flush();
  }

  /** The aligned text. */
  toString(): string {
    this.#tw?.flush();
    return this.#text;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Go's `time.RFC1123Z` in local time (`Mon, 02 Jan 2006 15:04:05 -0700`); Go's zero time for none. */
export function rfc1123z(timestamp: string | undefined | null): string {
  if (!timestamp) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(timestamp);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${DAYS[d.getDay()]}, ${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** kubectl's `translateTimestampSince`: a human duration, `<unknown>` for no timestamp. */
export function since(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return '<unknown>';
  return humanDuration(now - Date.parse(timestamp));
}

/** `printLabelsMultiline`: one sorted `k=v` per line under the title, `<none>` when empty. */
export function writeLabels(
  w: PrefixWriter,
  title: string,
  labels: Readonly<Record<string, string>> | undefined,
  initialIndent = '',
): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.line('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${key}=${labels?.[key]}\n`);
  });
}

const MAX_ANNOTATION_LEN = 140;
const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** `printAnnotationsMultiline`: sorted, last-applied hidden, long or multi-line values on their own lines. */
export function writeAnnotations(
  w: PrefixWriter,
  title: string,
  annotations: Readonly<Record<string, string>> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.line('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = (annotations?.[key] ?? '').replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) {
        const short = s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s;
        w.write(0, `\t  ${short}\n`);
      }
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** `printNodeTaintsMultiline`: sorted by effect then key, `key=value:effect`. */
export function writeTaints(w: PrefixWriter, title: string, taints: readonly Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!taints || taints.length === 0) {
    w.line('<none>');
    return;
  }
  const sorted = [...taints].sort((a, b) => {
    const ka = `${a.effect},${a.key}`;
    const kb = `${b.effect},${b.key}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`);
  });
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

/** `printPodTolerationsMultiline`, as `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s`. */
export function writeTolerations(
  w: PrefixWriter,
  title: string,
  tolerations: readonly Toleration[] | undefined,
  initialIndent = '',
): void {
  w.write(0, `${initialIndent}${title}:\t`);
  if (!tolerations || tolerations.length === 0) {
    w.line('<none>');
    return;
  }
  const sorted = [...tolerations].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : 1));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let text = t.key ?? '';
    if (t.value) text += `=${t.value}`;
    if (t.effect) text += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) text += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
      text += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${text}\n`);
  });
}

export interface CoreEvent {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly firstTimestamp?: string | null;
  readonly lastTimestamp?: string | null;
  readonly eventTime?: string | null;
  readonly series?: { readonly count?: number; readonly lastObservedTime?: string } | null;
  readonly source?: { readonly component?: string };
  readonly reportingComponent?: string;
  readonly reportingController?: string;
}

/** `DescribeEvents`: the Events table (or `<none>`), sorted by last timestamp, in its own alignment block. */
export function writeEvents(w: PrefixWriter, events: readonly CoreEvent[] | undefined, now: number): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort(
    (a, b) => Date.parse(a.lastTimestamp ?? '') - Date.parse(b.lastTimestamp ?? '') || 0,
  );
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    let interval = first;
    if (e.series)
      interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingController || '';
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`);
  }
}

export interface LabelSelectorLike {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }>;
}

/** `metav1.LabelSelectorAsSelector(s).String()`: `app=web,tier in (a,b)`, sorted by key. */
export function selectorString(selector: LabelSelectorLike | undefined | null): string {
  if (!selector) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`;
    reqs.push({ key: e.key, text });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** `metav1.FormatLabelSelector`: the selector string, `<none>` when empty. */
export function formatLabelSelector(selector: LabelSelectorLike | undefined | null): string {
  return selectorString(selector) || '<none>';
}

/** `Kind/name` of the object's controller owner reference, or ''. */
export function controllerOf(meta: {
  readonly ownerReferences?: ReadonlyArray<{ kind: string; name: string; controller?: boolean }>;
}): string {
  const ref = meta.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : '';
}
