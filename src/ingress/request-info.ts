/**
 * Small readers of request data shared by the matcher and the proxy app:
 * case-insensitive header lookup, `Cookie` parsing as nginx's `$cookie_NAME`
 * sees it, and allow/deny source ranges. Pure.
 */
import { cidrContains, parseIPv4 } from '../util/ipv4.js';
import type { Location } from './types.js';

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The first value of header `name` (any case) in `headers`. */
export function headerOf(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name] ?? headers[name.toLowerCase()];
  if (direct !== undefined) return typeof direct === 'string' ? direct : direct[0];
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) {
    if (k.toLowerCase() !== lower) continue;
    const v = headers[k];
    return typeof v === 'string' ? v : v?.[0];
  }
  return undefined;
}

/** Parses a `Cookie` header (`a=1; b=2`); the first occurrence of a name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Whether `clientIP` passes the location's `denylist-source-range` and
 * `allowlist-source-range` (nginx `deny`, then `allow` … `deny all`).
 */
export function clientAllowed(loc: Location, clientIP: string | undefined): boolean {
  if (!loc.config.denylist && !loc.config.allowlist) return true;
  const ip = clientIP === undefined ? undefined : parseIPv4(clientIP);
  if (ip === undefined) return true;
  if (loc.config.denylist?.some((c) => cidrContains(c, ip))) return false;
  if (loc.config.allowlist) return loc.config.allowlist.some((c) => cidrContains(c, ip));
  return true;
}
