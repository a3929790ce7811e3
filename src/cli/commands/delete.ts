/**
 * `netkube delete`: kubectl's delete. `TYPE NAME…`, `TYPE/NAME…`, `TYPE -l
 * SEL`, `TYPE --all`, `-f FILE`; one `DELETE` per object with kubectl's
 * DeleteOptions body, a `pod "x" deleted` line each, then (unless
 * `--wait=false`) a wait until every deleted object is really gone, as
 * kubectl waits for graceful pod termination.
 */
import type { Command } from 'commander';
import { isNotFound } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { parseGoDuration } from '../../util/duration.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError } from '../errors.js';
import { checkSelector, collect, parseBool, parseInteger } from '../flags.js';
import { loadObjects, type SourcedObject } from '../manifests.js';
import { collectionPath, objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';
import { waitForDeletion } from '../wait.js';

interface DeleteOptions {
  readonly filename?: string[];
  readonly recursive?: boolean;
  readonly selector?: string;
  readonly all?: boolean;
  readonly allNamespaces?: boolean;
  readonly gracePeriod?: number;
  readonly force?: boolean;
  readonly now?: boolean;
  readonly wait?: boolean;
  readonly cascade?: string;
  readonly ignoreNotFound?: boolean;
  readonly output?: string;
  readonly timeout?: string;
}

interface Item {
  readonly info: ResourceInfo;
  readonly namespace: string | undefined;
  readonly name: string;
  /** `error when deleting "<file>": ` prefix for objects from files. */
  readonly file?: string | undefined;
}

const CASCADE: Readonly<Record<string, string>> = {
  background: 'Background',
  true: 'Background',
  foreground: 'Foreground',
  orphan: 'Orphan',
  false: 'Orphan',
};

/** kubectl's grace-period rules: 0 without --force means 1, --force alone means 0. */
export function effectiveGracePeriod(opts: Pick<DeleteOptions, 'gracePeriod' | 'force' | 'now'>): number {
  let grace = opts.gracePeriod ?? -1;
  if (opts.now) {
    if (grace !== -1) throw new UserError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !opts.force) grace = 1;
  if (opts.force && grace < 0) grace = 0;
  if (grace > 0 && opts.force)
    throw new UserError('--force and --grace-period greater than 0 cannot be specified together');
  return grace;
}

async function itemsFromArgs(ctx: CliContext, args: readonly string[], opts: DeleteOptions): Promise<Item[]> {
  const targets = parseTargets(args);
  const items: Item[] = [];
  for (const { info, names } of targets) {
    if (names.length > 0) {
      for (const name of names) items.push({ info, namespace: ctx.namespace, name });
      continue;
    }
    if (!opts.selector && !opts.all)
      throw new UserError('resource(s) were provided, but no name was specified');
    const ns = opts.allNamespaces ? undefined : ctx.namespace;
    const body = await ctx.client().json<{ items?: KubeObject[] }>('GET', collectionPath(info, ns), {
      query: { labelSelector: opts.selector },
    });
    for (const o of body.items ?? [])
      items.push({ info, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });
  }
  return items;
}

function itemsFromFiles(ctx: CliContext, objects: readonly SourcedObject[]): Item[] {
  return objects.map(({ info, object, source }) => ({
    info,
    namespace: info.namespaced ? (object.metadata.namespace ?? ctx.namespace) : undefined,
    name: object.metadata.name ?? '',
    file: source.file,
  }));
}

interface DeleteEachOptions {
  readonly body: object;
  readonly grace: number;
  readonly output: string | undefined;
  readonly ignoreNotFound: boolean;
}

/**
 * Sends one DELETE per item and prints kubectl's line for each; returns what
 * was deleted (with uids, for the wait). Throws every failure at the end,
 * as kubectl does (and then it does not wait).
 */
async function deleteEach(
  ctx: CliContext,
  items: readonly Item[],
  opts: DeleteEachOptions,
): Promise<Array<Item & { uid: string | undefined }>> {
  const client = ctx.client();
  const errors: unknown[] = [];
  const deleted: Array<Item & { uid: string | undefined }> = [];
  for (const item of items) {
    try {
      const res = await client.json<KubeObject & { details?: { uid?: string } }>(
        'DELETE',
        objectPath(item.info, item.namespace, item.name),
        { body: opts.body },
      );
      const kind = groupKindOfResource(item.info);
      ctx.out(
        opts.output === 'name'
          ? `${kind}/${item.name}\n`
          : `${kind} "${item.name}" ${opts.grace === 0 ? 'force deleted' : 'deleted'}\n`,
      );
      deleted.push({ ...item, uid: res?.kind === 'Status' ? res.details?.uid : res?.metadata?.uid });
    } catch (err) {
      if (opts.ignoreNotFound && isNotFound(err)) continue;
      errors.push(
        item.file && err instanceof Error
          ? Object.assign(err, { message: `error when deleting "${item.file}": ${err.message}` })
          : err,
      );
    }
  }
  if (errors.length > 0) throw new AggregateCliError(errors);
  return deleted;
}

/** Runs `delete`; prints each deletion, then waits unless told not to. */
export async function runDelete(
  ctx: CliContext,
  args: readonly string[],
  opts: DeleteOptions,
): Promise<void> {
  if (opts.output && opts.output !== 'name') {
    throw new UserError(`unexpected -o output mode: ${opts.output}. We only support '-o name'`);
  }
  if (opts.all && opts.selector) throw new UserError('cannot set --all and --selector at the same time');
  checkSelector(opts.selector);
  const grace = effectiveGracePeriod(opts);
  const propagationPolicy = CASCADE[opts.cascade ?? 'background'];
  if (!propagationPolicy) {
    throw new UserError(
      `invalid cascade value (${opts.cascade}). Must be "background", "foreground", or "orphan".`,
    );
  }
  if (grace === 0 && opts.force) {
    ctx.err(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  }
  const files = opts.filename ?? [];
  if (files.length > 0 && args.length > 0)
    throw new UserError(
      'there is no need to specify a resource type as a separate argument when passing arguments in resource/name form',
    );
  const items =
    files.length > 0
      ? itemsFromFiles(ctx, await loadObjects(ctx, files, { recursive: opts.recursive }))
      : await itemsFromArgs(ctx, args, opts);
  const ignoreNotFound = opts.ignoreNotFound ?? (opts.all === true || opts.selector !== undefined);
  const body = { ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), propagationPolicy };
  const deleted = await deleteEach(ctx, items, { body, grace, output: opts.output, ignoreNotFound });
  if (items.length === 0) {
    ctx.out('No resources found\n');
    return;
  }
  if (opts.wait === false) return;
  const timeoutMs = opts.timeout ? parseGoDuration(opts.timeout) : undefined;
  for (const item of deleted) {
    await waitForDeletion(ctx.client(), item, item.uid, {
      signal: ctx.signal,
      timeoutMs: timeoutMs || undefined,
    });
  }
}

/** `netkube delete`, for the registry in commands/index.ts. */
export const deleteCommand: CliCommand = {
  name: 'delete',
  register(program: Command, ctx: CliContext): void {
    program
      .command('delete')
      .description(
        'Delete resources by file names, stdin, resources and names, or by resources and label selector',
      )
      .argument('[type]', 'TYPE[,TYPE...] or TYPE/NAME')
      .argument('[names...]', 'object names, or more TYPE/NAME')
      .option(
        '-f, --filename <file>',
        'file, directory or - (stdin) with the objects to delete (repeatable)',
        collect,
      )
      .option('-R, --recursive', 'process the directories given with -f recursively')
      .option('-l, --selector <selector>', 'delete the objects matching this label selector')
      .option('--all', 'delete all objects of the given types in the namespace')
      .option('-A, --all-namespaces', 'with --all or -l: across all namespaces')
      .option(
        '--grace-period <seconds>',
        'seconds given to the object to terminate gracefully (-1: its default)',
        parseInteger,
      )
      .option(
        '--force',
        'delete immediately, without waiting for graceful termination (with --grace-period=0)',
      )
      .option('--now', 'signal objects for immediate shutdown (same as --grace-period=1)')
      .option('--wait [bool]', 'wait for the objects to be gone before returning', parseBool, true)
      .option('--cascade <strategy>', 'background, foreground or orphan', 'background')
      .option('--ignore-not-found [bool]', 'treat "resource not found" as a successful delete', parseBool)
      .option('--timeout <duration>', 'how long to wait for deletion (0: a week)')
      .option('-o, --output <format>', "'name' prints kind/name only")
      .action(async (type: string | undefined, names: string[], opts: DeleteOptions) => {
        await runDelete(ctx, type === undefined ? [] : [type, ...names], opts);
      });
  },
};
