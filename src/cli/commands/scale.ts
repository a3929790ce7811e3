/**
 * `netkube scale TYPE/NAME --replicas N`: kubectl's scale through the
 * `scale` subresource (a merge patch, or GET+PUT with `--current-replicas`),
 * printing `deployment.apps/web scaled`.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError } from '../errors.js';
import { parseInteger } from '../flags.js';
import { objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';

interface ScaleOptions {
  readonly replicas?: number;
  readonly currentReplicas?: number;
}

interface Scale extends KubeObject {
  readonly spec?: { replicas?: number };
  readonly status?: { replicas?: number };
}

/** Runs `scale` for every named object. */
export async function runScale(ctx: CliContext, args: readonly string[], opts: ScaleOptions): Promise<void> {
  if (opts.replicas === undefined || opts.replicas < 0) {
    throw new UserError(
      'The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
    );
  }
  if (opts.currentReplicas !== undefined && opts.currentReplicas < -1) {
    throw new UserError('The --current-replicas must specify an integer of -1 or greater');
  }
  const targets = parseTargets(args);
  const client = ctx.client();
  const errors: unknown[] = [];
  let count = 0;
  for (const { info, names } of targets) {
    if (names.length === 0) throw new UserError('resource(s) were provided, but no name was specified');
    for (const name of names) {
      count++;
      const path = objectPath(info, ctx.namespace, name, 'scale');
      try {
        await client.json('GET', objectPath(info, ctx.namespace, name));
        if (opts.currentReplicas !== undefined && opts.currentReplicas !== -1) {
          const scale = await client.json<Scale>('GET', path);
          const current = scale.spec?.replicas ?? 0;
          if (current !== opts.currentReplicas) {
            throw new UserError(`Expected replicas to be ${opts.currentReplicas}, was ${current}`);
          }
          await client.json('PUT', path, {
            body: { ...scale, spec: { ...scale.spec, replicas: opts.replicas } },
          });
        } else {
          await client.patch(path, 'merge', { spec: { replicas: opts.replicas } });
        }
        ctx.out(`${groupKindOfResource(info)}/${name} scaled\n`);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  if (count === 0) throw new UserError('no objects passed to scale');
  if (errors.length > 0) throw new AggregateCliError(errors);
}

/** `netkube scale`, for the registry in commands/index.ts. */
export const scaleCommand: CliCommand = {
  name: 'scale',
  register(program: Command, ctx: CliContext): void {
    program
      .command('scale')
      .description('Set a new size for a deployment or replica set')
      .argument('<type>', 'TYPE or TYPE/NAME')
      .argument('[names...]', 'object names')
      .option('--replicas <count>', 'the new desired number of replicas', parseInteger)
      .option(
        '--current-replicas <count>',
        'precondition: the current size must be this (-1: no check)',
        parseInteger,
      )
      .action(async (type: string, names: string[], opts: ScaleOptions) => {
        await runScale(ctx, [type, ...names], opts);
      });
  },
};
