/**
 * `rollout pause|resume|restart`: the strategic merge patches kubectl's
 * object pauser, resumer and restarter produce for Deployments, with their
 * messages (`deployment.apps/web paused`, `… is already paused`).
 */
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { Deployment } from '../../api/types.js';
import { assertNever } from '../../util/assert-never.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError } from '../errors.js';
import { objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import { rolloutTargets } from '../targets.js';

type Verb = 'pause' | 'resume' | 'restart';

/** Go's `time.Now().Format(time.RFC3339)` in local time. */
export function rfc3339Local(ms: number): string {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const zone =
    offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/**
 * The patch for one verb, or an error text as kubectl words it
 * (`is already paused`, `can't restart paused deployment …`).
 */
export function rolloutPatch(verb: Verb, d: Deployment, now: number): { patch: object } | { error: string } {
  const paused = d.spec?.paused === true;
  switch (verb) {
    case 'pause':
      return paused ? { error: 'is already paused' } : { patch: { spec: { paused: true } } };
    case 'resume':
      return paused ? { patch: { spec: { paused: null } } } : { error: 'is not paused' };
    case 'restart':
      if (paused) return { error: "can't restart paused deployment (run rollout resume first)" };
      return {
        patch: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': rfc3339Local(now) } },
            },
          },
        },
      };
    default:
      return assertNever(verb);
  }
}

const DONE: Readonly<Record<Verb, string>> = { pause: 'paused', resume: 'resumed', restart: 'restarted' };

function resourceString(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

async function runVerb(ctx: CliContext, verb: Verb, args: readonly string[]): Promise<void> {
  const errors: unknown[] = [];
  for (const { info, name } of rolloutTargets(args)) {
    const path = objectPath(info, ctx.namespace, name);
    const obj = await ctx.client().json<Deployment>('GET', path);
    if (info.kind !== 'Deployment') {
      const what = verb === 'pause' ? 'pausing' : verb === 'resume' ? 'resuming' : 'restarting';
      errors.push(new UserError(`error: ${resourceString(info)} "${name}" ${what} is not supported`));
      continue;
    }
    const result = rolloutPatch(verb, obj, ctx.clock.now());
    if ('error' in result) {
      errors.push(new UserError(`error: ${resourceString(info)} "${name}" ${result.error}`));
      continue;
    }
    try {
      await ctx.client().patch(path, 'strategic', result.patch, { fieldManager: 'kubectl-rollout' });
    } catch (err) {
      errors.push(new UserError(`failed to patch: ${err instanceof Error ? err.message : String(err)}`));
      continue;
    }
    ctx.out(`${groupKindOfResource(info)}/${name} ${DONE[verb]}\n`);
  }
  if (errors.length > 0) throw new AggregateCliError(errors);
}

/** Adds pause, resume and restart under `rollout`. */
export function registerRolloutPatches(rollout: Command, ctx: CliContext): void {
  const descriptions: Record<Verb, string> = {
    pause: 'Mark the provided resource as paused',
    resume: 'Resume a paused resource',
    restart: 'Restart a resource: a new rollout with the same template',
  };
  for (const verb of ['pause', 'resume', 'restart'] as const) {
    rollout
      .command(verb)
      .description(descriptions[verb])
      .argument('<args...>', 'TYPE/NAME or TYPE NAME')
      .action(async (args: string[]) => {
        await runVerb(ctx, verb, args);
      });
  }
}
