/**
 * A request as a Go `net/http` handler sees it (`*http.Request`): canonical
 * header keys with `Host` removed from the map, `RemoteAddr` from the virtual
 * tuple, Go's query parsing, and `Request.Write`, which whoami uses to echo the
 * request back.
 */
import type { IncomingMessage } from 'node:http';
import type { VirtualTuple } from '../types.js';

/** `http.Header`: canonical key → values in arrival order. */
export type GoHeader = Map<string, string[]>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Keys already canonicalised, as sent (`x-forwarded-for` → `X-Forwarded-For`).
 * Clients repeat the same few header names on every request; the cache is
 * bounded so arbitrary names cannot grow it without limit (once full it is
 * cleared and refills with the names in use).
 */
const canonicalKeys = new Map<string, string>();
const MAX_CANONICAL_KEYS = 512;

function canonicalise(key: string): string {
  if (!TOKEN.test(key)) return key;
  let upper = true;
  let out = '';
  for (const ch of key) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** `textproto.CanonicalMIMEHeaderKey`: `content-type` → `Content-Type`; invalid keys are left as they are. */
export function canonicalHeaderKey(key: string): string {
  let out = canonicalKeys.get(key);
  if (out === undefined) {
    out = canonicalise(key);
    if (canonicalKeys.size >= MAX_CANONICAL_KEYS) canonicalKeys.clear();
    canonicalKeys.set(key, out);
  }
  return out;
}

/** Builds Go's `r.Header` from Node's raw header list (Host goes to `r.Host`). */
export function goHeaderFrom(rawHeaders: readonly string[]): {
  header: GoHeader;
  host: string;
  chunked: boolean;
} {
  const header: GoHeader = new Map();
  let host = '';
  let chunked = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = canonicalHeaderKey(rawHeaders[i] ?? '');
    const value = rawHeaders[i + 1] ?? '';
    if (key === 'Host') {
      if (host === '') host = value;
      continue;
    }
    if (key === 'Transfer-Encoding') {
      chunked ||= value.toLowerCase().includes('chunked');
      continue;
    }
    const list = header.get(key);
    if (list) list.push(value);
    else header.set(key, [value]);
  }
  if (chunked) header.delete('Content-Length');
  return { header, host, chunked };
}

/** The request fields Go handlers read. */
export interface GoRequest {
  readonly method: string;
  /** The raw request-target as received (`r.RequestURI`). */
  readonly requestURI: string;
  /** Unescaped path (`r.URL.Path`). */
  readonly path: string;
  /** Raw query without `?` (`r.URL.RawQuery`). */
  readonly rawQuery: string;
  readonly proto: string;
  readonly http11: boolean;
  readonly host: string;
  readonly header: GoHeader;
  /** `ip:port` of the virtual client, `[v6]:port` for IPv6. */
  readonly remoteAddr: string;
  /** The client asked to close (`Connection: close`, or HTTP/1.0 without keep-alive). */
  readonly close: boolean;
  /** HTTP/1.0 client asked for keep-alive. */
  readonly http10KeepAlive: boolean;
  /** The body came chunked (`r.TransferEncoding == ["chunked"]`). */
  readonly chunked: boolean;
}

/** `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function hasToken(values: readonly string[] | undefined, token: string): boolean {
  return (values ?? []).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === token));
}

function unescapePath(raw: string): string {
  // Without a `%` there is nothing to decode (decodeURIComponent would return `raw`).
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** An absolute-form request-target (`http://host/path`): scheme, `://`, authority, rest. */
const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(.*)$/;

