/**
 * spf13/pflag parsing as a cobra subcommand of agnhost runs it under
 * `k8s.io/component-base/cli.Run`: `--name=value`, `--name value`, shorthands,
 * interspersed positional arguments, `_` normalised to `-` in names
 * (`WordSepNormalizeFunc`). Errors are returned as pflag/cobra word them; the
 * caller prints `Error: <message>` and exits 1, as `cli.Run` does. Pure.
 */
import { parseGoDuration } from '../../util/duration.js';
import { goQuote } from './format.js';

export type PflagKind = 'string' | 'int' | 'bool' | 'duration';

export interface PflagDef {
  readonly name: string;
  readonly shorthand?: string;
  readonly kind: PflagKind;
  readonly usage: string;
  /** `DefValue` text: `8080`, `false`, `""`. */
  readonly defaultValue: string;
}

export type PflagValue = string | number | boolean;

export type PflagResult =
  | {
      readonly ok: true;
      readonly values: Readonly<Record<string, PflagValue>>;
      readonly args: readonly string[];
      readonly help: boolean;
    }
  | { readonly ok: false; readonly error: string };

/** Flags every agnhost subcommand accepts: cobra's help and component-base's logging flags. */
export const AGNHOST_GLOBAL_FLAGS: readonly PflagDef[] = [
  { name: 'help', shorthand: 'h', kind: 'bool', usage: 'help for this command', defaultValue: 'false' },
  { name: 'v', shorthand: 'v', kind: 'int', usage: 'number for the log level verbosity', defaultValue: '0' },
  {
    name: 'vmodule',
    kind: 'string',
    usage: 'comma-separated list of pattern=N settings for file-filtered logging',
    defaultValue: '',
  },
  {
    name: 'log-flush-frequency',
    kind: 'duration',
    usage: 'Maximum number of seconds between log flushes',
    defaultValue: '5s',
  },
];

type Parsed = { readonly value: PflagValue } | { readonly error: string };

function parseValue(kind: PflagKind, text: string): Parsed {
  switch (kind) {
    case 'string':
      return { value: text };
    case 'bool':
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return { value: true };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return { value: false };
      return { error: `strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax` };
    case 'int': {
      const m = /^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
      const n = m
        ? Number(text.replace(/^([+-]?)0([0-7]+)$/, (_a, s: string, o: string) => `${s}0o${o}`))
        : Number.NaN;
      if (Number.isSafeInteger(n)) return { value: n };
      return {
        error: `strconv.ParseInt: parsing ${goQuote(text)}: ${m ? 'value out of range' : 'invalid syntax'}`,
      };
    }
    case 'duration': {
      const ms = parseGoDuration(text);
      return ms === undefined ? { error: `time: invalid duration ${goQuote(text)}` } : { value: ms };
    }
  }
}

/** Parses a cobra subcommand's arguments against its flags plus `AGNHOST_GLOBAL_FLAGS`. */
export function parsePflags(local: readonly PflagDef[], argv: readonly string[]): PflagResult {
  const defs = [...local, ...AGNHOST_GLOBAL_FLAGS];
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.shorthand).map((d) => [d.shorthand ?? '', d]));
  const values: Record<string, PflagValue> = {};
  for (const d of defs) {
    const v = parseValue(d.kind, d.defaultValue);
    values[d.name] = 'value' in v ? v.value : d.defaultValue;
  }
  const args: string[] = [];
  const set = (def: PflagDef, text: string, shown: string): string | undefined => {
    const v = parseValue(def.kind, text);
    if ('error' in v) return `invalid argument ${goQuote(text)} for ${goQuote(shown)} flag: ${v.error}`;
    values[def.name] = v.value;
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i] ?? '';
    if (s === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (s.startsWith('--')) {
      const body = s.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) return { ok: false, error: `bad flag syntax: ${s}` };
      const eq = body.indexOf('=');
      const name = (eq < 0 ? body : body.slice(0, eq)).replace(/_/g, '-');
      const def = byName.get(name);
      if (!def) return { ok: false, error: `unknown flag: --${name}` };
      let text = eq < 0 ? undefined : body.slice(eq + 1);
      if (text === undefined) {
        if (def.kind === 'bool') text = 'true';
        else if (i + 1 < argv.length) text = argv[++i] ?? '';
        else return { ok: false, error: `flag needs an argument: --${name}` };
      }
      const err = set(def, text, `--${def.shorthand ? `${def.shorthand}, --` : ''}${def.name}`);
      if (err) return { ok: false, error: err };
      continue;
    }
    if (s.startsWith('-') && s.length > 1) {
      const shorts = s.slice(1);
      for (let j = 0; j < shorts.length; j++) {
        const c = shorts[j] ?? '';
        const def = byShort.get(c);
        if (!def) return { ok: false, error: `unknown shorthand flag: '${c}' in ${s}` };
        let text: string | undefined;
        if (shorts[j + 1] === '=') text = shorts.slice(j + 2);
        else if (def.kind === 'bool') text = 'true';
        else if (j + 1 < shorts.length) text = shorts.slice(j + 1);
        else if (i + 1 < argv.length) text = argv[++i] ?? '';
        else return { ok: false, error: `flag needs an argument: '${c}' in ${s}` };
        const err = set(def, text, `-${c}, --${def.name}`);
        if (err) return { ok: false, error: err };
        if (text !== 'true' || def.kind !== 'bool' || shorts[j + 1] === '=') break;
      }
      continue;
    }
    args.push(s);
  }
  return { ok: true, values, args, help: values.help === true };
}

/** pflag's `FlagUsages` text for `defs` (sorted, aligned), as `--help` prints it. */
export function pflagUsages(defs: readonly PflagDef[]): string {
  const rows = [...defs]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((d) => {
      let left = d.shorthand ? `  -${d.shorthand}, --${d.name}` : `      --${d.name}`;
      if (d.kind !== 'bool') left += ` ${d.kind}`;
      const zero = { string: '', int: '0', bool: 'false', duration: '0s' }[d.kind];
      let right = d.usage;
      if (d.defaultValue !== zero) {
        right +=
          d.kind === 'string' ? ` (default ${goQuote(d.defaultValue)})` : ` (default ${d.defaultValue})`;
      }
      return { left, right };
    });
  const width = Math.max(...rows.map((r) => r.left.length));
  return rows.map((r) => `${r.left} ${' '.repeat(width - r.left.length)} ${r.right}\n`).join('');
}
