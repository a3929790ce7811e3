/**
 * `netkube get -w`: kubectl's watch loop. A collection is listed, printed, and
 * watched from the list's resourceVersion; a named object is printed, then
 * watched with `fieldSelector=metadata.name=…&resourceVersion=0`, whose first
 * (synthetic ADDED) event is skipped. Every event prints one row (or object)
 * and is flushed at once; column widths only grow. Ends quietly when the
 * server closes the stream or the user interrupts.
 */
import { UserError } from '../../util/errors.js';
import type { WireWatchEvent } from '../client.js';
import type { CliContext } from '../context.js';
import { type OutputSpec, renderObjects } from '../output.js';
import { collectionPath, objectPath } from '../paths.js';
import { customColumnsText } from '../printers/custom-columns.js';
import { asTable, listItems } from '../printers/fallback.js';
import { sortKeys } from '../printers/json.js';
import { isTable, type Table, TablePrinter } from '../printers/table.js';
import { TABLE_TABWRITER, TabWriter } from '../printers/tabwriter.js';
import type { Target } from '../targets.js';
import type { GetOptions } from './get.js';

type Emit = (obj: unknown, eventType: string) => void;

function objectEmitter(ctx: CliContext, spec: Exclude<OutputSpec, { kind: 'table' }>, events: boolean): Emit {
  let count = 0;
  if (spec.kind === 'custom-columns') {
    // One aligned writer for the whole watch, as kubectl's: widths only grow.
    const w = new TabWriter((t) => ctx.out(t), TABLE_TABWRITER);
    return (obj) => {
      w.write(customColumnsText(spec.columns, [obj], { noHeaders: spec.noHeaders || count++ > 0 }));
      w.flush();
    };
  }
  return (obj, eventType) => {
    if (events && spec.kind === 'json') {
      // metav1.WatchEvent marshals `type` before `object`; the object's keys are sorted.
      ctx.out(`${JSON.stringify({ type: eventType, object: sortKeys(obj) })}\n`);
      return;
    }
    const value = events && spec.kind !== 'name' ? { object: obj, type: eventType } : obj;
    ctx.out(renderObjects(spec, value, count++ === 0));
  };
}

function tableEmitter(
  ctx: CliContext,
  spec: OutputSpec & { kind: 'table' },
  opts: GetOptions,
  namespaced: boolean,
): Emit {
  const w = new TabWriter((t) => ctx.out(t), TABLE_TABWRITER);
  const printer = new TablePrinter({
    wide: spec.wide,
    noHeaders: opts.noHeaders === true,
    withNamespace: opts.allNamespaces === true && namespaced,
    showLabels: opts.showLabels === true,
    columnLabels: opts.labelColumns ?? [],
  });
  return (obj, eventType) => {
    const table: Table = isTable(obj) ? obj : asTable(obj, ctx.clock.now());
    printer.print(table, w, opts.outputWatchEvents ? eventType : undefined);
    w.flush();
  };
}

/** Runs `get -w` / `--watch-only` for exactly one resource type. */
export async function runWatch(
  ctx: CliContext,
  targets: readonly Target[],
  opts: GetOptions,
  spec: OutputSpec,
): Promise<void> {
  const target = targets[0];
  if (!target || targets.length > 1) throw new UserError('you may only specify a single resource type');
  if (target.names.length > 1) {
    throw new UserError(
      'watch is only supported on individual resources and resource collections - more than 1 resource was found',
    );
  }
  const { info } = target;
  const name = target.names[0];
  const client = ctx.client();
  const ns = opts.allNamespaces ? undefined : ctx.namespace;
  const raw = spec.kind !== 'table';
  const emit =
    spec.kind === 'table'
      ? tableEmitter(ctx, spec, opts, info.namespaced)
      : objectEmitter(ctx, spec, opts.outputWatchEvents === true);
  const query: Record<string, string | undefined> = { labelSelector: opts.selector };
  let resourceVersion = '0';
  const path = name === undefined ? collectionPath(info, ns) : objectPath(info, ctx.namespace, name);
  const initial = raw
    ? await client.json<{ items?: unknown[]; metadata?: { resourceVersion?: string } }>('GET', path, {
        query: name === undefined ? { ...query, fieldSelector: opts.fieldSelector } : {},
      })
    : await client.table(path, name === undefined ? { ...query, fieldSelector: opts.fieldSelector } : {});
  if (name === undefined) {
    resourceVersion =
      (initial as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '0';
  }
  if (!opts.watchOnly) printInitial(emit, initial, raw);
  let skip = name !== undefined;
  const fieldSelector =
    name === undefined
      ? opts.fieldSelector
      : [`metadata.name=${name}`, opts.fieldSelector].filter(Boolean).join(',');
  const events = client.watch(
    collectionPath(info, name === undefined ? ns : ctx.namespace),
    { ...query, fieldSelector, resourceVersion },
    { table: !raw, signal: ctx.signal },
  );
  for await (const event of events as AsyncIterable<WireWatchEvent>) {
    if (event.type === 'BOOKMARK') continue;
    if (skip) {
      skip = false;
      continue;
    }
    emit(event.object, event.type);
  }
}

function printInitial(emit: Emit, initial: unknown, raw: boolean): void {
  if (!raw) {
    emit(initial, 'ADDED');
    return;
  }
  const body = initial as { items?: unknown[]; apiVersion?: string; kind?: string };
  const objects = Array.isArray(body.items) ? listItems(body) : [initial];
  for (const obj of objects) emit(obj, 'ADDED');
}