/** Go's view of a Node request that arrived with `tuple`. */
export function toGoRequest(req: IncomingMessage, tuple: VirtualTuple): GoRequest {
  const target = req.url ?? '/';
  const { header, host: hostHeader, chunked } = goHeaderFrom(req.rawHeaders);
  let pathPart = target;
  let host = hostHeader;
  // The usual origin-form target (`/path`) cannot be absolute-form, which starts with a letter.
  const abs = target.charCodeAt(0) === 0x2f ? null : ABSOLUTE_FORM.exec(target);
  if (abs) {
    host = abs[1] ?? '';
    pathPart = abs[2] || '/';
  }
  const q = pathPart.indexOf('?');
  const rawPath = q < 0 ? pathPart : pathPart.slice(0, q);
  const rawQuery = q < 0 ? '' : pathPart.slice(q + 1);
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  const connection = header.get('Connection');
  const close = http11 ? hasToken(connection, 'close') : !hasToken(connection, 'keep-alive');
  return {
    method: req.method ?? 'GET',
    requestURI: target,
    path: unescapePath(rawPath),
    rawQuery,
    proto: `HTTP/${req.httpVersionMajor}.${req.httpVersionMinor}`,
    http11,
    host,
    header,
    remoteAddr: joinHostPort(tuple.srcIP, tuple.srcPort),
    close,
    http10KeepAlive: !http11 && hasToken(connection, 'keep-alive'),
    chunked,
  };
}

function unescapeQuery(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * `url.ParseQuery`: `&`-separated pairs; pairs containing `;` or bad escapes are
 * dropped (Go 1.17+). Returns the values in order, per key.
 */
export function goParseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of raw.split('&')) {
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    const key = unescapeQuery(eq < 0 ? part : part.slice(0, eq));
    const value = unescapeQuery(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** `url.Values.Get`: the first value or ''. */
export function firstValue(values: Map<string, string[]>, key: string): string {
  return values.get(key)?.[0] ?? '';
}

/** Reads the whole request body (bounded). */
export async function readBody(req: IncomingMessage, limit = 32 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * `r.FormValue(key)` after `ParseMultipartForm`: url-encoded POST/PUT/PATCH body
 * values take precedence over query values.
 */
export function formValues(req: GoRequest, body: Buffer): Map<string, string[]> {
  const query = goParseQuery(req.rawQuery);
  const type = (req.header.get('Content-Type')?.[0] ?? '').split(';')[0]?.trim().toLowerCase();
  if (!['POST', 'PUT', 'PATCH'].includes(req.method) || type !== 'application/x-www-form-urlencoded')
    return query;
  const merged = goParseQuery(body.toString('latin1'));
  for (const [k, v] of query) merged.set(k, [...(merged.get(k) ?? []), ...v]);
  return merged;
}

const REQUEST_WRITE_EXCLUDED = new Set([
  'Host',
  'User-Agent',
  'Content-Length',
  'Transfer-Encoding',
  'Trailer',
]);

/**
 * `Request.Write`: request line (always HTTP/1.1, target = RequestURI), Host,
 * User-Agent (`Go-http-client/1.1` when the client sent none), the framing
 * headers, then the remaining headers sorted by key; CRLF line ends.
 */
export function goRequestWrite(req: GoRequest, body: Buffer): Buffer {
  const lines = [`${req.method} ${requestWriteTarget(req)} HTTP/1.1`, `Host: ${req.host}`];
  const ua = req.header.get('User-Agent');
  const userAgent = ua === undefined ? 'Go-http-client/1.1' : (ua[0] ?? '').trim();
  if (userAgent !== '') lines.push(`User-Agent: ${userAgent}`);
  const chunked = req.chunked;
  if (req.close && !hasToken(req.header.get('Connection'), 'close')) lines.push('Connection: close');
  if (chunked) lines.push('Transfer-Encoding: chunked');
  else if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(req.method)) {
    lines.push(`Content-Length: ${body.length}`);
  }
  const keys = [...req.header.keys()].filter((k) => !REQUEST_WRITE_EXCLUDED.has(k)).sort();
  for (const key of keys) {
    for (const value of req.header.get(key) ?? [])
      lines.push(`${key}: ${value.replace(/[\r\n]+/g, ' ').trim()}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!chunked) return Buffer.concat([head, body]);
  const framed =
    body.length > 0 ? `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n0\r\n\r\n` : '0\r\n\r\n';
  return Buffer.concat([head, Buffer.from(framed, 'latin1')]);
}

function requestWriteTarget(req: GoRequest): string {
  const q = req.requestURI.indexOf('?');
  const raw = q < 0 ? req.requestURI : req.requestURI.slice(0, q);
  const path = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw.replace(/^[^:]+:\/\/[^/]*/, '') || '/' : raw;
  return req.rawQuery === '' ? path || '/' : `${path || '/'}?${req.rawQuery}`;
}
