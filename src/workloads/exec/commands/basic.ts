/**
 * Small commands of the safe set: `echo`, `printf`, `true`, `false`,
 * `hostname`, `sleep`, `date`, `env`, `printenv`, `test`/`[`. Output as busybox or
 * GNU coreutils print it (echo follows the shell: dash interprets escapes).
 */
import { type CommandContext, type CommandImpl, execSleep } from '../context.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function escapes(text: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[++i];
    const map: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (n === 'c') return { text: out, stop: true };
    if (n !== undefined && map[n] !== undefined) out += map[n];
    else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(text.slice(i + 1))?.[0] ?? '';
      out += String.fromCharCode(Number.parseInt(m || '0', 8));
      i += m.length;
    } else out += `\\${n ?? ''}`;
  }
  return { text: out, stop: false };
}

const echo: CommandImpl = (c) => {
  const args = c.argv.slice(1);
  const dash = c.system.tools.shell === 'dash';
  let newline = true;
  let interpret = dash;
  while (args.length > 0 && /^-[neE]+$/.test(args[0] ?? '') && !(dash && args[0] !== '-n')) {
    const flag = args.shift() ?? '';
    if (flag.includes('n')) newline = false;
    if (!dash && flag.includes('e')) interpret = true;
    if (!dash && flag.includes('E')) interpret = false;
  }
  const joined = args.join(' ');
  const rendered = interpret ? escapes(joined) : { text: joined, stop: false };
  c.out(rendered.text + (newline && !rendered.stop ? '\n' : ''));
  return 0;
};

const printf: CommandImpl = (c) => {
  const [format, ...args] = c.argv.slice(1);
  if (format === undefined) {
    c.err('printf: usage: printf format [arg ...]\n');
    return 2;
  }
  let out = '';
  let i = 0;
  do {
    out += escapes(format).text.replace(/%([-0-9]*)([sdicx%])/g, (_m, width: string, conv: string) => {
      if (conv === '%') return '%';
      const arg = args[i++] ?? '';
      let v: string;
      if (conv === 's') v = arg;
      else if (conv === 'c') v = arg.slice(0, 1);
      else if (conv === 'x') v = (Number.parseInt(arg, 10) || 0).toString(16);
      else v = String(Number.parseInt(arg, 10) || 0);
      const w = Number.parseInt(width, 10);
      if (!w) return v;
      return width.startsWith('-') ? v.padEnd(Math.abs(w)) : v.padStart(w, width.startsWith('0') ? '0' : ' ');
    });
  } while (i < args.length && /%[-0-9]*[sdicx]/.test(format));
  c.out(out);
  return 0;
};

const hostname: CommandImpl = (c) => {
  const flag = c.argv[1];
  if (flag === '-i' || flag === '-I') c.out(`${c.system.pod.ip}${flag === '-I' ? ' ' : ''}\n`);
  else if (flag === '-f' || flag === '--fqdn') c.out(`${c.system.pod.fqdn ?? c.system.pod.hostname}\n`);
  else c.out(`${c.system.pod.hostname}\n`);
  return 0;
};

/** `sleep` seconds (`1.5`, `2m`, `infinity`), bounded by the run's limit. */
const sleep: CommandImpl = async (c) => {
  const args = c.argv.slice(1);
  const gnu = c.system.tools.utils === 'gnu';
  if (args.length === 0) {
    c.err(
      gnu
        ? "sleep: missing operand\nTry 'sleep --help' for more information.\n"
        : 'BusyBox v1.36.1 multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n',
    );
    return 1;
  }
  let total = 0;
  for (const a of args) {
    if (a === 'inf' || a === 'infinity') {
      total = Number.POSITIVE_INFINITY;
      continue;
    }
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      c.err(
        gnu
          ? `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`
          : `sleep: invalid number '${a}'\n`,
      );
      return 1;
    }
    total += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1) * 1000;
  }
  await execSleep(c.system, Math.min(total, c.system.maxSleepMs));
  return 0;
};

function pad(n: number, w = 2, ch = '0'): string {
  return String(n).padStart(w, ch);
}

/** `date` (C locale, UTC) and `date +FORMAT`. */
const date: CommandImpl = (c) => {
  const d = new Date(c.system.clock.now());
  const fmt = c.argv.slice(1).find((a) => a.startsWith('+'));
  const fields: Record<string, string> = {
    a: DAYS[d.getUTCDay()] ?? '',
    b: MONTHS[d.getUTCMonth()] ?? '',
    d: pad(d.getUTCDate()),
    e: pad(d.getUTCDate(), 2, ' '),
    H: pad(d.getUTCHours()),
    M: pad(d.getUTCMinutes()),
    S: pad(d.getUTCSeconds()),
    Y: String(d.getUTCFullYear()),
    m: pad(d.getUTCMonth() + 1),
    s: String(Math.floor(d.getTime() / 1000)),
    Z: 'UTC',
    N: pad((d.getTime() % 1000) * 1e6, 9),
    '%': '%',
  };
  fields.T = `${fields.H}:${fields.M}:${fields.S}`;
  fields.F = `${fields.Y}-${fields.m}-${fields.d}`;
  const format = fmt ? fmt.slice(1) : '%a %b %e %T %Z %Y';
  c.out(`${format.replace(/%([a-zA-Z%])/g, (m, k: string) => fields[k] ?? m)}\n`);
  return 0;
};

const env: CommandImpl = (c) => {
  for (const [k, v] of c.env) c.out(`${k}=${v}\n`);
  return 0;
};

const printenv: CommandImpl = (c) => {
  const names = c.argv.slice(1);
  if (names.length === 0) return env(c);
  let status = 0;
  for (const n of names) {
    const v = c.env.get(n);
    if (v === undefined) status = 1;
    else c.out(`${v}\n`);
  }
  return status;
};

function evalTest(c: CommandContext, args: string[]): boolean {
  if (args[0] === '!') return !evalTest(c, args.slice(1));
  if (args.length === 0) return false;
  if (args.length === 1) return (args[0] ?? '') !== '';
  if (args.length === 2) {
    const [op, v = ''] = args;
    const st = c.system.fs.stat(v.startsWith('/') ? v : `${c.cwd}/${v}`);
    switch (op) {
      case '-z':
        return v === '';
      case '-n':
        return v !== '';
      case '-e':
        return st !== undefined;
      case '-f':
        return st?.kind === 'file';
      case '-d':
        return st?.kind === 'dir';
      case '-s':
        return (st?.kind === 'file' && st.size > 0) || st?.kind === 'dir';
      default:
        return false;
    }
  }
  const [a = '', op, b = ''] = args;
  const x = Number.parseInt(a, 10);
  const y = Number.parseInt(b, 10);
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '-eq':
      return x === y;
    case '-ne':
      return x !== y;
    case '-lt':
      return x < y;
    case '-le':
      return x <= y;
    case '-gt':
      return x > y;
    case '-ge':
      return x >= y;
    default:
      return false;
  }
}

const test: CommandImpl = (c) => {
  let args = c.argv.slice(1);
  if (c.argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      c.err(c.system.tools.shell === 'dash' ? 'sh: 1: [: missing ]\n' : '[: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  return evalTest(c, args) ? 0 : 1;
};

export const BASIC_COMMANDS: Readonly<Record<string, CommandImpl>> = {
  echo,
  printf,
  true: () => 0,
  false: () => 1,
  hostname,
  sleep,
  date,
  env,
  printenv,
  test,
  '[': test,
};
