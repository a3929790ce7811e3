/**
 * Request and response heads as ingress-nginx writes them (reference §2.1,
 * §2.2; nginx.tmpl location block and `ngx_http_proxy_create_request`).
 *
 * Upstream requests: the request line, then ingress-nginx's `proxy_set_header`
 * list in template order (`Host`, `Upgrade`/`Connection` for WebSockets,
 * `X-Request-ID`, `X-Real-IP`, `X-Forwarded-*`, `X-Scheme`,
 * `X-Original-Forwarded-*`, `X-Forwarded-Prefix` with a rewrite), then nginx's
 * defaults (`Content-Length`/`Transfer-Encoding`), then the client's other
 * headers in order. Empty values are omitted, as nginx does. Hop-by-hop client
 * headers and every header the client's `Connection` names are dropped
 * (the reference's recommendation; nginx itself forwards the named ones).
 * Client headers whose names nginx finds invalid — any character other than a
 * letter, digit or `-`, so `X-Under_score` too — are ignored as nginx ignores
 * them (`underscores_in_headers off`, `ignore_invalid_headers on`): never
 * forwarded, never read as `X-Forwarded-For`, `Connection`….
 *
 * Client responses: the upstream's status line as sent (reason phrase
 * included), then nginx's order (`Date`, `Content-Type`, `Content-Length`,
 * `Transfer-Encoding`, `Connection`, then the upstream's other headers), with
 * the upstream's `Date`, `Server`, `X-Pad`, `X-Accel-*` and hop-by-hop headers
 * hidden and no `Server` of its own (ingress-nginx clears it).
 */

import { httpDate, statusLine } from './pages.js';
import type { ResponseHead } from './response-parser.js';

/** Client headers never forwarded as sent (set by the proxy, or hop-by-hop). */
const REPLACED = new Set([
  'host',
  'connection',
  'upgrade',
  'x-request-id',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-forwarded-scheme',
  'x-scheme',
  'x-original-forwarded-for',
  'x-original-forwarded-host',
  'proxy',
  'content-length',
  'transfer-encoding',
  'te',
  'keep-alive',
  'expect',
  'proxy-connection',
  'trailer',
]);

export interface UpstreamRequestInput {
  readonly method: string;
  /** The request-target to send (after rewrite). */
  readonly target: string;
  /** The client's headers as `[name, value, name, value…]` (Node `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** `$best_http_host` (the client's Host) or `upstream-vhost`. */
  readonly host: string;
  /** The client's `Upgrade` header, forwarded with `Connection: upgrade`. */
  readonly upgrade: string | undefined;
  readonly requestId: string;
  readonly remoteAddr: string;
  /** `X-Forwarded-Port`: the listener port (80/443). */
  readonly port: number;
  readonly scheme: 'http' | 'https';
  readonly xForwardedPrefix: string | undefined;
  /** The body: a length, `chunked`, or none. */
  readonly body: number | 'chunked' | undefined;
}

/**
 * What the client's headers contribute to the upstream head, read in one pass:
 * the lower-cased names, the tokens of every `Connection` header, and the first
 * `X-Forwarded-For` and `X-Forwarded-Host` (sent on as `X-Original-…`).
 */
interface ClientHeaderScan {
  readonly lower: string[];
  named: Set<string> | undefined;
  xff: string | undefined;
  xfh: string | undefined;
}

/** Characters nginx allows in a header name (`lowcase` of `ngx_http_parse_header_line`): letters, digits, `-`. */
const NGINX_NAME = new Uint8Array(128);
for (const c of '-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  NGINX_NAME[c.charCodeAt(0)] = 1;

/**
 * Whether nginx keeps a client header of this name. Any other character (`_`
 * with `underscores_in_headers off`, `.`, `!`, a byte above 0x7f…) makes the
 * line invalid, and `ignore_invalid_headers on` skips it.
 */
export function validHeaderName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || NGINX_NAME[c] !== 1) return false;
  }
  return name.length > 0;
}

function scanClientHeaders(raw: readonly string[]): ClientHeaderScan {
  const scan: ClientHeaderScan = { lower: [], named: undefined, xff: undefined, xfh: undefined };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // An ignored header is '' here: in no list, and skipped when the head is written.
    const lower = validHeaderName(name) ? name.toLowerCase() : '';
    scan.lower.push(lower);
    switch (lower) {
      case 'connection':
        scan.named ??= new Set();
        for (const t of (raw[i + 1] as string).split(',')) scan.named.add(t.trim().toLowerCase());
        break;
      case 'x-forwarded-for':
        scan.xff ??= raw[i + 1];
        break;
      case 'x-forwarded-host':
        scan.xfh ??= raw[i + 1];
        break;
      default:
    }
  }
  return scan;
}

/**
 * The `X-Real-IP` … `X-Scheme` lines, which depend only on the client address,
 * host, port and scheme: the same for every request of a connection, so the
 * last ones made are kept (strings compare by content).
 */
let lastForwarded = { remoteAddr: '', host: '', port: 0, scheme: '', text: '' };

function forwardedLines(remoteAddr: string, host: string, port: number, scheme: string): string {
  const last = lastForwarded;
  if (last.remoteAddr === remoteAddr && last.host === host && last.port === port && last.scheme === scheme)
    return last.text;
  const text =
    `X-Real-IP: ${remoteAddr}\r\nX-Forwarded-For: ${remoteAddr}\r\n` +
    `X-Forwarded-Host: ${host}\r\nX-Forwarded-Port: ${port}\r\nX-Forwarded-Proto: ${scheme}\r\n` +
    `X-Forwarded-Scheme: ${scheme}\r\nX-Scheme: ${scheme}\r\n`;
  lastForwarded = { remoteAddr, host, port, scheme, text };
  return text;
}

