/**
 * `netkube up [-d] [--topology FILE] [--timeout 2m] [PATH…]`: starts an
 * emulator (the embedded default cluster and the demo app when given no
 * manifests). In the foreground it serves until Ctrl-C; with `-d` it runs
 * detached and returns once the cluster is ready. See src/cli/up/.
 */
import { type Command, Option } from 'commander';
import { parseGoDuration } from '../../util/duration.js';
import { errorMessage, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import type { CliCommand } from '../registry.js';
import type { UpMessage } from '../up/detach.js';
import type { UpReporter } from '../up/run.js';

interface UpFlags {
  readonly detach?: boolean;
  readonly topology?: string;
  readonly recursive?: boolean;
  readonly timeout: string;
  readonly detachedChild?: boolean;
}

/** Progress on a terminal rewrites one line; elsewhere each new step is one line. */
export function terminalReporter(ctx: CliContext): UpReporter {
  const tty = (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
  let last = '';
  return {
    progress(text) {
      if (tty) ctx.out(`\r\x1b[2K${text}`);
      else if (text.split(':')[0] !== last.split(':')[0]) ctx.out(`${text}\n`);
      last = text;
    },
    ready(summary) {
      if (tty) ctx.out('\r\x1b[2K');
      ctx.out(summary);
    },
  };
}

function timeoutMs(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < 0)
    throw new UsageError(`invalid argument "${text}" for "--timeout" flag: a duration such as 90s or 2m`);
  return ms;
}

async function runChild(ctx: CliContext, flags: UpFlags, paths: string[]): Promise<void> {
  const [{ createLogger }, { ipcReporter }, { runUp }] = await Promise.all([
    import('../../log/index.js'),
    import('../up/detach.js'),
    import('../up/run.js'),
  ]);
  const send = (m: UpMessage) => process.send?.(m);
  const logger = createLogger({ level: ctx.globals.logLevel ?? 'info', pretty: false, destination: 1 });
  try {
    await runUp(
      ctx,
      {
        paths,
        recursive: flags.recursive === true,
        timeoutMs: timeoutMs(flags.timeout),
        ...(flags.topology ? { topology: flags.topology } : {}),
      },
      ipcReporter(send),
      logger,
    );
  } catch (err) {
    send({ type: 'failed', message: errorMessage(err), exitCode: 1 });
    throw err;
  }
}

export const upCommand: CliCommand = {
  name: 'up',
  register(program: Command, ctx: CliContext): void {
    program
      .command('up')
      .description('Start an emulated cluster (the default cluster and demo app when given no manifests)')
      .argument('[paths...]', 'manifests to apply once the cluster is up: files, directories or -')
      .option('-d, --detach', 'run in the background and return once every pod is ready')
      .option('--topology <file>', 'the cluster topology (default: the embedded three-node cluster)')
      .option('-R, --recursive', 'read the subdirectories of the directories given too')
      .option('--timeout <duration>', 'how long to wait for the cluster to be ready', '2m')
      .addOption(new Option('--detached-child').hideHelp())
      .action(async (paths: string[], flags: UpFlags) => {
        if (flags.detachedChild) return runChild(ctx, flags, paths);
        const options = {
          paths,
          recursive: flags.recursive === true,
          timeoutMs: timeoutMs(flags.timeout),
          ...(flags.topology ? { topology: flags.topology } : {}),
        };
        // The emulator is loaded only by the commands that run one: clients stay light.
        if (!flags.detach) return (await import('../up/run.js')).runUp(ctx, options, terminalReporter(ctx));
        const { ensureNameFree } = await import('../up/run.js');
        ensureNameFree(ctx);
        const argv = ['up', ...paths, '--timeout', flags.timeout, '--name', ctx.emulatorName];
        if (flags.topology) argv.push('--topology', flags.topology);
        if (flags.recursive) argv.push('--recursive');
        if (ctx.globals.logLevel) argv.push('--log-level', ctx.globals.logLevel);
        return (await import('../up/detach.js')).runDetached(ctx, argv, terminalReporter(ctx));
      });
  },
};
