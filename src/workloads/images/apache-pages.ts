/**
 * What Apache httpd 2.4 writes besides files: its canned error documents
 * (`ap_send_error_response`, with the `ServerSignature On` address line Debian's
 * security.conf enables), its error-log time, the escaping of access-log fields
 * (`ap_escape_logitem`) and request-path decoding (`ap_unescape_url`). Pure.
 */

import { percentDecodeBytes } from '../http/percent.js';
import { goStatusText } from '../http/status-text.js';

/** Options of an error document. */
export interface ApachePageOptions {
  /** The request method (405 names it). */
  readonly method?: string;
  /** `ServerSignature On`: the address line (`Apache/2.4.68 (Debian) Server at HOST Port 80`). */
  readonly signature?: string | undefined;
  /** ServerAdmin, named by the 500 page. @default you@example.com */
  readonly admin?: string;
  /** Where a 301 points. */
  readonly location?: string;
}

function message(status: number, options: ApachePageOptions): string {
  switch (status) {
    case 301:
      return `<p>The document has moved <a href="${options.location ?? ''}">here</a>.</p>\n`;
    case 400:
      return '<p>Your browser sent a request that this server could not understand.<br />\n</p>\n';
    case 403:
      return "<p>You don't have permission to access this resource.</p>\n";
    case 404:
      return '<p>The requested URL was not found on this server.</p>\n';
    case 405:
      return `<p>The requested method ${options.method ?? 'GET'} is not allowed for this URL.</p>\n`;
    case 500:
      return (
        '<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n' +
        `<p>Please contact the server administrator at \n ${options.admin ?? 'you@example.com'} to inform them of the time this error occurred,\n` +
        ' and the actions you performed just before this error.</p>\n<p>More information about this error may be available\nin the server error log.</p>\n'
      );
    default:
      return '';
  }
}

/** Apache's error document for `status`. */
export function apacheErrorPage(status: number, options: ApachePageOptions = {}): string {
  const text = goStatusText(status);
  const address = options.signature ? `<hr>\n<address>${options.signature}</address>\n` : '';
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${text}</title>\n</head><body>\n<h1>${text}</h1>\n${message(status, options)}${address}</body></html>\n`;
}

/** Apache's error-log time: `Fri Jan 02 03:04:05.123000 2026`. */
export function apacheTime(ms: number): string {
  const d = new Date(ms);
  const [day, mon] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11)];
  const date = String(d.getUTCDate()).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${day} ${mon} ${date} ${d.toISOString().slice(11, 19)}.${micros} ${d.getUTCFullYear()}`;
}

/** `ap_escape_logitem`: `"` and `\` backslashed, control and non-ASCII bytes as `\xhh`; empty is `-`. */
export function apacheLogItem(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (code < 0x20 || code >= 0x7f) out += `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/**
 * The request path as Apache maps it to a file: `%xx` decoded (a bad escape
 * is a 400, an encoded `/` or NUL a 404 with AllowEncodedSlashes Off), then
 * `.`/`..` segments resolved (`ap_getparents`; climbing above `/` is a 400).
 */
export function apachePath(raw: string): string | 400 | 404 {
  const bytes = percentDecodeBytes(raw);
  if (bytes === 'bad-escape') return 400;
  // An encoded NUL or `/` (AllowEncodedSlashes Off): a raw `/` is never 0x2f here, as
  // it stays a separator; only an escape can bring one in, so compare escapes only.
  if (/%(00|2f)/i.test(raw)) return 404;
  const decoded = Buffer.from(bytes).toString('utf8');
  const parts: string[] = [];
  for (const seg of decoded.split('/').slice(1)) {
    if (seg === '..') {
      if (parts.length === 0) return 400;
      parts.pop();
    } else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  const trailing = /\/\.{0,2}$/.test(decoded) && parts.length > 0;
  return `/${parts.join('/')}${trailing ? '/' : ''}`;
}

/** Content types of the usual static files (`mime.types`); undefined: Apache sends none. */
export function apacheContentType(path: string): string | undefined {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const types: Readonly<Record<string, string>> = {
    html: 'text/html',
    htm: 'text/html',
    txt: 'text/plain',
    css: 'text/css',
    json: 'application/json',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    svg: 'image/svg+xml',
  };
  return Object.hasOwn(types, ext) ? types[ext] : undefined;
}
