/**
 * The shell of a simulated container (`/bin/sh -c …`): runs parsed scripts
 * with the image's safe command set, word expansion, redirections to the
 * virtual filesystem, and the error texts of the image's shell (busybox ash,
 * dash or bash). Commands outside the set fail as not found; nothing is ever
 * run on the host.
 */
import { arithmetic } from './arith.js';
import { findCommand, programAnswer } from './commands/index.js';
import { type CommandContext, ExecAborted, type ExecSystem } from './context.js';
import { expandWord } from './shell-expand.js';
import { parseShell } from './shell-grammar.js';
import { notEmulatedNote, shellMessages } from './shell-messages.js';
import type { Redirect, ShellNode, Word } from './shell-parse.js';
import { applyRedirects, type RedirectedIO, type ShellIO } from './shell-redirect.js';

/** Where a run's output goes. */
export type { ShellIO } from './shell-redirect.js';

class ShellExit extends Error {
  readonly code: number;

  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** One shell process. Variables persist across `run` calls of the same instance. */
export class Shell {
  readonly #system: ExecSystem;
  readonly #vars: Map<string, string>;
  readonly #name: string;
  #status = 0;
  /** Where the running script's stderr goes: command substitutions write theirs there too. */
  #err: (text: string) => void = () => {};
  #cwd = '/';
  #background: Array<Promise<unknown>> = [];

  constructor(system: ExecSystem, env: Readonly<Record<string, string>>, name = 'sh') {
    this.#system = system;
    this.#vars = new Map(Object.entries(env));
    this.#name = name;
  }

