/**
 * Go standard-library text formats that simulated Go binaries (agnhost, whoami,
 * http-echo) print: `%q` quoting, `time.Duration.String`, `time.Time.String`,
 * the `log` package prefix and `encoding/json` output. Pure functions.
 */

import { cachedBySecond, secondCache } from '../../util/time-text.js';

export { clfTime, httpDate } from '../../util/time-text.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `strconv.Quote` / `%q`: Go's double-quoted string with Go escapes. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
      default:
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * `time.Duration.String()` for a duration in milliseconds (fractions allowed):
 * `0s`, `850ns`, `12.5µs`, `1.234ms`, `2.5s`, `1m30s`, `2h0m0s`.
 */
export function goDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  if (neg) ns = -ns;
  let text: string;
  if (ns < 1000) text = `${ns}ns`;
  else if (ns < 1e6) text = `${trimFraction(ns, 1e3)}µs`;
  else if (ns < 1e9) text = `${trimFraction(ns, 1e6)}ms`;
  else {
    const hours = Math.floor(ns / 3.6e12);
    const minutes = Math.floor((ns % 3.6e12) / 6e10);
    const secNs = ns % 6e10;
    const seconds = `${trimFraction(secNs, 1e9)}s`;
    if (hours > 0) text = `${hours}h${minutes}m${seconds}`;
    else if (minutes > 0) text = `${minutes}m${seconds}`;
    else text = seconds;
  }
  return neg ? `-${text}` : text;
}

function trimFraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const frac = value % unit;
  if (frac === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

const logTimeCache = secondCache();

function formatLogTime(second: number): string {
  const d = new Date(second * 1000);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The `log` package's default prefix (`log.LstdFlags`), UTC: `2006/01/02 15:04:05`. */
export function goLogTime(ms: number): string {
  return cachedBySecond(logTimeCache, ms, formatLogTime);
}

/**
 * `time.Now().String()` in a UTC container: wall clock with trailing zeros of the
 * fraction trimmed, then the monotonic reading `m=+<seconds since start>`.
 */
export function goTimeString(ms: number, sinceStartMs: number): string {
  const d = new Date(ms);
  const fracNs = (((ms % 1000) + 1000) % 1000) * 1e6;
  const frac = fracNs === 0 ? '' : `.${String(Math.round(fracNs)).padStart(9, '0').replace(/0+$/, '')}`;
  const wall = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
  const mono = Math.max(0, Math.round(sinceStartMs * 1e6));
  return `${wall} m=+${Math.floor(mono / 1e9)}.${String(mono % 1e9).padStart(9, '0')}`;
}

/**
 * `encoding/json` output: like `JSON.stringify` (no indentation unless `indent`)
 * but with Go's HTML-safe escapes of `<`, `>`, `&`, U+2028 and U+2029.
 * Object keys keep insertion order: callers sort map keys (Go sorts maps, and
 * keeps struct field order).
 */
export function goJson(value: unknown, indent?: string): string {
  const text = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return text.replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** A `map[string][]string` as Go marshals it: keys sorted. */
export function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[k] = v;
  return out;
}

/** `strconv.Atoi` semantics: optional sign, decimal digits only, 64-bit range. */
export function goAtoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The error text of a failed `strconv.Atoi(text)`. */
export function goAtoiError(text: string): string {
  const reason = /^[+-]?\d+$/.test(text) ? 'value out of range' : 'invalid syntax';
  return `strconv.Atoi: parsing ${goQuote(text)}: ${reason}`;
}
