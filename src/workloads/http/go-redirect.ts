/**
 * Go's `http.Redirect` and `ServeMux` path cleaning, and the raw answer Go's
 * server writes to a request it cannot parse.
 */
import type { GoRequest } from './go-request.js';
import type { GoResponseWriter } from './go-response.js';
import { goStatusText } from './status-text.js';

/** `path.Clean` for a mux path: rooted, no empty, `.` or `..` segments, no trailing slash. */
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

function htmlEscape(s: string): string {
  return s.replace(
    /[&'<>"]/g,
    (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;' })[c] ?? c,
  );
}

/** `http.Redirect(w, r, url, code)`, including Go's relative-path resolution and HTML body for GET. */
export function goRedirect(w: GoResponseWriter, req: GoRequest, url: string, code: number): void {
  let target = url;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(target) && !target.startsWith('//')) {
    if (target === '' || !target.startsWith('/')) {
      const dir = req.path.slice(0, req.path.lastIndexOf('/') + 1) || '/';
      target = dir + target;
    }
    const q = target.indexOf('?');
    const query = q < 0 ? '' : target.slice(q);
    const pathOnly = q < 0 ? target : target.slice(0, q);
    let cleaned = cleanPath(pathOnly);
    if (pathOnly.endsWith('/') && !cleaned.endsWith('/')) cleaned += '/';
    target = cleaned + query;
  }
  const hadCT = w.header.has('Content-Type');
  w.set(
    'Location',
    target.replace(/[^\x20-\x7e]/gu, (c) => encodeURIComponent(c)),
  );
  if (!hadCT && (req.method === 'GET' || req.method === 'HEAD'))
    w.set('Content-Type', 'text/html; charset=utf-8');
  w.writeHeader(code);
  if (!hadCT && req.method === 'GET')
    w.write(`<a href="${htmlEscape(target)}">${goStatusText(code)}</a>.\n\n`);
}

/** Go's answer to a request the server could not parse (`conn.serve` error path). */
export function goBadRequest(kind: 'malformed' | 'header-too-large' | 'bad-transfer-encoding'): string {
  const headers = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';
  switch (kind) {
    case 'header-too-large':
      return `HTTP/1.1 431 Request Header Fields Too Large${headers}431 Request Header Fields Too Large`;
    case 'bad-transfer-encoding':
      return `HTTP/1.1 501 Not Implemented${headers}Unsupported transfer encoding`;
    case 'malformed':
      return `HTTP/1.1 400 Bad Request${headers}400 Bad Request`;
  }
}

/**
 * Whether `cleanPath` leaves `p` as it is (up to a trailing slash, which the mux
 * keeps): rooted, with no empty, `.` or `..` segment. Most request paths are.
 */
const NOT_CLEAN = /\/\/|\/\.\.?(?:\/|$)/;
function alreadyClean(p: string): boolean {
  return p.charCodeAt(0) === 0x2f && !NOT_CLEAN.test(p);
}

/** Go's `ServeMux` cleans paths: `//a/../b` is answered with a 301 to `/b`. Returns the clean path or undefined. */
export function goMuxRedirectTarget(req: GoRequest): string | undefined {
  if (req.method === 'CONNECT') return undefined;
  if (alreadyClean(req.path)) return undefined;
  let clean = cleanPath(req.path);
  if (req.path.endsWith('/') && clean !== '/') clean += '/';
  if (clean === req.path) return undefined;
  return req.rawQuery === '' ? clean : `${clean}?${req.rawQuery}`;
}
