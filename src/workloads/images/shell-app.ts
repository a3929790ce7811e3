/**
 * A container whose process is a shell or a small tool (busybox, alpine,
 * ubuntu, or any image run with `command: [sh, -c, …]`): the script runs with
 * the image's safe command set, its output goes to the container log line by
 * line, and the container exits with the script's status. `sleep` is not
 * bounded here (`sleep 3600` keeps the container running an hour).
 *
 * As PID 1 without a SIGTERM handler, a shell ignores SIGTERM: the container
 * keeps running until the grace period ends and it is killed (exit 137), as on a
 * real node.
 */
import { extrasOf } from '../app-extras.js';
import { runInContainer } from '../exec/run.js';
import type { AppContext, AppStartFailure, PodConnection } from '../types.js';
import { SimulatedApp, startFailure } from './base.js';

/** Splits a stream of text into complete lines. */
export class LineBuffer {
  #pending = '';
  readonly #emit: (line: string) => void;

  constructor(emit: (line: string) => void) {
    this.#emit = emit;
  }

  write(text: string): void {
    const parts = (this.#pending + text).split('\n');
    this.#pending = parts.pop() ?? '';
    for (const line of parts) this.#emit(line);
  }

  flush(): void {
    if (this.#pending !== '') this.#emit(this.#pending);
    this.#pending = '';
  }
}

/** The process of a shell-style container. */
export class ShellApp extends SimulatedApp {
  readonly #abort = new AbortController();

  constructor(ctx: AppContext, argv: readonly string[]) {
    super(ctx, []);
    const extras = extrasOf(ctx);
    if (!extras) throw new Error('ShellApp needs the workloads runtime');
    const out = new LineBuffer((line) => ctx.log(line));
    const err = new LineBuffer((line) => ctx.log(line));
    void runInContainer(extras.execHost(), argv, ctx.container.env, {
      timeoutMs: Number.POSITIVE_INFINITY,
      maxSleepMs: Number.POSITIVE_INFINITY,
      signal: this.#abort.signal,
      onOutput: (stream, text) => (stream === 'stdout' ? out : err).write(text),
    }).then((result) => {
      out.flush();
      err.flush();
      if (!this.#abort.signal.aborted) this.exit(result.exitCode);
    });
  }

  protected serve(conn: PodConnection): void {
    conn.socket.destroy();
  }

  /** PID 1 shells ignore SIGTERM: wait for the kill. */
  protected override onTerminate(): void {}

  protected override onStop(): void {
    this.#abort.abort();
  }
}

/**
 * `sleep N` / `sleep infinity` / `tail -f /dev/null` as the whole process: the
 * idiom that keeps debug pods alive, run as one timer instead of a shell (it is
 * what most idle pods of such images do, so it must cost little).
 */
export class SleepApp extends SimulatedApp {
  constructor(ctx: AppContext, ms: number) {
    super(ctx, []);
    if (Number.isFinite(ms)) this.setTimer(() => this.exit(0), ms);
  }

  protected serve(conn: PodConnection): void {
    conn.socket.destroy();
  }

  /** PID 1 without a handler ignores SIGTERM. */
  protected override onTerminate(): void {}
}

/** The duration of a plain sleep command line, or undefined when argv is anything else. */
export function plainSleepMs(argv: readonly string[]): number | undefined {
  const [cmd = '', ...rest] = argv;
  const name = cmd.slice(cmd.lastIndexOf('/') + 1);
  if (name === 'tail' && rest.join(' ') === '-f /dev/null') return Number.POSITIVE_INFINITY;
  if (name !== 'sleep' || rest.length !== 1) return undefined;
  const arg = rest[0] ?? '';
  if (arg === 'infinity' || arg === 'inf') return Number.POSITIVE_INFINITY;
  const m = /^(\d+(?:\.\d*)?)([smhd]?)$/.exec(arg);
  return m ? Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1) * 1000 : undefined;
}

/** Starts a shell-style container, or reports that it needs the workloads runtime. */
export function createShellApp(
  ctx: AppContext,
  argv: readonly string[],
): ShellApp | SleepApp | AppStartFailure {
  if (!extrasOf(ctx)) return startFailure(126, 'no shell available');
  const sleepMs = plainSleepMs(argv);
  if (sleepMs !== undefined) return new SleepApp(ctx, sleepMs);
  return new ShellApp(ctx, argv);
}

/** `registry.k8s.io/pause`: does nothing until signalled; SIGTERM ends it (exit 0). */
export class PauseApp extends SimulatedApp {
  constructor(ctx: AppContext) {
    super(ctx, []);
  }

  protected override onTerminate(): void {
    this.ctx.log('Shutting down, got signal: Terminated');
    this.exit(0);
  }

  protected serve(conn: PodConnection): void {
    conn.socket.destroy();
  }
}
