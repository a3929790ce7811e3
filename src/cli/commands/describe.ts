/**
 * `netkube describe`: kubectl's describe. `TYPE NAME`, `TYPE/NAME`, `TYPE`
 * (every object, or those matching `-l`), and kubectl's prefix match: when
 * `TYPE NAME` finds nothing, every object whose name starts with NAME.
 */
import type { Command } from 'commander';
import { isNotFound } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { describeObject } from '../describe/index.js';
import { AggregateCliError } from '../errors.js';
import { checkSelector } from '../flags.js';
import { collectionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';

interface DescribeOptions {
  readonly selector?: string;
  readonly allNamespaces?: boolean;
}

interface Item {
  readonly info: ResourceInfo;
  readonly namespace: string | undefined;
  readonly name: string;
}

async function listNames(ctx: CliContext, info: ResourceInfo, opts: DescribeOptions): Promise<Item[]> {
  const ns = opts.allNamespaces ? undefined : ctx.namespace;
  const body = await ctx.client().json<{ items?: KubeObject[] }>('GET', collectionPath(info, ns), {
    query: { labelSelector: opts.selector },
  });
  return (body.items ?? []).map((o) => ({
    info,
    namespace: o.metadata.namespace,
    name: o.metadata.name ?? '',
  }));
}

/** Runs `describe`: prints each description separated by a blank line, errors after. */
export async function runDescribe(
  ctx: CliContext,
  args: readonly string[],
  opts: DescribeOptions,
): Promise<void> {
  checkSelector(opts.selector);
  const targets = parseTargets(args);
  if (opts.allNamespaces && targets.some((t) => t.names.length > 0)) {
    throw new UserError('a resource cannot be retrieved by name across all namespaces');
  }
  const errors: unknown[] = [];
  const items: Item[] = [];
  for (const { info, names } of targets) {
    if (names.length === 0) items.push(...(await listNames(ctx, info, opts)));
    else for (const name of names) items.push({ info, namespace: ctx.namespace, name });
  }
  const client = ctx.client();
  let first = true;
  const print = (text: string) => {
    ctx.out(first ? text : `\n\n${text}`);
    first = false;
  };
  for (const item of items) {
    try {
      print(await describeObject(client, item.info, item.namespace, item.name, ctx.clock.now()));
    } catch (err) {
      const target = targets[0];
      if (isNotFound(err) && args.length === 2 && target && !args[0]?.includes('/')) {
        const matches = (await listNames(ctx, target.info, opts)).filter((i) => i.name.startsWith(item.name));
        if (matches.length === 0) throw err;
        // kubectl's DescribeMatchingResources: each description followed by one newline.
        for (const m of matches)
          ctx.out(`${await describeObject(client, m.info, m.namespace, m.name, ctx.clock.now())}\n`);
        continue;
      }
      errors.push(err);
    }
  }
  if (items.length === 0 && errors.length === 0) {
    ctx.err(
      opts.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`,
    );
  }
  if (errors.length > 0) throw new AggregateCliError(errors);
}

/** `netkube describe`, for the registry in commands/index.ts. */
export const describeCommand: CliCommand = {
  name: 'describe',
  register(program: Command, ctx: CliContext): void {
    program
      .command('describe')
      .description('Show details of a specific resource or group of resources')
      .argument('<type>', 'TYPE (plural, singular or short name), or TYPE/NAME')
      .argument('[names...]', 'object names or name prefixes')
      .option('-l, --selector <selector>', 'label selector to filter on')
      .option('-A, --all-namespaces', 'describe the requested objects across all namespaces')
      .action(async (type: string, names: string[], opts: DescribeOptions) => {
        await runDescribe(ctx, [type, ...names], opts);
      });
  },
};
