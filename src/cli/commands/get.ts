/**
 * `netkube get`: kubectl's get. Human-readable output comes from the server's
 * Tables (rendered here as kubectl renders them); `-o json|yaml|name|jsonpath|
 * custom-columns` print the raw objects (one object for one named item, a
 * `List` otherwise, see output.ts); `-w`
 * streams changes (see get-watch.ts).
 */
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError, SilentExit } from '../errors.js';
import { checkSelector, collect } from '../flags.js';
import { type OutputSpec, parseOutputSpec, renderObjects } from '../output.js';
import { collectionPath, objectPath } from '../paths.js';
import { asTable, listItems } from '../printers/fallback.js';
import { groupKindOfResource } from '../printers/name.js';
import { sortByField, sortFieldNotFound } from '../printers/sort.js';
import { type Table, TablePrinter } from '../printers/table.js';
import { TABLE_TABWRITER, TabWriter } from '../printers/tabwriter.js';
import type { CliCommand } from '../registry.js';
import { parseTargets, type Target } from '../targets.js';
import { runWatch } from './get-watch.js';

export interface GetOptions {
  readonly output?: string;
  readonly allNamespaces?: boolean;
  readonly selector?: string;
  readonly fieldSelector?: string;
  readonly watch?: boolean;
  readonly watchOnly?: boolean;
  readonly outputWatchEvents?: boolean;
  readonly showLabels?: boolean;
  readonly labelColumns?: string[];
  readonly noHeaders?: boolean;
  readonly ignoreNotFound?: boolean;
  readonly sortBy?: string;
}

/** One fetched thing, as kubectl's builder yields "infos": a Table (or raw objects) per request. */
interface Info {
  readonly info: ResourceInfo;
  readonly table?: Table;
  readonly objects?: readonly KubeObject[];
}

/** The list query kubectl sends for `-l` / `--field-selector`. */
export function listQuery(opts: GetOptions): Record<string, string | undefined> {
  return { labelSelector: opts.selector, fieldSelector: opts.fieldSelector };
}

/**
 * `--sort-by` on a Table (rows carry full objects: kubectl asks for
 * `includeObject=Object`). As kubectl does, a table of several rows none of
 * which has the field prints nothing (its printer error is dropped).
 */
function sortedTable(table: Table, sortBy: string | undefined): Table {
  if (!sortBy || (table.rows?.length ?? 0) <= 1) return table;
  try {
    return { ...table, rows: sortByField(table.rows ?? [], sortBy, (row) => row.object) };
  } catch (err) {
    if (err instanceof UserError) return { ...table, rows: [] };
    throw err;
  }
}

/** The namespace a collection request uses: undefined for `-A`. */
export function requestNamespace(ctx: CliContext, opts: { allNamespaces?: boolean }): string | undefined {
  return opts.allNamespaces ? undefined : ctx.namespace;
}

async function fetchAll(ctx: CliContext, targets: readonly Target[], opts: GetOptions, raw: boolean) {
  const client = ctx.client();
  const ns = requestNamespace(ctx, opts);
  const infos: Info[] = [];
  const errors: unknown[] = [];
  const now = ctx.clock.now();
  for (const { info, names } of targets) {
    const requests =
      names.length > 0
        ? names.map((n) => ({ path: objectPath(info, ctx.namespace, n), query: {} }))
        : [{ path: collectionPath(info, ns), query: listQuery(opts) }];
    const include = opts.sortBy && !raw ? { includeObject: 'Object' } : {};
    for (const { path, query } of requests) {
      try {
        if (raw) {
          const body = await client.json<KubeObject & { items?: unknown[] }>('GET', path, { query });
          infos.push({ info, objects: Array.isArray(body.items) ? listItems(body) : [body] });
        } else {
          const table = asTable(await client.table(path, { ...query, ...include }), now);
          infos.push({ info, table: sortedTable(table, opts.sortBy) });
        }
      } catch (err) {
        if (!(opts.ignoreNotFound && (err as { reason?: string }).reason === 'NotFound')) errors.push(err);
      }
    }
  }
  return { infos, errors };
}

function printTables(
  ctx: CliContext,
  infos: readonly Info[],
  opts: GetOptions,
  spec: OutputSpec & { kind: 'table' },
): number {
  let written = 0;
  let separator = false;
  const sink = (text: string) => {
    if (text === '') return;
    if (separator) {
      ctx.out('\n');
      separator = false;
    }
    written += text.length;
    ctx.out(text);
  };
  const w = new TabWriter(sink, TABLE_TABWRITER);
  const withKind = new Set(infos.map((i) => i.info)).size > 1;
  let printer: TablePrinter | undefined;
  let last: ResourceInfo | undefined;
  for (const { info, table } of infos) {
    if (!table) continue;
    if (!printer || last !== info) {
      w.flush();
      w.resetRememberedWidths();
      if (last && !opts.noHeaders && written > 0) separator = true;
      printer = new TablePrinter({
        wide: spec.wide,
        noHeaders: opts.noHeaders === true,
        // kubectl drops the column for a cluster-scoped kind on its own, not in a mixed listing.
        withNamespace: opts.allNamespaces === true && (info.namespaced || withKind),
        showLabels: opts.showLabels === true,
        columnLabels: opts.labelColumns ?? [],
        ...(withKind ? { kindPrefix: groupKindOfResource(info) } : {}),
      });
      last = info;
    }
    printer.print(table, w);
  }
  w.flush();
  return written;
}

