/**
 * `netkube exec POD -- CMD…`: runs one of the simulated pod's safe commands
 * (`ip addr`, `nslookup`, `curl`, …) through the workloads exec route; never
 * a host command. Exits with the command's exit code, as kubectl exec does
 * (`command terminated with exit code N`).
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { SilentExit } from '../errors.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

interface ExecResponse {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `exec`; `target` is `POD` or `pod/POD`. */
export async function runExec(
  ctx: CliContext,
  target: string,
  command: readonly string[],
  opts: { container?: string },
): Promise<void> {
  if (command.length === 0) throw new UserError('you must specify at least one command for the container');
  const slash = target.indexOf('/');
  if (slash >= 0 && !['pod', 'pods', 'po'].includes(target.slice(0, slash).toLowerCase())) {
    throw new UserError(`cannot exec into ${target}: only pods run commands`);
  }
  const pod = slash >= 0 ? target.slice(slash + 1) : target;
  const res = await ctx
    .client()
    .json<ExecResponse>(
      'POST',
      extensionPath(`/namespaces/${encodeURIComponent(ctx.namespace)}/pods/${encodeURIComponent(pod)}/exec`),
      { body: { command, ...(opts.container ? { container: opts.container } : {}) } },
    );
  if (res.stdout) ctx.out(res.stdout);
  if (res.stderr) ctx.err(res.stderr);
  if (res.exitCode !== 0) {
    ctx.err(`command terminated with exit code ${res.exitCode}\n`);
    throw new SilentExit(res.exitCode);
  }
}

/** `netkube exec`, for the registry in commands/index.ts. */
export const execCommand: CliCommand = {
  name: 'exec',
  register(program: Command, ctx: CliContext): void {
    program
      .command('exec')
      .description(
        'Run a command in a simulated pod (ip addr, ip route, hostname, nslookup, nc -zv, curl, wget -qO-)',
      )
      .argument('<pod>', 'POD or pod/POD')
      .argument('[command...]', 'the command, after --')
      .option('-c, --container <name>', 'the container (default: the first)')
      .option('-i, --stdin', 'accepted for kubectl compatibility (the commands are not interactive)')
      .option('-t, --tty', 'accepted for kubectl compatibility (the commands are not interactive)')
      .action(async (pod: string, command: string[], opts: { container?: string }) => {
        await runExec(ctx, pod, command, opts);
      });
  },
};
