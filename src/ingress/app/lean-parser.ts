/**
 * The request-head parser of the lean front (lean-front.ts): plain HTTP/1.1
 * requests only, and strict. It accepts a head only when Node's `http.Server`
 * would parse it to exactly the same method, target, `rawHeaders` and
 * `headers`; anything else is a fallback, and the connection goes to Node's
 * parser, which answers malformed, oversized and unusual requests as the
 * controller always has (http-front.ts). A property test checks the
 * agreement against Node's parser (lean-parser.test.ts).
 *
 * Accepted: `METHOD SP origin-form SP HTTP/1.1 CRLF`, then `name: value CRLF`
 * lines, then `CRLF`; methods GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH;
 * targets of printable ASCII starting with `/` (no `#`); header names of
 * token characters, values of printable ASCII, spaces and tabs; every header
 * name once; at most one `Content-Length` of digits; `Connection` only
 * `keep-alive` or `close`; a head of at most `LEAN_MAX_HEAD` bytes.
 *
 * Fallbacks: anything else, notably HTTP/1.0, `Transfer-Encoding` (chunked
 * bodies), `Expect` (100-continue), `Upgrade` (WebSockets), `Set-Cookie`
 * (Node makes it an array), absolute-form targets, obs-fold, bare LF, empty
 * lines before the request, non-ASCII bytes.
 *
 * Pure: bytes in, a head or a verdict out. Partial heads are checked as far as
 * they go, so a head that is already bound to fall back does so at once (Node
 * answers a malformed request line without waiting for the rest).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The largest head the lean front parses; longer heads go to Node's parser (nginx's limits apply there). */
export const LEAN_MAX_HEAD = 8 * 1024;

/** A request head the lean front serves. */
export interface LeanHead {
  readonly method: string;
  readonly url: string;
  /** `[name, value, …]` as Node's `rawHeaders`. */
  readonly rawHeaders: string[];
  /** As Node's `req.headers` (names lower-cased; no name repeats on this path). */
  readonly headers: IncomingHttpHeaders;
  /** Body length from `Content-Length` (0 without one). */
  readonly contentLength: number;
  /** The client did not send `Connection: close`. */
  readonly keepAlive: boolean;
  /** Bytes of the head, blank line included. */
  readonly headBytes: number;
}

/** Why a head goes to Node's parser. */
export type LeanFallback =
  | 'large'
  | 'request-line'
  | 'method'
  | 'target'
  | 'version'
  | 'header-syntax'
  | 'repeated-header'
  | 'transfer-encoding'
  | 'expect'
  | 'upgrade'
  | 'connection'
  | 'content-length'
  | 'set-cookie';

/** A head, `incomplete` (wait for more bytes), or the reason to fall back. */
export type LeanParse = LeanHead | 'incomplete' | LeanFallback;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;
const VERSION = 'HTTP/1.1';
const END = Buffer.from('\r\n\r\n', 'latin1');

/** `tchar` of RFC 9110 §5.6.2, by char code. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[c.charCodeAt(0)] = 1;

function isToken(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/** Printable ASCII, and with `spaces` also SP and HTAB. */
function isText(s: string, from: number, to: number, spaces: boolean): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) continue;
    if (spaces && (c === 0x20 || c === 0x09)) continue;
    return false;
  }
  return true;
}

function isMethodPrefix(s: string): boolean {
  for (const m of METHODS) if (m.startsWith(s)) return true;
  return false;
}

/**
 * Checks the request line `text[0, to)`; `partial` when it is still arriving.
 * Returns the offsets of its two spaces, or a fallback.
 */
function requestLine(text: string, to: number, partial: boolean): readonly [number, number] | LeanFallback {
  const sp1 = text.indexOf(' ', 0);
  if (sp1 < 0 || sp1 >= to) return partial && isMethodPrefix(text.slice(0, to)) ? [-1, -1] : 'method';
  const method = text.slice(0, sp1);
  if (!(METHODS as readonly string[]).includes(method)) return 'method';
  if (sp1 + 1 < to && text.charCodeAt(sp1 + 1) !== 0x2f) return 'target';
  let sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 >= to) sp2 = -1;
  const targetEnd = sp2 < 0 ? to : sp2;
  if (!isText(text, sp1 + 1, targetEnd, false) || text.lastIndexOf('#', targetEnd - 1) > sp1) return 'target';
  if (sp2 < 0) return partial ? [-1, -1] : 'request-line';
  if (sp2 === sp1 + 1) return 'target';
  const version = text.slice(sp2 + 1, to);
  if (partial ? !VERSION.startsWith(version) : version !== VERSION) return 'version';
  return [sp1, sp2];
}

