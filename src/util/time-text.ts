/**
 * Time texts that depend only on the whole second, cached per second: a busy
 * server formats the same second thousands of times (every `Date` header,
 * every access-log line). Shared by the simulated images and the ingress
 * controller.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The last second formatted and its text. */
export interface SecondCache {
  second: number;
  text: string;
}

/** A fresh cache (no second formatted yet). */
export function secondCache(): SecondCache {
  return { second: Number.NaN, text: '' };
}

/** `format(second)` for the whole second of `ms`, from `cache` while the second is the same. */
export function cachedBySecond(cache: SecondCache, ms: number, format: (second: number) => string): string {
  const second = Math.floor(ms / 1000);
  if (second !== cache.second) {
    cache.text = format(second);
    cache.second = second;
  }
  return cache.text;
}

const httpDateCache = secondCache();

function formatHttpDate(second: number): string {
  return new Date(second * 1000).toUTCString();
}

/** HTTP `Date` header value (`Mon, 02 Jan 2006 15:04:05 GMT`). */
export function httpDate(ms: number): string {
  return cachedBySecond(httpDateCache, ms, formatHttpDate);
}

const clfCache = secondCache();

function formatClf(second: number): string {
  const d = new Date(second * 1000);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

/**
 * Common Log Format time in UTC (`02/Jan/2006:15:04:05 +0000`): nginx's
 * `$time_local` in a UTC container, Apache's `%t`, whoami's access line.
 */
export function clfTime(ms: number): string {
  return cachedBySecond(clfCache, ms, formatClf);
}
