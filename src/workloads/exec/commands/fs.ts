/**
 * File commands on the container's virtual filesystem: `cat`, `ls`, `touch`,
 * `rm`, `mkdir`, with busybox or GNU coreutils wording (`cat: can't open 'x': No
 * such file or directory` versus `cat: x: No such file or directory`).
 */
import type { CommandContext, CommandImpl } from '../context.js';
import { resolvePath, type VfsError } from '../vfs.js';

const REASON: Record<VfsError, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOTEMPTY: 'Directory not empty',
  EEXIST: 'File exists',
};

function gnu(c: CommandContext): boolean {
  return c.system.tools.utils === 'gnu';
}

function path(c: CommandContext, p: string): string {
  return resolvePath(p, c.cwd);
}

function splitFlags(args: readonly string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (!done && a === '--') done = true;
    else if (!done && a.startsWith('-') && a.length > 1) for (const f of a.slice(1)) flags.add(f);
    else operands.push(a);
  }
  return { flags, operands };
}

const cat: CommandImpl = (c) => {
  const files = c.argv.slice(1).filter((a) => a !== '-u');
  if (files.length === 0) {
    c.out(c.stdin);
    return 0;
  }
  let status = 0;
  for (const f of files) {
    if (f === '-') {
      c.out(c.stdin);
      continue;
    }
    const data = f === '/dev/null' ? Buffer.alloc(0) : c.system.fs.read(path(c, f));
    if (typeof data !== 'string') {
      c.out(data.toString('utf8'));
      continue;
    }
    status = 1;
    if (gnu(c)) c.err(`cat: ${f}: ${REASON[data]}\n`);
    else if (data === 'EISDIR') c.err('cat: read error: Is a directory\n');
    else c.err(`cat: can't open '${f}': ${REASON[data]}\n`);
  }
  return status;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function longLine(c: CommandContext, name: string, full: string): string {
  const st = c.system.fs.stat(full);
  const d = new Date(st?.mtimeMs ?? 0);
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const mode = st?.kind === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--';
  const links = st?.kind === 'dir' ? 2 : 1;
  const size = st?.size ?? 0;
  if (gnu(c)) return `${mode} ${links} root root ${size} ${when} ${name}\n`;
  return `${mode}    ${links} root     root     ${String(size).padStart(9, ' ')} ${when} ${name}\n`;
}

const ls: CommandImpl = (c) => {
  const { flags, operands } = splitFlags(c.argv.slice(1));
  const targets = operands.length > 0 ? operands : ['.'];
  let status = 0;
  const blocks: string[] = [];
  const fileLines: string[] = [];
  for (const t of targets) {
    const full = path(c, t);
    const st = c.system.fs.stat(full);
    if (!st) {
      status = gnu(c) ? 2 : 1;
      c.err(
        gnu(c)
          ? `ls: cannot access '${t}': No such file or directory\n`
          : `ls: ${t}: No such file or directory\n`,
      );
      continue;
    }
    if (st.kind === 'file' || flags.has('d')) {
      fileLines.push(flags.has('l') ? longLine(c, t, full) : `${t}\n`);
      continue;
    }
    let names = c.system.fs.list(full) ?? [];
    if (flags.has('a')) names = ['.', '..', ...names];
    const body = names
      .map((n) =>
        flags.has('l')
          ? longLine(c, n, n === '.' ? full : n === '..' ? path(c, `${full}/..`) : `${full}/${n}`)
          : `${n}\n`,
      )
      .join('');
    const total = flags.has('l') && gnu(c) ? `total ${names.length * 4}\n` : '';
    blocks.push(targets.length > 1 ? `${t}:\n${total}${body}` : `${total}${body}`);
  }
  c.out([fileLines.join(''), ...blocks].filter((b) => b !== '').join('\n'));
  return status;
};

const touch: CommandImpl = (c) => {
  const { operands } = splitFlags(c.argv.slice(1));
  let status = 0;
  for (const f of operands) {
    const failure = c.system.fs.touch(path(c, f));
    if (!failure) continue;
    status = 1;
    c.err(gnu(c) ? `touch: cannot touch '${f}': ${REASON[failure]}\n` : `touch: ${f}: ${REASON[failure]}\n`);
  }
  return status;
};

const rm: CommandImpl = (c) => {
  const { flags, operands } = splitFlags(c.argv.slice(1));
  const force = flags.has('f');
  const recursive = flags.has('r') || flags.has('R');
  if (operands.length === 0 && !force) {
    c.err(gnu(c) ? "rm: missing operand\nTry 'rm --help' for more information.\n" : 'rm: missing operand\n');
    return 1;
  }
  let status = 0;
  for (const f of operands) {
    const failure = c.system.fs.remove(path(c, f), { recursive });
    if (!failure || (failure === 'ENOENT' && force)) continue;
    status = 1;
    if (failure === 'EISDIR')
      c.err(gnu(c) ? `rm: cannot remove '${f}': Is a directory\n` : `rm: '${f}' is a directory\n`);
    else
      c.err(
        gnu(c)
          ? `rm: cannot remove '${f}': ${REASON[failure]}\n`
          : `rm: can't remove '${f}': ${REASON[failure]}\n`,
      );
  }
  return status;
};

const mkdir: CommandImpl = (c) => {
  const { flags, operands } = splitFlags(c.argv.slice(1));
  let status = 0;
  for (const d of operands) {
    const failure = c.system.fs.mkdir(path(c, d), flags.has('p'));
    if (!failure) continue;
    status = 1;
    c.err(
      gnu(c)
        ? `mkdir: cannot create directory '${d}': ${REASON[failure]}\n`
        : `mkdir: can't create directory '${d}': ${REASON[failure]}\n`,
    );
  }
  return status;
};

export const FS_COMMANDS: Readonly<Record<string, CommandImpl>> = { cat, ls, touch, rm, mkdir };
