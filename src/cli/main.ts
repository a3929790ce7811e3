/**
 * The `netkube` command line (`bin/netkube.js` calls `main`). One commander
 * program with kubectl's global flags (`-n`, `--name`, `--log-level`) and one
 * subcommand per module of the registry in `commands/index.ts`. Every command
 * except `up`/`down`/`status` is a client of a running emulator's API server.
 *
 * Exit codes: 0 success, 1 user error (one message on stderr, in kubectl's
 * words), 2 usage error (unknown flag or command, missing argument).
 */
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS } from '../log/index.js';
import { COMMANDS } from './commands/index.js';
import { CliContext, type CliIO, type GlobalOptions } from './context.js';
import { exitCodeFor, formatError, SilentExit } from './errors.js';

/** The real process's streams and environment. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Builds the program; exported for tests that inspect flags and help. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('netkube')
    .description('netkube: a Kubernetes network and service dataplane emulator, and its kubectl-like client')
    .option('--name <name>', 'the emulator to act on (default: $NETKUBE_NAME, else "default")')
    .option('-n, --namespace <namespace>', 'the namespace scope for this request')
    .addOption(new Option('--log-level <level>', 'log level of the command itself').choices(LOG_LEVELS))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out(s),
      writeErr: (s) => ctx.err(s),
      outputError: () => {},
    })
    .showSuggestionAfterError(false)
    .hook('preAction', (_program, action) => {
      ctx.setGlobals(action.optsWithGlobals() as GlobalOptions);
    });
  const names = new Set<string>();
  for (const command of COMMANDS) {
    if (names.has(command.name)) throw new Error(`Command ${command.name} registered twice`);
    names.add(command.name);
    command.register(program, ctx);
  }
  inheritSettings(program);
  return program;
}

/** Subcommands created with `.command()` inherit settings; those added with `.addCommand()` need them set. */
function inheritSettings(cmd: Command): void {
  for (const sub of cmd.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => cmd.configureOutput().writeOut?.(s),
      writeErr: (s) => cmd.configureOutput().writeErr?.(s),
      outputError: () => {},
    });
    inheritSettings(sub);
  }
}

/** The command path a usage error belongs to (`netkube rollout undo`), for the help hint. */
function commandPath(program: Command, argv: readonly string[]): string {
  const path = ['netkube'];
  let cmd: Command = program;
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    path.push(sub.name());
    cmd = sub;
  }
  return path.join(' ');
}

function usageMessage(err: CommanderError): string {
  const unknownOption = /unknown option '([^']+)'/.exec(err.message);
  if (unknownOption) return `error: unknown flag: ${unknownOption[1]}`;
  const unknownCommand = /unknown command '([^']+)'/.exec(err.message);
  if (unknownCommand) return `error: unknown command "${unknownCommand[1]}" for "netkube"`;
  return err.message.startsWith('error: ') ? err.message : `error: ${err.message}`;
}

/**
 * Runs one command line (`argv` without node and script). Never throws and
 * never calls `process.exit`: the caller sets the exit code it returns.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  io.signal?.addEventListener('abort', abort, { once: true });
  const onSigint = () => abort();
  // A closed pipe (`netkube get pods -w | head`) ends the command quietly, as
  // SIGPIPE ends kubectl, instead of crashing on the write error.
  const onPipeError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') abort();
  };
  if (!io.signal) {
    process.once('SIGINT', onSigint);
    process.stdout.on('error', onPipeError);
  }
  const ctx = new CliContext(io, controller.signal);
  let program: Command | undefined;
  try {
    program = buildProgram(ctx);
    if (argv.length === 0) {
      ctx.out(program.helpInformation());
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      const path = program ? commandPath(program, argv) : 'netkube';
      ctx.err(`${usageMessage(err)}\nSee '${path} --help' for usage.\n`);
      return 2;
    }
    if (controller.signal.aborted && isAbort(err)) return 0;
    const text = err instanceof SilentExit ? '' : formatError(err);
    if (text !== '') ctx.err(text.endsWith('\n') ? text : `${text}\n`);
    return exitCodeFor(err);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.stdout.removeListener('error', onPipeError);
    io.signal?.removeEventListener('abort', abort);
    await ctx.close().catch(() => {});
  }
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string };
  return e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED' || e?.code === 'ABORT_ERR';
}
