/**
 * `netkube pod kill NAME` and `netkube pod fail-readiness NAME`: fault
 * injection on a simulated pod's containers through the workloads routes.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseInteger } from '../flags.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

function podRoute(ctx: CliContext, name: string, action: string): string {
  return extensionPath(
    `/namespaces/${encodeURIComponent(ctx.namespace)}/pods/${encodeURIComponent(name)}/${action}`,
  );
}

/** Kills a pod's container (the kubelet restarts it per restartPolicy). */
export async function runPodKill(ctx: CliContext, name: string, container?: string): Promise<void> {
  await ctx.client().json('POST', podRoute(ctx, name, 'kill'), { body: container ? { container } : {} });
  ctx.out(`pod/${name} killed\n`);
}

/** Makes a pod's readiness probe fail (for `seconds`, or until the container restarts). */
export async function runFailReadiness(
  ctx: CliContext,
  name: string,
  opts: { container?: string; seconds?: number },
): Promise<void> {
  const body = {
    ...(opts.container ? { container: opts.container } : {}),
    ...(opts.seconds !== undefined ? { seconds: opts.seconds } : {}),
  };
  await ctx.client().json('POST', podRoute(ctx, name, 'fail-readiness'), { body });
  ctx.out(`pod/${name} readiness failing${opts.seconds !== undefined ? ` for ${opts.seconds}s` : ''}\n`);
}

/** `netkube pod`, for the registry in commands/index.ts. */
export const podCommand: CliCommand = {
  name: 'pod',
  register(program: Command, ctx: CliContext): void {
    const pod = program.command('pod').description('Fault injection on a simulated pod');
    pod
      .command('kill')
      .description("Kill a pod's container, as an OOM kill or crash would")
      .argument('<name>', 'pod name')
      .option('-c, --container <name>', 'the container (default: the first)')
      .action(async (name: string, opts: { container?: string }) => {
        await runPodKill(ctx, name, opts.container);
      });
    pod
      .command('fail-readiness')
      .description("Make a pod's readiness probe fail, so it leaves its Services' endpoints")
      .argument('<name>', 'pod name')
      .option('-c, --container <name>', 'the container (default: the first)')
      .option(
        '--seconds <n>',
        'how long the probe fails (default: until the container restarts)',
        parseInteger,
      )
      .action(async (name: string, opts: { container?: string; seconds?: number }) => {
        await runFailReadiness(ctx, name, opts);
      });
  },
};