/** kubectl's printGeneric: one object when one named item was asked for, else a `List`. */
function printGeneric(
  ctx: CliContext,
  infos: readonly Info[],
  spec: Exclude<OutputSpec, { kind: 'table' }>,
  single: boolean,
  sortBy: string | undefined,
): void {
  const all = infos.flatMap((i) => i.objects ?? []);
  const objects = sortBy && all.length > 1 ? sortByField(all, sortBy, (o) => o) : all;
  const value =
    single && objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  ctx.out(renderObjects(spec, value));
}

/** Runs `get` with parsed arguments; throws AggregateCliError after printing when some requests failed. */
export async function runGet(ctx: CliContext, args: readonly string[], opts: GetOptions): Promise<void> {
  const spec = await parseOutputSpec(opts.output, { cwd: ctx.io.cwd, noHeaders: opts.noHeaders === true });
  checkSelector(opts.selector);
  const targets = parseTargets(args);
  if (opts.allNamespaces && targets.some((t) => t.names.length > 0)) {
    throw new UserError('a resource cannot be retrieved by name across all namespaces');
  }
  if (opts.watch || opts.watchOnly) return runWatch(ctx, targets, opts, spec);
  const { infos, errors } = await fetchAll(ctx, targets, opts, spec.kind !== 'table');
  // kubectl cannot sort several tables (one per kind or name) and says so.
  if (opts.sortBy && spec.kind === 'table' && infos.length > 1) throw sortFieldNotFound(opts.sortBy);
  if (spec.kind !== 'table') {
    const single = targets.length === 1 && targets[0]?.names.length === 1;
    if (!(single && infos.length === 0)) printGeneric(ctx, infos, spec, single, opts.sortBy);
  } else {
    const written = printTables(ctx, infos, opts, spec);
    if (written === 0 && errors.length === 0 && !opts.ignoreNotFound) {
      const namespaced = !opts.allNamespaces && targets.every((t) => t.info.namespaced);
      ctx.err(namespaced ? `No resources found in ${ctx.namespace} namespace.\n` : 'No resources found\n');
    }
  }
  if (errors.length > 0) throw new AggregateCliError(errors);
}

/** `netkube get`, for the registry in commands/index.ts. */
export const getCommand: CliCommand = {
  name: 'get',
  register(program: Command, ctx: CliContext): void {
    program
      .command('get')
      .description('Display one or many resources')
      .argument('[type]', 'TYPE[,TYPE...] (plural, singular or short name, optionally .group), or TYPE/NAME')
      .argument('[names...]', 'object names, or more TYPE/NAME')
      .option(
        '-o, --output <format>',
        'json, yaml, name, wide, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or custom-columns-file=FILE',
      )
      .option('-A, --all-namespaces', 'list the requested objects across all namespaces')
      .option('-l, --selector <selector>', 'label selector to filter on (e.g. -l key1=value1,key2=value2)')
      .option(
        '--field-selector <selector>',
        'field selector to filter on (e.g. --field-selector metadata.name=web)',
      )
      .option('-w, --watch', 'after listing/getting the requested object, watch for changes')
      .option('--watch-only', 'watch for changes to the requested object(s), without listing/getting first')
      .option('--output-watch-events', 'output watch event objects when --watch or --watch-only is used')
      .option('--show-labels', 'show all labels as the last column')
      .option('-L, --label-columns <key>', 'a label key to show as a column (repeatable)', collect)
      .option('--no-headers', "don't print headers")
      .option('--ignore-not-found', 'treat "resource not found" as a successful retrieval')
      .option('--sort-by <jsonpath>', 'sort by this field (e.g. .metadata.creationTimestamp, .lastTimestamp)')
      .action(async (type: string | undefined, names: string[], opts: GetOptions & { headers?: boolean }) => {
        if (type === undefined) {
          ctx.err(
            'You must specify the type of resource to get. Use "netkube api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee \'netkube get -h\' for help and examples\n',
          );
          throw new SilentExit(2);
        }
        await runGet(ctx, [type, ...names], { ...opts, noHeaders: opts.headers === false });
      });
  },
};
