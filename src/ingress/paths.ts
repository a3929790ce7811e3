/**
 * Request paths and location matchers (reference §1.3, §1.4).
 *
 * nginx matches locations against its normalised `$uri`: the path of the
 * request-target without the query, with `.`/`..` segments resolved and
 * duplicate slashes merged (`merge_slashes on`). netkube does the same but
 * does not percent-decode (the reference's "match on the raw path"), so
 * `/foo%2Fbar` stays one element. A `..` that climbs above `/` is a 400, as in
 * nginx, and so is a path with a malformed escape (`/foo%zz`, `/foo%2`) or
 * `%00`, which nginx's `ngx_http_parse_complex_uri` refuses. Pure.
 */
import type { LocationMatcher } from './types.js';

/** A request-target split for matching. */
export interface RequestPath {
  /** The normalised path nginx matches (`$uri`), or undefined when invalid (400). */
  readonly uri: string | undefined;
  /** The path as sent, before `?`. */
  readonly rawPath: string;
  /** The query without `?`, or undefined when the target has none. */
  readonly query: string | undefined;
  /**
   * The host (and port) of an absolute-form target (`http://host:port/p`):
   * nginx selects the server by it, not by the `Host` header, and makes it
   * `$host`. Undefined for origin-form targets.
   */
  readonly authority: string | undefined;
  /**
   * nginx's `$request_uri`, what `proxy_pass` sends upstream: the target
   * itself for origin-form, the part from the path on for absolute-form.
   */
  readonly requestUri: string;
}

const HEX = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Whether every `%` of `path` starts an escape nginx decodes: two hex digits, not `%00`. */
function validEscapes(path: string): boolean {
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 3)) {
    const a = path.charCodeAt(i + 1);
    const b = path.charCodeAt(i + 2);
    if (!(a < 128 && HEX[a] === 1 && b < 128 && HEX[b] === 1)) return false;
    if (a === 0x30 && b === 0x30) return false;
  }
  return true;
}

/** Splits and normalises a request-target (`/a/./b//c?x=1`, or absolute-form `http://h/p`). */
export function parseRequestTarget(target: string): RequestPath {
  let t = target;
  let authority: string | undefined;
  // An origin-form target (the usual one) cannot start with a scheme: skip the regex.
  const scheme = t.charCodeAt(0) === 0x2f ? null : /^https?:\/\/([^/?#]*)/i.exec(t);
  if (scheme) {
    authority = scheme[1] || undefined;
    t = t.slice(scheme[0].length);
    // `http://h` and `http://h?x`: nginx's empty path is `/`.
    if (t.charCodeAt(0) !== 0x2f) t = `/${t}`;
  }
  const requestUri = t;
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  const rawPath = q >= 0 ? t.slice(0, q) : t;
  const query = q >= 0 ? t.slice(q + 1) : undefined;
  const uri = rawPath.includes('%') && !validEscapes(rawPath) ? undefined : normalisePath(rawPath);
  return { uri, rawPath, query, authority, requestUri };
}

/** Resolves dot-segments and merges slashes; undefined when the path is not absolute or escapes `/`. */
export function normalisePath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  if (!path.includes('//') && !path.includes('/.')) return path;
  const out: string[] = [];
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i] as string;
    const last = i === parts.length - 1;
    if (seg === '' && !last) continue;
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Whether `matcher` accepts the normalised path `uri`. */
export function matchesPath(matcher: LocationMatcher, uri: string): boolean {
  switch (matcher.kind) {
    case 'exact':
      return uri === matcher.path;
    case 'prefix':
      return uri.startsWith(matcher.path);
    case 'element-prefix':
      return elementPrefixMatch(matcher.path, uri);
    case 'regex':
      return matcher.regex.test(uri);
    default:
      return assertNeverMatcher(matcher);
  }
}

function assertNeverMatcher(m: never): never {
  throw new Error(`Unexpected location matcher: ${JSON.stringify(m)}`);
}

/**
 * The Ingress API's Prefix semantics (reference §1.4 operational definition):
 * `/` matches everything; a trailing `/` on the rule is ignored; whole
 * elements only.
 */
export function elementPrefixMatch(rulePath: string, uri: string): boolean {
  if (rulePath === '/' || rulePath === '') return true;
  const base = rulePath.endsWith('/') ? rulePath.slice(0, -1) : rulePath;
  return uri === base || uri.startsWith(`${base}/`);
}

/**
 * Compiles an nginx `~*` location: `^<path>`, case-insensitive. PCRE syntax
 * JavaScript lacks (`(?<name>` is shared; possessive quantifiers, `\A`, `\Z` are
 * not) makes the path invalid, reported by the caller.
 */
export function compileLocationRegex(path: string): { regex: RegExp } | { error: string } {
  try {
    return { regex: new RegExp(`^${path}`, 'i') };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * ingress-nginx's `strict-validate-path-type` (on by default since v1.12):
 * Exact and Prefix paths may hold only letters, digits, `.`, `_`, `-` and `/`.
 * Returns the admission webhook's message for a refused path.
 */
export function strictPathTypeError(path: string, pathType: string): string | undefined {
  if (path === '' || pathType === 'ImplementationSpecific') return undefined;
  if (/^\/[A-Za-z0-9._\-/]*$/.test(path)) return undefined;
  return `path ${path} cannot be used with pathType ${pathType}`;
}

/**
 * nginx `rewrite "(?i)<path>" <target> break;` (reference §3.2): when the
 * (unanchored, case-insensitive) path regex matches `uri`, the whole URI becomes
 * `target` with `$1…$9` (and `$0`) replaced by captures; the query string is
 * appended (after `&` when the target has its own `?` arguments). Returns the
 * new request-target, or undefined when the regex does not match.
 */
export function rewriteTarget(
  pathRegex: string,
  target: string,
  uri: string,
  query: string | undefined,
): string | undefined {
  let m: RegExpExecArray | null;
  try {
    m = new RegExp(pathRegex, 'i').exec(uri);
  } catch {
    return undefined;
  }
  if (!m) return undefined;
  const groups = m;
  const replaced = target.replace(/\$(\d)/g, (_all, d: string) => groups[Number(d)] ?? '');
  if (query === undefined || query === '') return replaced;
  if (replaced.endsWith('?')) return replaced.slice(0, -1);
  return replaced.includes('?') ? `${replaced}&${query}` : `${replaced}?${query}`;
}