/** What one header line means for the lean path; undefined when it is fine. */
function checkHeader(
  lower: string,
  value: string,
  raw: string,
  headers: IncomingHttpHeaders,
): LeanFallback | undefined {
  if (lower in headers || lower === '__proto__') return 'repeated-header';
  switch (lower) {
    case 'transfer-encoding':
      return 'transfer-encoding';
    case 'expect':
      return 'expect';
    case 'upgrade':
      return 'upgrade';
    case 'set-cookie':
      return 'set-cookie';
    case 'connection': {
      const v = value.toLowerCase();
      return v === 'keep-alive' || v === 'close' ? undefined : 'connection';
    }
    case 'content-length':
      // llhttp refuses a tab after the digits (a space is fine): let it decide anything with tabs.
      return /^\d{1,15}$/.test(value) && !raw.includes('\t') ? undefined : 'content-length';
    default:
      return undefined;
  }
}

function trimStart(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

function trimEnd(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && (s.charCodeAt(i - 1) === 0x20 || s.charCodeAt(i - 1) === 0x09)) i--;
  return i;
}

/** Parses the header lines of `text[from, to)`; `partial` when the head is still arriving. */
function headerLines(
  text: string,
  from: number,
  to: number,
  partial: boolean,
  out: { rawHeaders: string[]; headers: IncomingHttpHeaders },
): LeanFallback | undefined {
  let pos = from;
  while (pos < to) {
    let eol = text.indexOf('\r\n', pos);
    const last = eol < 0 || eol >= to;
    if (last) eol = partial && text.charCodeAt(to - 1) === 0x0d ? to - 1 : to;
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon >= eol) {
      if (partial && last && isToken(text, pos, eol)) return undefined;
      return pos === eol && partial && last ? undefined : 'header-syntax';
    }
    if (!isToken(text, pos, colon) || !isText(text, colon + 1, eol, true)) return 'header-syntax';
    if (!partial) {
      const name = text.slice(pos, colon);
      const value = text.slice(trimStart(text, colon + 1, eol), trimEnd(text, colon + 1, eol));
      const lower = name.toLowerCase();
      const raw = lower === 'content-length' ? text.slice(colon + 1, eol) : '';
      const why = checkHeader(lower, value, raw, out.headers);
      if (why) return why;
      out.rawHeaders.push(name, value);
      out.headers[lower] = value;
    }
    pos = eol + 2;
  }
  return undefined;
}

/**
 * Header names clients commonly send, in their usual spelling, by length: the
 * fast path below recognises them from the characters without making a string
 * of the name (and then a property key of its lower-cased copy, which costs
 * V8 a string-table lookup per header).
 */
const COMMON_NAMES = [
  'Host',
  'User-Agent',
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Authorization',
  'Cache-Control',
  'Connection',
  'Content-Length',
  'Content-Type',
  'Cookie',
  'If-Modified-Since',
  'If-None-Match',
  'Origin',
  'Pragma',
  'Referer',
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Real-IP',
  'X-Request-ID',
];

interface CommonName {
  readonly name: string;
  readonly lower: string;
  /** The characters of `lower`. */
  readonly lowerCodes: Uint8Array;
  /** The characters of `name`. */
  readonly nameCodes: Uint8Array;
  /** This name's bit in the set of common names a head has used. */
  readonly bit: number;
}

const COMMON_BY_LENGTH: (CommonName[] | undefined)[] = Array.from({ length: 32 }, () => undefined);
// One bit each in a 32-bit integer.
if (COMMON_NAMES.length > 31) throw new Error('too many common header names');
for (const [i, name] of COMMON_NAMES.entries()) {
  const list = COMMON_BY_LENGTH[name.length] ?? [];
  const lower = name.toLowerCase();
  const lowerCodes = Buffer.from(lower, 'latin1');
  list.push({ name, lower, lowerCodes, nameCodes: Buffer.from(name, 'latin1'), bit: 2 ** i });
  COMMON_BY_LENGTH[name.length] = list;
}

/**
 * The common name equal, ignoring case, to the token `buf[from, to)`. Only
 * token characters reach here, and among them `c | 0x20` equals a lower-case
 * letter, digit or `-` only for that character in either case.
 */
function commonName(buf: Buffer, from: number, to: number): CommonName | undefined {
  const list = COMMON_BY_LENGTH[to - from];
  if (list === undefined) return undefined;
  for (const entry of list) {
    const codes = entry.lowerCodes;
    let i = 0;
    while (i < codes.length && ((buf[from + i] as number) | 0x20) === codes[i]) i++;
    if (i === codes.length) return entry;
  }
  return undefined;
}

/** Whether `buf` holds the characters `codes` at `from`. */
function holds(buf: Buffer, from: number, codes: Uint8Array): boolean {
  for (let i = 0; i < codes.length; i++) if (buf[from + i] !== codes[i]) return false;
  return true;
}

const VERSION_CODES = Buffer.from(VERSION, 'latin1');

function methodOf(m: string): string | undefined {
  switch (m) {
    case 'GET':
      return 'GET';
    case 'HEAD':
      return 'HEAD';
    case 'POST':
      return 'POST';
    case 'PUT':
      return 'PUT';
    case 'DELETE':
      return 'DELETE';
    case 'OPTIONS':
      return 'OPTIONS';
    case 'PATCH':
      return 'PATCH';
    default:
      return undefined;
  }
}

