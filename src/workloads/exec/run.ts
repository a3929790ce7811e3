/**
 * Runs one command line in a simulated container, as the container runtime
 * would exec it: a shell (`sh -c '…'`) runs scripts with the image's shell; the
 * image's own programs answer their cheap invocations (`nginx -v`) exactly; any
 * other argv[0] must be a tool of the safe set, or the exec fails in runc's
 * words: "not emulated by netkube" for what the image has (`nginx -s reload`),
 * `executable file not found in $PATH` for what it does not. Used by `netkube
 * exec`, exec probes and agnhost's `/shell`.
 */
import type { ExecResult } from '../app-extras.js';
import { findCommand, programAnswer } from './commands/index.js';
import { type CommandContext, ExecAborted, type ExecSystem } from './context.js';
import { Shell } from './shell.js';
import { notEmulatedNote } from './shell-messages.js';
import type { ToolSet } from './toolset.js';

const SHELLS = new Set([
  'sh',
  '/bin/sh',
  'ash',
  '/bin/ash',
  'bash',
  '/bin/bash',
  'zsh',
  '/bin/zsh',
  '/usr/bin/bash',
]);

/** The container side of a run, minus the per-run signal and sleep bound. */
export type ExecHost = Omit<ExecSystem, 'signal' | 'maxSleepMs'>;

export interface RunOptions {
  /** The run is aborted after this long (`timedOut` is then set). */
  readonly timeoutMs: number;
  /** Longest single `sleep`. @default timeoutMs */
  readonly maxSleepMs?: number;
  readonly stdin?: string;
  /** Aborts the run from outside (container killed). */
  readonly signal?: AbortSignal;
  /** Receives output as it is written (a container's own process streams to its log). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface RunResult extends ExecResult {
  readonly timedOut: boolean;
}

/** The error text runc reports for a missing executable. */
export function executableNotFound(name: string): string {
  return `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`;
}

/**
 * The exec error for a command the image has but netkube does not emulate: the
 * runtime's error shape, saying why instead of claiming the file is missing.
 */
export function executableNotEmulated(name: string, note: string): string {
  return `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": ${note}: unknown`;
}

/** Whether `name` starts a shell the image has (`bash` only where installed). */
export function isShellFor(name: string, tools: ToolSet): boolean {
  if (!SHELLS.has(name) || tools.shell === 'none') return false;
  if (name.endsWith('zsh')) return tools.shell === 'bash';
  return !name.endsWith('bash') || tools.shell === 'bash' || tools.bash === true;
}

/** One run's view of the host: reads go through to it, so a lazy `fs` stays lazy. */
class RunSystem implements ExecSystem {
  readonly #host: ExecHost;
  readonly signal: AbortSignal;
  readonly maxSleepMs: number;

  constructor(host: ExecHost, signal: AbortSignal, maxSleepMs: number) {
    this.#host = host;
    this.signal = signal;
    this.maxSleepMs = maxSleepMs;
  }

  get pod() {
    return this.#host.pod;
  }

  get tools() {
    return this.#host.tools;
  }

  get fs() {
    return this.#host.fs;
  }

  get clock() {
    return this.#host.clock;
  }

  get network() {
    return this.#host.network;
  }

  get dns() {
    return this.#host.dns;
  }

  get ipFormatter() {
    return this.#host.ipFormatter;
  }

  get startedAt() {
    return this.#host.startedAt;
  }

  get image() {
    return this.#host.image;
  }
}

/** Executes `argv` with environment `env` in the container described by `host`. */
export async function runInContainer(
  host: ExecHost,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  options: RunOptions,
): Promise<RunResult> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timedOut = false;
  const timer = Number.isFinite(options.timeoutMs)
    ? host.clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs)
    : undefined;
  timer?.unref();
  const system = new RunSystem(host, controller.signal, options.maxSleepMs ?? options.timeoutMs);
  let stdout = '';
  let stderr = '';
  let combined = '';
  const io = {
    out: (t: string) => {
      if (options.onOutput) options.onOutput('stdout', t);
      else {
        stdout += t;
        combined += t;
      }
    },
    err: (t: string) => {
      if (options.onOutput) options.onOutput('stderr', t);
      else {
        stderr += t;
        combined += t;
      }
    },
  };
  let exitCode: number;
  try {
    exitCode = await dispatch(system, argv, env, io, options.stdin ?? '');
  } catch (err) {
    if (!(err instanceof ExecAborted)) throw err;
    exitCode = 137;
  } finally {
    if (timer) host.clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return { stdout, stderr, combined, exitCode, timedOut };
}

async function dispatch(
  system: ExecSystem,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  io: { out(t: string): void; err(t: string): void },
  stdin: string,
): Promise<number> {
  const [name = '', ...rest] = argv;
  if (isShellFor(name, system.tools)) {
    const shell = new Shell(system, env, name);
    const c = rest.indexOf('-c');
    if (c >= 0) return shell.run(rest[c + 1] ?? '', io);
    return shell.run(stdin, io);
  }
  const answer = programAnswer(argv, system.tools);
  if (answer) {
    io.out(answer.stdout);
    io.err(answer.stderr);
    return answer.exitCode;
  }
  const impl = findCommand(name, system.tools);
  if (!impl) {
    const note = notEmulatedNote(name, system.tools);
    io.err(`${note ? executableNotEmulated(name, note) : executableNotFound(name)}\n`);
    return 126;
  }
  const ctx: CommandContext = {
    argv,
    stdin,
    env: new Map(Object.entries(env)),
    cwd: '/',
    system,
    out: io.out,
    err: io.err,
  };
  return impl(ctx);
}
