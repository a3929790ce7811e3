/**
 * Redirections of one simple command: `>`, `>>`, `<`, `2>&1`, `>&2`,
 * `/dev/null`, and `/dev/stdout`-style paths (`/proc/1/fd/1` reaches the
 * container log). Files go to the container's virtual filesystem; the
 * command's output is written there when it finishes (`commit`).
 */
import type { ShellMessages } from './shell-messages.js';
import type { Redirect } from './shell-parse.js';
import type { VirtualFs } from './vfs.js';

export interface ShellIO {
  out(text: string): void;
  err(text: string): void;
}

export interface RedirectedIO {
  readonly io: ShellIO;
  readonly stdin: string;
  /** Writes captured output to its files. */
  commit(): void;
}

const DEV_OUT = new Set(['/dev/stdout', '/proc/1/fd/1', '/proc/self/fd/1', '/dev/fd/1']);
const DEV_ERR = new Set(['/dev/stderr', '/proc/1/fd/2', '/proc/self/fd/2', '/dev/fd/2']);

/** Applies `redirects` (with their expanded `targets`); a string is the shell's error message. */
export function applyRedirects(
  redirects: readonly Redirect[],
  targets: readonly string[],
  io: ShellIO,
  stdin: string,
  env: { readonly fs: VirtualFs; readonly messages: ShellMessages },
): RedirectedIO | string {
  const sinks: Array<{ path: string; append: boolean; text: string }> = [];
  let out: (t: string) => void = (t) => io.out(t);
  let err: (t: string) => void = (t) => io.err(t);
  let input = stdin;
  for (let i = 0; i < redirects.length; i++) {
    const r = redirects[i] as Redirect;
    const target = targets[i] ?? '';
    if (r.op === '>&') {
      const to = target === '2' ? err : target === '1' ? out : undefined;
      if (to && r.fd === 1) out = to;
      else if (to && r.fd === 2) err = to;
      continue;
    }
    if (r.op === '<') {
      const data = target === '/dev/null' ? Buffer.alloc(0) : env.fs.read(target);
      if (typeof data === 'string') return env.messages.cantOpen(target);
      input = data.toString('utf8');
      continue;
    }
    let write: (t: string) => void;
    if (target === '/dev/null') write = () => {};
    else if (DEV_OUT.has(target)) write = (t) => io.out(t);
    else if (DEV_ERR.has(target)) write = (t) => io.err(t);
    else {
      const sink = { path: target, append: r.op === '>>', text: '' };
      const failure = env.fs.write(target, '', sink.append);
      if (failure) return env.messages.cantCreate(target, failure);
      sinks.push(sink);
      write = (t) => {
        sink.text += t;
      };
    }
    if (r.fd === 2) err = write;
    else out = write;
  }
  return {
    io: { out: (t) => out(t), err: (t) => err(t) },
    stdin: input,
    commit: () => {
      for (const s of sinks) env.fs.write(s.path, s.text, true);
    },
  };
}