/** The head of the request sent to the pod, ending in the blank line. */
export function upstreamRequestHead(r: UpstreamRequestInput): string {
  const raw = r.rawHeaders;
  const scan = scanClientHeaders(raw);
  let head = `${r.method} ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\n`;
  if (r.upgrade) head += `Upgrade: ${r.upgrade}\r\nConnection: upgrade\r\n`;
  head += `X-Request-ID: ${r.requestId}\r\n${forwardedLines(r.remoteAddr, r.host, r.port, r.scheme)}`;
  if (scan.xff) head += `X-Original-Forwarded-For: ${scan.xff}\r\n`;
  if (scan.xfh) head += `X-Original-Forwarded-Host: ${scan.xfh}\r\n`;
  if (r.xForwardedPrefix) head += `X-Forwarded-Prefix: ${r.xForwardedPrefix}\r\n`;
  if (typeof r.body === 'number') head += `Content-Length: ${r.body}\r\n`;
  else if (r.body === 'chunked') head += 'Transfer-Encoding: chunked\r\n';
  const named = scan.named;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = scan.lower[i >> 1] as string;
    if (lower === '' || REPLACED.has(lower) || named?.has(lower)) continue;
    if (lower === 'x-forwarded-prefix' && r.xForwardedPrefix) continue;
    head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

/** Upstream response headers nginx hides or replaces. */
const HIDDEN = new Set([
  'date',
  'server',
  'x-pad',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
]);

/** How the body of a client response is framed. */
export interface ClientFraming {
  readonly contentLength: number | undefined;
  readonly chunked: boolean;
  readonly keepAlive: boolean;
}

/** A proxied head without its `Date` value: `prefix` + date + `suffix` + extra lines. */
interface HeadTemplate {
  readonly framing: ClientFraming;
  readonly prefix: string;
  readonly suffix: string;
  /** The last `Date` value used and the head made with it (the date changes once a second). */
  date: string;
  text: string;
}

/**
 * Templates per upstream head object. The response parser hands out the same
 * object while a pod repeats its head, so the header filtering and ordering
 * below run once per distinct head and framing, not once per request.
 */
const templates = new WeakMap<ResponseHead, HeadTemplate[]>();

function buildTemplate(head: ResponseHead, framing: ClientFraming): HeadTemplate {
  let out = '';
  let contentType: string | undefined;
  for (const [name, value] of head.headers) if (name.toLowerCase() === 'content-type') contentType ??= value;
  if (contentType !== undefined) out += `\r\nContent-Type: ${contentType}`;
  if (framing.contentLength !== undefined) out += `\r\nContent-Length: ${framing.contentLength}`;
  if (framing.chunked) out += '\r\nTransfer-Encoding: chunked';
  if (head.status === 101) {
    out += '\r\nConnection: upgrade';
    const up = head.headers.find(([n]) => n.toLowerCase() === 'upgrade');
    if (up) out += `\r\nUpgrade: ${up[1]}`;
  } else {
    out += framing.keepAlive ? '\r\nConnection: keep-alive' : '\r\nConnection: close';
  }
  for (const [name, value] of head.headers) {
    const lower = name.toLowerCase();
    if (HIDDEN.has(lower) || lower.startsWith('x-accel-')) continue;
    out += `\r\n${name}: ${value}`;
  }
  // The upstream's own status line (nginx copies it): its reason phrase reaches the client as sent.
  return { framing, prefix: `${head.statusLine}\r\nDate: `, suffix: out, date: '', text: '' };
}

function templateOf(head: ResponseHead, framing: ClientFraming): HeadTemplate {
  let list = templates.get(head);
  if (list) {
    for (const t of list) {
      const f = t.framing;
      if (
        f.contentLength === framing.contentLength &&
        f.chunked === framing.chunked &&
        f.keepAlive === framing.keepAlive
      )
        return t;
    }
  } else {
    list = [];
    templates.set(head, list);
  }
  const t = buildTemplate(head, { ...framing });
  list.push(t);
  return t;
}

/** The head of a proxied response to the client (without the final blank line). */
export function clientResponseHead(
  head: ResponseHead,
  framing: ClientFraming,
  now: number,
  extra: readonly (readonly [string, string])[],
): string {
  const t = templateOf(head, framing);
  const date = httpDate(now);
  if (date !== t.date) {
    t.date = date;
    t.text = t.prefix + date + t.suffix;
  }
  // One string for every response of the second: once written (flattened), later writes copy it as is.
  let out = t.text;
  for (const [name, value] of extra) out += `\r\n${name}: ${value}`;
  return out;
}

/**
 * The head of a response nginx generates itself (error pages, redirects), in
 * `ngx_http_header_filter`'s order: `Date`, `Content-Type`, `Content-Length`,
 * `location` (a `Location` nginx made absolute from a relative one, as for its
 * trailing-slash redirect), `Connection`, then `extra` (headers set by
 * modules, such as an absolute `Location` from `return` or Lua).
 */
export function generatedResponseHead(
  status: number,
  bodyLength: number,
  keepAlive: boolean,
  now: number,
  extra: readonly (readonly [string, string])[],
  location?: string,
): string {
  let out = `${statusLine(status)}\r\nDate: ${httpDate(now)}\r\n`;
  if (bodyLength > 0) out += `Content-Type: text/html\r\nContent-Length: ${bodyLength}\r\n`;
  else out += 'Content-Length: 0\r\n';
  if (location !== undefined) out += `Location: ${location}\r\n`;
  out += keepAlive ? 'Connection: keep-alive' : 'Connection: close';
  for (const [name, value] of extra) out += `\r\n${name}: ${value}`;
  return out;
}