  /** Runs a script; resolves with its exit status. Rejects only with `ExecAborted`. */
  async run(script: string, io: ShellIO): Promise<number> {
    this.#err = io.err;
    const msg = shellMessages(this.#system.tools.shell, this.#name);
    if (script.trim() === '') return 0;
    const parsed = parseShell(script);
    if (!parsed.ok) {
      io.err(msg.syntax(parsed.unexpected, script));
      return 2;
    }
    try {
      this.#status = await this.#exec(parsed.node, io, '');
      await Promise.all(this.#background);
    } catch (err) {
      if (err instanceof ShellExit) return err.code;
      throw err;
    }
    return this.#status;
  }

  async #exec(node: ShellNode, io: ShellIO, stdin: string): Promise<number> {
    if (this.#system.signal.aborted) throw new ExecAborted();
    switch (node.kind) {
      case 'simple':
        return this.#simple(node, io, stdin);
      case 'pipeline':
        return this.#pipeline(node.commands, node.negate, io, stdin);
      case 'and-or': {
        let status = await this.#exec(node.first, io, stdin);
        for (const { op, node: next } of node.rest) {
          if ((op === '&&' && status === 0) || (op === '||' && status !== 0))
            status = await this.#exec(next, io, stdin);
        }
        return this.#set(status);
      }
      case 'list': {
        let status = 0;
        for (const item of node.items) {
          if (item.background) {
            const job = this.#exec(item.node, io, '').catch((err: unknown) => {
              if (!(err instanceof ShellExit)) throw err;
            });
            this.#background.push(job);
            status = 0;
          } else status = await this.#exec(item.node, io, stdin);
          this.#set(status);
        }
        return status;
      }
      case 'loop': {
        let status = 0;
        for (let round = 1; ; round++) {
          const cond = await this.#exec(node.cond, io, stdin);
          if ((cond === 0) === node.until) break;
          status = await this.#exec(node.body, io, stdin);
          // A loop without sleeps must not starve the event loop (timers, other pods).
          if (round % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        return this.#set(status);
      }
      case 'for': {
        let status = 0;
        const items = node.items ? (await Promise.all(node.items.map((w) => this.#expand(w)))).flat() : [];
        for (const item of items) {
          this.#vars.set(node.name, item);
          status = await this.#exec(node.body, io, stdin);
        }
        return this.#set(status);
      }
      case 'if': {
        for (const branch of node.branches) {
          if ((await this.#exec(branch.cond, io, stdin)) === 0)
            return this.#set(await this.#exec(branch.body, io, stdin));
        }
        return this.#set(node.otherwise ? await this.#exec(node.otherwise, io, stdin) : 0);
      }
      case 'group':
        return this.#set(await this.#exec(node.body, io, stdin));
    }
  }

  #set(status: number): number {
    this.#status = status;
    return status;
  }

  async #pipeline(
    commands: readonly ShellNode[],
    negate: boolean,
    io: ShellIO,
    stdin: string,
  ): Promise<number> {
    let input = stdin;
    let status = 0;
    for (let i = 0; i < commands.length; i++) {
      const last = i === commands.length - 1;
      let captured = '';
      const stage: ShellIO = last ? io : { out: (t) => (captured += t), err: io.err };
      status = await this.#exec(commands[i] as ShellNode, stage, input);
      input = captured;
    }
    return this.#set(negate ? (status === 0 ? 1 : 0) : status);
  }

  async #simple(node: Extract<ShellNode, { kind: 'simple' }>, io: ShellIO, stdin: string): Promise<number> {
    const msg = shellMessages(this.#system.tools.shell, this.#name);
    const argv = (await Promise.all(node.words.map((w) => this.#expand(w)))).flat();
    const assigned = await Promise.all(
      node.assigns.map(async (a) => [a.name, (await this.#expand(a.value, false)).join('')] as const),
    );
    if (argv.length === 0) {
      for (const [k, v] of assigned) this.#vars.set(k, v);
      return this.#set(0);
    }
    const redir = await this.#redirect(node.redirects, io, stdin);
    if (typeof redir === 'string') {
      io.err(redir);
      return this.#set(redir.includes('not found') ? 127 : 2);
    }
    const env = new Map(this.#vars);
    for (const [k, v] of assigned) env.set(k, v);
    const status = await this.#invoke(argv, env, redir.io, redir.stdin, msg);
    redir.commit();
    return this.#set(status);
  }

  async #invoke(
    argv: string[],
    env: Map<string, string>,
    io: ShellIO,
    stdin: string,
    msg: ReturnType<typeof shellMessages>,
  ): Promise<number> {
    const [name = '', ...rest] = argv;
    switch (name) {
      case 'exit':
        throw new ShellExit(rest[0] === undefined ? this.#status : Number(rest[0]) & 255);
      case 'cd': {
        const target = rest[0] ?? '/root';
        if (this.#system.fs.stat(target)?.kind !== 'dir') {
          io.err(msg.cd(target));
          return 2;
        }
        this.#cwd = target.startsWith('/') ? target : `${this.#cwd}/${target}`;
        return 0;
      }
      case 'export':
        for (const a of rest) {
          const eq = a.indexOf('=');
          if (eq > 0) this.#vars.set(a.slice(0, eq), a.slice(eq + 1));
        }
        return 0;
      case 'unset':
        for (const a of rest) this.#vars.delete(a);
        return 0;
      case ':':
      case 'set':
      case 'trap':
        return 0;
      case 'wait':
        await Promise.all(this.#background);
        return 0;
      default:
    }
    const answer = programAnswer(argv, this.#system.tools);
    if (answer) {
      io.out(answer.stdout);
      io.err(answer.stderr);
      return answer.exitCode;
    }
    const impl = findCommand(name, this.#system.tools);
    if (!impl) {
      const note = notEmulatedNote(name, this.#system.tools);
      io.err(note ? msg.notEmulated(name, note) : msg.notFound(name));
      return 127;
    }
    const ctx: CommandContext = {
      argv,
      stdin,
      env,
      cwd: this.#cwd,
      system: this.#system,
      out: (t) => io.out(t),
      err: (t) => io.err(t),
    };
    return impl(ctx);
  }

  async #redirect(
    redirects: readonly Redirect[],
    io: ShellIO,
    stdin: string,
  ): Promise<RedirectedIO | string> {
    const targets = await Promise.all(
      redirects.map(async (r) => (await this.#expand(r.target, false)).join('')),
    );
    return applyRedirects(redirects, targets, io, stdin, {
      fs: this.#system.fs,
      messages: shellMessages(this.#system.tools.shell, this.#name),
    });
  }

  /** Expands a word into fields (`split` false: one field, as in assignments and redirect targets). */
  #expand(word: Word, split = true): Promise<string[]> {
    return expandWord(word, split, {
      variable: (name) => this.#var(name),
      substitute: (script) => this.#substitute(script),
      arithmetic: (expr) => arithmetic(expr, (n) => this.#var(n)),
    });
  }

  #var(name: string): string {
    switch (name) {
      case '?':
        return String(this.#status);
      case '$':
        return '1';
      case '#':
        return '0';
      case '0':
        return this.#name;
      default:
        return this.#vars.get(name) ?? '';
    }
  }

  async #substitute(script: string): Promise<string> {
    const sub = new Shell(this.#system, Object.fromEntries(this.#vars), this.#name);
    let text = '';
    // Only stdout is captured: the command's stderr reaches the shell's, as in sh.
    this.#status = await sub.run(script, { out: (t) => (text += t), err: this.#err });
    return text.replace(/\n+$/, '');
  }
}
