/**
 * How nginx names and describes files: URI normalisation (`..` above the root
 * is a 400), `mime.types`, the ETag of a file (`"<mtime hex>-<size hex>"`) and
 * the escaping of request lines and headers in its logs. Pure.
 */

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

/** Decodes and normalises a URI path as nginx does; undefined when it climbs above the root (400). */
export function normaliseUri(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
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