/**
 * The fast path for a complete head `text` (without its blank line): one pass
 * over the characters for the usual request (a known method, an origin-form
 * target, `HTTP/1.1`, well-formed header lines). It returns exactly what the
 * general parser below returns for such a head, and undefined for anything it
 * does not handle itself (every fallback included), which the general parser
 * then decides. A property test holds the two together (lean-parser.test.ts).
 */
function fastHead(buf: Buffer, text: string, headBytes: number): LeanHead | undefined {
  const len = text.length;
  const sp1 = text.indexOf(' ');
  if (sp1 < 0) return undefined;
  const method = methodOf(text.slice(0, sp1));
  if (method === undefined || buf[sp1 + 1] !== 0x2f) return undefined;
  let sp2 = sp1 + 2;
  for (; sp2 < len; sp2++) {
    const c = buf[sp2] as number;
    if (c === 0x20) break;
    if (c < 0x21 || c > 0x7e || c === 0x23) return undefined;
  }
  if (!holds(buf, sp2 + 1, VERSION_CODES)) return undefined;
  const rawHeaders: string[] = [];
  const headers: IncomingHttpHeaders = {};
  let contentLength = 0;
  let keepAlive = true;
  /** The common names seen (their bits): a repeat falls back without a property lookup. */
  let seen = 0;
  let pos = sp2 + 1 + VERSION.length;
  while (pos < len) {
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) return undefined;
    const start = pos + 2;
    let colon = start;
    for (; colon < len; colon++) {
      const c = buf[colon] as number;
      if (c === 0x3a) break;
      if (c >= 128 || TOKEN[c] !== 1) return undefined;
    }
    if (colon === start || colon === len) return undefined;
    let from = colon + 1;
    while (from < len && (buf[from] === 0x20 || buf[from] === 0x09)) from++;
    let eol = from;
    let to = from;
    for (; eol < len; eol++) {
      const c = buf[eol] as number;
      if (c > 0x20 && c < 0x7f) to = eol + 1;
      else if (c === 0x0d) break;
      else if (c !== 0x20 && c !== 0x09) return undefined;
    }
    const value = text.slice(from, to);
    const common = commonName(buf, start, colon);
    let name: string;
    let lower: string;
    if (common === undefined) {
      name = text.slice(start, colon);
      lower = name.toLowerCase();
      // Names of Object.prototype's properties are `in` every object: the general parser decides.
      if (lower in headers || lower === '__proto__') return undefined;
    } else {
      if ((seen & common.bit) !== 0) return undefined;
      seen |= common.bit;
      lower = common.lower;
      name = holds(buf, start, common.nameCodes) ? common.name : text.slice(start, colon);
    }
    switch (lower) {
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
      case 'set-cookie':
        return undefined;
      case 'connection': {
        const v = value.toLowerCase();
        if (v === 'close') keepAlive = false;
        else if (v !== 'keep-alive') return undefined;
        break;
      }
      case 'content-length':
        if (checkHeader(lower, value, text.slice(colon + 1, eol), headers) !== undefined) return undefined;
        contentLength = Number(value);
        break;
      default:
    }
    rawHeaders.push(name, value);
    headers[lower] = value;
    pos = eol;
  }
  return { method, url: text.slice(sp1 + 1, sp2), rawHeaders, headers, contentLength, keepAlive, headBytes };
}

/**
 * Parses the request head at the start of `buf`. Called by the lean front
 * whenever bytes arrive while no request is in progress; `headBytes` of a
 * returned head are consumed, the body (if any) follows them. `fast`: try the
 * one-pass path first (tests turn it off to compare the two).
 */
export function parseLeanHead(buf: Buffer, fast = true): LeanParse {
  const end = buf.indexOf(END);
  const partial = end < 0;
  if (partial && buf.length > LEAN_MAX_HEAD) return 'large';
  if (!partial && end + 4 > LEAN_MAX_HEAD) return 'large';
  const text = buf.toString('latin1', 0, partial ? buf.length : end);
  if (fast && !partial) {
    const head = fastHead(buf, text, end + 4);
    if (head !== undefined) return head;
  }
  const eol = text.indexOf('\r\n');
  const lineEnd = eol < 0 ? (partial && text.endsWith('\r') ? text.length - 1 : text.length) : eol;
  const line = requestLine(text, lineEnd, partial && eol < 0);
  if (typeof line === 'string') return line;
  if (partial && eol < 0) return 'incomplete';
  const out = { rawHeaders: [] as string[], headers: {} as IncomingHttpHeaders };
  const why = headerLines(text, eol < 0 ? text.length : eol + 2, text.length, partial, out);
  if (why) return why;
  if (partial) return 'incomplete';
  const cl = out.headers['content-length'];
  return {
    method: text.slice(0, line[0]),
    url: text.slice(line[0] + 1, line[1]),
    rawHeaders: out.rawHeaders,
    headers: out.headers,
    contentLength: cl === undefined ? 0 : Number(cl),
    keepAlive: out.headers.connection?.toLowerCase() !== 'close',
    headBytes: end + 4,
  };
}
