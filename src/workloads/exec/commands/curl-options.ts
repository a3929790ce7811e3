/**
 * Command-line options of in-pod `curl` (the subset scripts and docs use):
 * `-s -S -i -I -v -f -L -k -g -q`, `-H`, `-X`, `-d/--data*`, `-o`, `-w`, `-A`,
 * `-m/--max-time`, `--connect-timeout`. Short flags may be bundled (`-sS`,
 * `-svo /dev/null`). Pure.
 */

/** curl's version when the image does not say (`curl/8.5.0`). */
export const DEFAULT_CURL_VERSION = '8.5.0';

export interface CurlOptions {
  readonly urls: readonly string[];
  readonly silent: boolean;
  readonly showError: boolean;
  readonly include: boolean;
  readonly head: boolean;
  readonly verbose: boolean;
  readonly fail: boolean;
  readonly location: boolean;
  readonly headers: readonly string[];
  readonly method: string | undefined;
  /** The body, once `dataParts` are read (`resolveCurlData`); parsing leaves `@file` parts unread. */
  readonly data: string | undefined;
  /** `-d`/`--data*` values in order, with the option that gave each. */
  readonly dataParts: readonly CurlDataPart[];
  /** `-V`/`--version`. */
  readonly version: boolean;
  readonly output: string | undefined;
  readonly writeOut: string | undefined;
  readonly userAgent: string | undefined;
  readonly maxTimeMs: number | undefined;
  readonly connectTimeoutMs: number | undefined;
}

/** One `-d` (`data`, `data-ascii`), `--data-raw` or `--data-binary` value. */
export interface CurlDataPart {
  readonly kind: 'data' | 'data-raw' | 'data-binary';
  readonly value: string;
}

export type CurlParse =
  | { readonly ok: true; readonly options: CurlOptions }
  | { readonly ok: false; readonly message: string; readonly code: number };

const BOOL_SHORT: Record<string, string> = {
  s: 'silent',
  S: 'showError',
  i: 'include',
  I: 'head',
  v: 'verbose',
  f: 'fail',
  L: 'location',
  k: 'insecure',
  g: 'globoff',
  q: 'disable',
  '4': 'ipv4',
  N: 'nobuffer',
  V: 'version',
};
const VALUE_SHORT: Record<string, string> = {
  H: 'header',
  X: 'request',
  d: 'data',
  o: 'output',
  w: 'write-out',
  A: 'user-agent',
  m: 'max-time',
  u: 'user',
  e: 'referer',
};
const BOOL_LONG = new Set([
  'silent',
  'show-error',
  'include',
  'head',
  'verbose',
  'fail',
  'location',
  'insecure',
  'globoff',
  'disable',
  'http1.1',
  'ipv4',
  'no-buffer',
  'compressed',
  'no-progress-meter',
  'version',
]);
const VALUE_LONG = new Set([
  'header',
  'request',
  'data',
  'data-raw',
  'data-binary',
  'data-ascii',
  'output',
  'write-out',
  'user-agent',
  'max-time',
  'connect-timeout',
  'url',
  'user',
  'referer',
  'resolve',
]);

/** Parses curl's arguments (without `curl`). */
export function parseCurlArgs(args: readonly string[]): CurlParse {
  const set = new Map<string, string[]>();
  const flags = new Set<string>();
  const urls: string[] = [];
  const dataParts: CurlDataPart[] = [];
  const add = (name: string, value: string) => {
    if (name.startsWith('data')) {
      dataParts.push({ kind: name === 'data-raw' || name === 'data-binary' ? name : 'data', value });
      return;
    }
    set.set(name, [...(set.get(name) ?? []), value]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (BOOL_LONG.has(name)) {
        flags.add(name === 'show-error' ? 'showError' : name);
        continue;
      }
      if (!VALUE_LONG.has(name))
        return {
          ok: false,
          code: 2,
          message: `curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
        };
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined)
        return {
          ok: false,
          code: 2,
          message: `curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
        };
      if (name === 'url') urls.push(value);
      else add(name, value);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] ?? '';
        const bool = BOOL_SHORT[c];
        if (bool) {
          flags.add(bool);
          continue;
        }
        const name = VALUE_SHORT[c];
        if (!name)
          return {
            ok: false,
            code: 2,
            message: `curl: option -${c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
          };
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined)
          return {
            ok: false,
            code: 2,
            message: `curl: option -${c}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
          };
        add(name, value);
        break;
      }
      continue;
    }
    urls.push(a);
  }
  if (urls.length === 0 && !flags.has('version'))
    return {
      ok: false,
      code: 2,
      message: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
    };
  const seconds = (v: string | undefined) => (v === undefined ? undefined : Math.round(Number(v) * 1000));
  return {
    ok: true,
    options: {
      urls,
      silent: flags.has('silent') || flags.has('no-progress-meter'),
      showError: flags.has('showError'),
      include: flags.has('include'),
      head: flags.has('head'),
      verbose: flags.has('verbose'),
      fail: flags.has('fail'),
      location: flags.has('location'),
      headers: set.get('header') ?? [],
      method: set.get('request')?.at(-1),
      data: dataParts.length === 0 ? undefined : dataParts.map((p) => p.value).join('&'),
      dataParts,
      version: flags.has('version'),
      output: set.get('output')?.at(-1),
      writeOut: set.get('write-out')?.at(-1),
      userAgent: set.get('user-agent')?.at(-1),
      maxTimeMs: seconds(set.get('max-time')?.at(-1)),
      connectTimeoutMs: seconds(set.get('connect-timeout')?.at(-1)),
    },
  };
}

