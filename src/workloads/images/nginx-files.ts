/**
 * How nginx names and describes files: URI decoding and normalisation (a bad
 * `%` escape or `..` above the root is a 400), `mime.types`, the ETag of a file
 * (`"<mtime hex>-<size hex>"`) and the escaping of request lines and headers in
 * its logs. Pure.
 */
import { percentDecodeBytes } from '../http/percent.js';

/** The subset of nginx's `mime.types` static sites use. */
export const MIME: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  shtml: 'text/html',
  css: 'text/css',
  xml: 'text/xml',
  txt: 'text/plain',
  js: 'application/javascript',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
};

export function etagOf(file: { readonly mtimeMs: number; readonly size: number }): string {
  return `"${Math.floor(file.mtimeMs / 1000).toString(16)}-${file.size.toString(16)}"`;
}

/** nginx's `$request`/header escaping in logs: `"` and non-printable bytes as `\xHH`. */
export function escapeLog(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    out +=
      c === '"' || c === '\\' || code < 0x20 || code >= 0x7f
        ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
        : c;
  }
  return out;
}

/**
 * nginx's percent-decoding of a URI path (`ngx_http_parse_complex_uri`): a `%`
 * not followed by two hex digits, or an escape decoding to NUL, is invalid
 * (undefined: the request gets 400). Decoded bytes are read as UTF-8.
 */
export function percentDecodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  const bytes = percentDecodeBytes(raw);
  if (bytes === 'bad-escape' || bytes.includes(0)) return undefined;
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Decodes and normalises a URI path as nginx does; undefined when nginx
 * answers 400: an invalid `%` escape (`/%zz`) or a path climbing above the root.
 */
export function normaliseUri(raw: string): string | undefined {
  const decoded = percentDecodePath(raw);
  if (decoded === undefined) return undefined;
  const parts: string[] = [];
  for (const seg of decoded.split('/').slice(1)) {
    if (seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    if (seg === '') continue;
    parts.push(seg);
  }
  const trailing = decoded.endsWith('/') || decoded.endsWith('/.') || decoded.endsWith('/..');
  return `/${parts.join('/')}${trailing && parts.length > 0 ? '/' : ''}`;
}
