/**
 * Go's standard `flag` package (`flag.Parse()` with `ExitOnError`), as used by
 * traefik/whoami and hashicorp/http-echo: `-name value`, `-name=value`,
 * `--name`, parsing stops at the first non-flag argument or `--`. Errors print
 * the message and the usage (`Usage of /http-echo:` + `PrintDefaults`) and exit 2;
 * `-h`/`-help` prints the usage and exits 0. Pure.
 */
import { parseGoDuration } from '../../util/duration.js';
import { goQuote } from './format.js';

export type GoFlagKind = 'string' | 'int' | 'bool' | 'duration';

/** One flag definition; `defaultValue` is its `DefValue` text (`":5678"`, `"200"`, `"false"`). */
export interface GoFlagDef {
  readonly name: string;
  readonly kind: GoFlagKind;
  readonly usage: string;
  readonly defaultValue: string;
}

export type GoFlagValue = string | number | boolean;

export type GoFlagResult =
  | {
      readonly ok: true;
      readonly values: Readonly<Record<string, GoFlagValue>>;
      readonly args: readonly string[];
    }
  | { readonly ok: false; readonly exitCode: number; readonly output: string };

const ZERO: Record<GoFlagKind, string> = { string: '', int: '0', bool: 'false', duration: '0s' };

/** `flag.PrintDefaults` output for `defs` (sorted by name). */
export function goFlagDefaults(defs: readonly GoFlagDef[]): string {
  let out = '';
  for (const def of [...defs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let line = `  -${def.name}`;
    const back = /`([^`]*)`/.exec(def.usage);
    const typeName = back
      ? back[1]
      : def.kind === 'bool'
        ? ''
        : def.kind === 'duration'
          ? 'duration'
          : def.kind;
    const usage = back ? def.usage.replace(/`/g, '') : def.usage;
    if (typeName) line += ` ${typeName}`;
    line += line.length <= 4 ? '\t' : '\n    \t';
    line += usage.replace(/\n/g, '\n    \t');
    if (def.defaultValue !== ZERO[def.kind]) {
      line +=
        def.kind === 'string' ? ` (default ${goQuote(def.defaultValue)})` : ` (default ${def.defaultValue})`;
    }
    out += `${line}\n`;
  }
  return out;
}

function parseValue(def: GoFlagDef, text: string): GoFlagValue | undefined {
  switch (def.kind) {
    case 'string':
      return text;
    case 'bool': {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
      return undefined;
    }
    case 'int': {
      const t = text.replace(/_/g, '');
      const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0)$/.exec(t);
      if (!m) return undefined;
      const digits = m[2] ?? '0';
      const sign = m[1] === '-' ? -1 : 1;
      const n = /^0[0-7]/.test(digits) ? Number.parseInt(digits.replace(/^0[oO]?/, ''), 8) : Number(digits);
      return Number.isSafeInteger(n) ? sign * n : undefined;
    }
    case 'duration':
      return parseGoDuration(text);
  }
}

function defaultOf(def: GoFlagDef): GoFlagValue {
  return parseValue(def, def.defaultValue) ?? def.defaultValue;
}

/**
 * Parses `argv` (without the program name) like `flag.Parse()` for a program
 * invoked as `program` (`/http-echo`).
 */
export function parseGoFlags(
  program: string,
  defs: readonly GoFlagDef[],
  argv: readonly string[],
): GoFlagResult {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const values: Record<string, GoFlagValue> = {};
  for (const d of defs) values[d.name] = defaultOf(d);
  const usage = `Usage of ${program}:\n${goFlagDefaults(defs)}`;
  const fail = (message: string) => ({ ok: false as const, exitCode: 2, output: `${message}\n${usage}` });
  let i = 0;
  while (i < argv.length) {
    const s = argv[i] ?? '';
    if (s.length < 2 || !s.startsWith('-')) break;
    let minuses = 1;
    if (s[1] === '-') {
      minuses = 2;
      if (s.length === 2) {
        i++;
        break;
      }
    }
    let name = s.slice(minuses);
    if (name === '' || name.startsWith('-') || name.startsWith('=')) return fail(`bad flag syntax: ${s}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const def = byName.get(name);
    if (!def) {
      if (name === 'help' || name === 'h') return { ok: false, exitCode: 0, output: usage };
      return fail(`flag provided but not defined: -${name}`);
    }
    if (def.kind === 'bool') {
      const parsed = parseValue(def, value ?? 'true');
      if (parsed === undefined)
        return fail(`invalid boolean value ${goQuote(value ?? '')} for -${name}: parse error`);
      values[name] = parsed;
      continue;
    }
    if (value === undefined) {
      if (i >= argv.length) return fail(`flag needs an argument: -${name}`);
      value = argv[i++] ?? '';
    }
    const parsed = parseValue(def, value);
    if (parsed === undefined) return fail(`invalid value ${goQuote(value)} for flag -${name}: parse error`);
    values[name] = parsed;
  }
  return { ok: true, values, args: argv.slice(i) };
}