/**
 * Reads the `-d` parts into one body as curl does (src/tool_getparam.c): parts
 * are joined with `&`; `-d @file` reads the file without CR and LF,
 * `--data-binary @file` reads it as is (`@-` is stdin), `--data-raw` never
 * reads. An unreadable file adds nothing and gives curl's warning (`warn`).
 */
export function resolveCurlData(
  parts: readonly CurlDataPart[],
  read: (path: string) => string | undefined,
  warn: (message: string) => void,
): string | undefined {
  if (parts.length === 0) return undefined;
  return parts
    .map((p) => {
      if (p.kind === 'data-raw' || !p.value.startsWith('@')) return p.value;
      const path = p.value.slice(1);
      const content = read(path);
      if (content === undefined) {
        warn(`Couldn't read data from file "${path}", this makes an empty POST.`);
        return '';
      }
      return p.kind === 'data' ? content.replace(/[\r\n]/g, '') : content;
    })
    .join('&');
}

/**
 * A warning as curl's tool prints it (src/tool_msgs.c): `Warning: ` before
 * each line, wrapped at a blank so a line holds at most 79 columns.
 */
export function curlWarning(message: string): string {
  const prefix = 'Warning: ';
  const width = 79 - prefix.length;
  let out = '';
  let rest = message;
  while (rest.length > 0) {
    if (rest.length > width) {
      let cut = width - 1;
      while (cut > 0 && rest[cut] !== ' ' && rest[cut] !== '\t') cut--;
      if (cut === 0) cut = width - 1;
      out += `${prefix}${rest.slice(0, cut + 1)}\n`;
      rest = rest.slice(cut + 1);
    } else {
      out += `${prefix}${rest}\n`;
      rest = '';
    }
  }
  return out;
}

/**
 * The request head curl 8 sends: request line, Host, User-Agent, Accept, then
 * `-H` headers (a `-H` with a default's name replaces it; `Name:` removes it),
 * then Content-Length and Content-Type for `-d`.
 */
export function curlRequestHead(
  options: CurlOptions,
  method: string,
  target: string,
  hostHeader: string,
  version = DEFAULT_CURL_VERSION,
): string[] {
  const defaults: Array<[string, string]> = [
    ['Host', hostHeader],
    ['User-Agent', options.userAgent ?? `curl/${version}`],
    ['Accept', '*/*'],
  ];
  const custom: Array<[string, string | undefined]> = [];
  for (const h of options.headers) {
    const semi = /^([^:;]+);$/.exec(h);
    if (semi) {
      custom.push([semi[1] ?? '', '']);
      continue;
    }
    const i = h.indexOf(':');
    if (i <= 0) continue;
    const name = h.slice(0, i).trim();
    const value = h.slice(i + 1).trim();
    const d = defaults.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    if (d >= 0) {
      if (value === '') defaults.splice(d, 1);
      else defaults[d] = [name, value];
      continue;
    }
    custom.push([name, value === '' ? undefined : value]);
  }
  const lines = [`${method} ${target} HTTP/1.1`, ...defaults.map(([k, v]) => `${k}: ${v}`)];
  for (const [k, v] of custom) if (v !== undefined) lines.push(`${k}: ${v}`);
  if (options.data !== undefined) {
    lines.push(`Content-Length: ${Buffer.byteLength(options.data)}`);
    if (!custom.some(([k]) => k.toLowerCase() === 'content-type'))
      lines.push('Content-Type: application/x-www-form-urlencoded');
  }
  return lines;
}
