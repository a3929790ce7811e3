/**
 * `netkube rollout status|history|undo|pause|resume|restart TYPE/NAME`:
 * kubectl's rollout for Deployments — the same requests, algorithms and
 * messages (polymorphichelpers: rollout_status, history, rollback, and the
 * pauser/resumer/restarter patches).
 */
import type { Command } from 'commander';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { Deployment, KubeObject, ReplicaSet } from '../../api/types.js';
import { assertNever } from '../../util/assert-never.js';
import { parseGoDuration } from '../../util/duration.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { selectorString } from '../describe/writer.js';
import { parseBool, parseInteger } from '../flags.js';
import { collectionPath, objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { viewHistory } from '../rollout/history.js';
import { deploymentStatus } from '../rollout/status.js';
import { planRollback } from '../rollout/undo.js';
import { rolloutTargets } from '../targets.js';
import { watchObject } from '../wait.js';
import { registerRolloutPatches } from './rollout-patch.js';

/** kubectl's refusal for kinds without a viewer/rollbacker (`ReplicaSet.apps`, quoted for history and undo). */
function requireDeployment(
  info: ResourceInfo,
  what: 'status viewer' | 'history viewer' | 'rollbacker',
): void {
  if (info.kind === 'Deployment') return;
  const groupKind = info.group ? `${info.kind}.${info.group}` : info.kind;
  const shown = what === 'status viewer' ? groupKind : JSON.stringify(groupKind);
  throw new UserError(`no ${what} has been implemented for ${shown}`);
}

async function replicaSetsOf(ctx: CliContext, d: Deployment): Promise<ReplicaSet[]> {
  const rs = resourceForKind('ReplicaSet') as ResourceInfo;
  const body = await ctx
    .client()
    .json<{ items?: ReplicaSet[] }>('GET', collectionPath(rs, d.metadata?.namespace), {
      query: { labelSelector: selectorString(d.spec?.selector) },
    });
  return body.items ?? [];
}

async function runStatus(
  ctx: CliContext,
  args: readonly string[],
  opts: { revision?: number; watch?: boolean; timeout?: string },
) {
  if ((opts.revision ?? 0) < 0) throw new UserError(`revision must be a positive integer: ${opts.revision}`);
  const timeoutMs = opts.timeout ? parseGoDuration(opts.timeout) : undefined;
  if (opts.timeout && timeoutMs === undefined)
    throw new UserError(`invalid argument "${opts.timeout}" for "--timeout" flag`);
  for (const { info, name } of rolloutTargets(args)) {
    requireDeployment(info, 'status viewer');
    await ctx.client().json('GET', objectPath(info, ctx.namespace, name));
    await watchObject(
      ctx.client(),
      { info, namespace: ctx.namespace, name },
      (obj, event) => {
        if (!obj || event === 'DELETED') throw new UserError('object has been deleted');
        const status = deploymentStatus(obj as Deployment, opts.revision ?? 0);
        ctx.out(status.message);
        return status.done || opts.watch === false;
      },
      { signal: ctx.signal, timeoutMs: timeoutMs || undefined },
    );
  }
}

async function runHistory(ctx: CliContext, args: readonly string[], opts: { revision?: number }) {
  const revision = opts.revision ?? 0;
  if (revision < 0) throw new UserError(`revision must be a positive integer: ${revision}`);
  for (const { info, name } of rolloutTargets(args)) {
    requireDeployment(info, 'history viewer');
    const d = await ctx.client().json<Deployment>('GET', objectPath(info, ctx.namespace, name));
    const text = viewHistory(d, await replicaSetsOf(ctx, d), revision);
    const withRevision = revision > 0 ? `with revision #${revision}` : '';
    ctx.out(`${groupKindOfResource(info)}/${name} ${withRevision}\n${text}\n`);
  }
}

async function runUndo(
  ctx: CliContext,
  args: readonly string[],
  opts: { toRevision?: number; dryRun?: string },
) {
  for (const { info, name } of rolloutTargets(args)) {
    requireDeployment(info, 'rollbacker');
    const path = objectPath(info, ctx.namespace, name);
    const client = ctx.client();
    await client.json<KubeObject>('GET', path);
    const d = await client.json<Deployment>('GET', path).catch((err: unknown) => {
      throw new UserError(
        `failed to retrieve Deployment ${name}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    const plan = planRollback(d, await replicaSetsOf(ctx, d), opts.toRevision ?? 0, {
      dryRun: opts.dryRun === 'client',
    });
    const prefix = `${groupKindOfResource(info)}/${name}`;
    switch (plan.kind) {
      case 'skip':
        ctx.out(`${prefix} ${plan.message}\n`);
        break;
      case 'dry-run':
        ctx.out(`${prefix} ${plan.template}\n`);
        break;
      case 'patch':
        try {
          await client.patch(
            path,
            'json',
            plan.patch,
            opts.dryRun === 'server' ? { dryRun: 'All' } : undefined,
          );
        } catch (err) {
          throw new UserError(
            `failed restoring revision ${opts.toRevision ?? 0}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        ctx.out(`${prefix} rolled back${opts.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
        break;
      default:
        assertNever(plan);
    }
  }
}

/** `netkube rollout`, for the registry in commands/index.ts. */
export const rolloutCommand: CliCommand = {
  name: 'rollout',
  register(program: Command, ctx: CliContext): void {
    const rollout = program.command('rollout').description('Manage the rollout of a deployment');
    rollout
      .command('status')
      .description('Show the status of the rollout, watching until it completes')
      .argument('<args...>', 'TYPE/NAME or TYPE NAME')
      .option('--revision <n>', 'pin to a specific revision for showing its status', parseInteger)
      .option('-w, --watch [bool]', 'watch the status of the rollout until it is done', parseBool, true)
      .option('--timeout <duration>', 'the length of time to wait before ending watch (0: forever)')
      .action(async (args: string[], opts: { revision?: number; watch?: boolean; timeout?: string }) => {
        await runStatus(ctx, args, opts);
      });
    rollout
      .command('history')
      .description('View rollout history')
      .argument('<args...>', 'TYPE/NAME or TYPE NAME')
      .option('--revision <n>', 'see the details, including the pod template, of the revision', parseInteger)
      .action(async (args: string[], opts: { revision?: number }) => {
        await runHistory(ctx, args, opts);
      });
    rollout
      .command('undo')
      .description('Roll back to a previous rollout')
      .argument('<args...>', 'TYPE/NAME or TYPE NAME')
      .option('--to-revision <n>', 'the revision to roll back to (0: the previous one)', parseInteger)
      .option('--dry-run <strategy>', 'client: print the template; server: validate without persisting')
      .action(async (args: string[], opts: { toRevision?: number; dryRun?: string }) => {
        await runUndo(ctx, args, opts);
      });
    registerRolloutPatches(rollout, ctx);
  },
};
