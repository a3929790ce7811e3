/**
 * The affinity cookie ingress-nginx's `sticky.lua` sets through
 * lua-resty-cookie (reference §3.5): `INGRESSCOOKIE=<key>|<backend key>`, then
 * `Expires`, `Max-Age`, `Domain`, `Path` (the matched Ingress path unless
 * `session-cookie-path`), `Secure` on HTTPS (or as configured), `HttpOnly`
 * always, and `SameSite`. Pure.
 */
import type { AffinityConfig } from '../annotations.js';

/** What the cookie depends on in the request. */
export interface StickyRequest {
  cookie(name: string): string | undefined;
  /** The matched location belongs to an Ingress with `affinity: cookie` (should_set_cookie). */
  readonly sticky: boolean;
  readonly secure: boolean;
  /** The matched Ingress path (`$location_path`). */
  readonly locationPath: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** nginx's `ngx_http_cookie_time`: `Thu, 18-Nov-26 11:27:35 GMT` (two-digit years before 2038). */
export function cookieTime(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const year = y > 2037 ? String(y) : String(y % 100).padStart(2, '0');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${year} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

/** The `Set-Cookie` value for a new affinity choice. */
export function affinityCookie(a: AffinityConfig, value: string, req: StickyRequest, now: number): string {
  let out = `${a.cookieName}=${value}`;
  if (a.expires) out += `; Expires=${cookieTime(Math.floor(now / 1000) * 1000 + Number(a.expires) * 1000)}`;
  if (a.maxAge) out += `; Max-Age=${a.maxAge}`;
  if (a.domain) out += `; Domain=${a.domain}`;
  out += `; Path=${a.cookiePath ?? req.locationPath}`;
  if (a.secure ?? req.secure) out += '; Secure';
  out += '; HttpOnly';
  if (a.sameSite) out += `; SameSite=${a.sameSite}`;
  return out;
}
