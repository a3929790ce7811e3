/**
 * `netkube label` and `netkube annotate`: kubectl's commands that change an
 * object's labels or annotations with a merge patch (`KEY=VALUE` sets,
 * `KEY-` removes, `--overwrite` replaces), printing `pod/web labeled`.
 * Relabeling a pod is how a demo takes it out of a Service's endpoints.
 */
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError } from '../errors.js';
import { checkSelector } from '../flags.js';
import { collectionPath, objectPath } from '../paths.js';
import { goJson } from '../printers/jsonpath.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';

type Field = 'labels' | 'annotations';

interface PairOptions {
  readonly overwrite?: boolean;
  readonly selector?: string;
  readonly all?: boolean;
  readonly allNamespaces?: boolean;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** `GetResourcesAndPairs`: resources first, then `k=v` / `k-` pairs. */
export function splitPairs(
  args: readonly string[],
  pairType: string,
): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const isPair = (s.includes('=') && !s.startsWith('=')) || (s.endsWith('-') && s !== '-');
    if (isPair) pairs.push(s);
    else if (pairs.length > 0)
      throw new UserError(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, pairs };
}

/** Parses the pairs of `label` (with kubectl's label-value check) or `annotate`. */
export function parsePairs(
  pairs: readonly string[],
  field: Field,
): { set: Map<string, string>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const p of pairs) {
    if (p.includes('=')) {
      const parts =
        field === 'labels' ? p.split('=') : [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)];
      if (parts.length !== 2) throw new UserError(`invalid label spec: ${p}`);
      const value = parts[1] as string;
      if (field === 'labels' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        throw new UserError(
          `invalid label value: ${JSON.stringify(p)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        );
      }
      set.set(parts[0] as string, value);
    } else remove.push(p.slice(0, -1));
  }
  const both = remove.filter((r) => set.has(r));
  if (both.length > 0) {
    throw new UserError(
      field === 'labels'
        ? 'can not both modify and remove a label in the same command'
        : `can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`,
    );
  }
  return { set, remove };
}

function overwriteErrors(current: Record<string, string>, set: Map<string, string>, field: Field): unknown[] {
  const taken = [...set].filter(
    ([k, v]) => k in current && current[k] !== v && k !== 'kubernetes.io/change-cause',
  );
  if (taken.length === 0) return [];
  if (field === 'labels') {
    return taken.map(
      ([k]) => new UserError(`'${k}' already has a value (${current[k]}), and --overwrite is false`),
    );
  }
  const list = taken.map(([k]) => `'${k}' already has a value (${current[k]})`).join('; ');
  return [new UserError(`--overwrite is false but found the following declared annotation(s): ${list}`)];
}

/** Bytes a labels map adds to the object's JSON (`"labels":{…},`, nothing when empty: omitempty). */
function serializedLength(map: Record<string, string>): number {
  return Object.keys(map).length === 0 ? 0 : goJson(map).length + '"labels":,'.length;
}

async function objectsOf(ctx: CliContext, resources: readonly string[], opts: PairOptions) {
  const out: Array<{ info: ResourceInfo; namespace: string | undefined; name: string }> = [];
  for (const { info, names } of parseTargets(resources)) {
    if (names.length > 0) {
      for (const name of names) out.push({ info, namespace: ctx.namespace, name });
      continue;
    }
    if (!opts.selector && !opts.all)
      throw new UserError('resource(s) were provided, but no name was specified');
    const ns = opts.allNamespaces ? undefined : ctx.namespace;
    const body = await ctx.client().json<{ items?: KubeObject[] }>('GET', collectionPath(info, ns), {
      query: { labelSelector: opts.selector },
    });
    for (const o of body.items ?? [])
      out.push({ info, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });
  }
  return out;
}

/** Runs `label` (field `labels`) or `annotate` (field `annotations`). */
export async function runPairs(ctx: CliContext, field: Field, args: readonly string[], opts: PairOptions) {
  const noun = field === 'labels' ? 'label' : 'annotation';
  checkSelector(opts.selector);
  const { resources, pairs } = splitPairs(args, noun);
  if (resources.length === 0) {
    throw new UserError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  }
  if (pairs.length === 0) throw new UserError(`at least one ${noun} update is required`);
  const { set, remove } = parsePairs(pairs, field);
  const client = ctx.client();
  for (const target of await objectsOf(ctx, resources, opts)) {
    const path = objectPath(target.info, target.namespace, target.name);
    const obj = await client.json<KubeObject>('GET', path);
    const current: Record<string, string> = { ...(obj.metadata[field] ?? {}) };
    if (field === 'labels') {
      for (const r of remove) if (!(r in current)) ctx.out(`label "${r}" not found.\n`);
    }
    if (!opts.overwrite) {
      const errors = overwriteErrors(current, set, field);
      if (errors.length > 0) throw new AggregateCliError(errors);
    }
    const changes: Record<string, string | null> = {};
    for (const [k, v] of set) if (current[k] !== v) changes[k] = v;
    for (const r of remove) if (r in current) changes[r] = null;
    const patch = Object.keys(changes).length > 0 ? { metadata: { [field]: changes } } : {};
    await client.patch(path, 'merge', patch);
    let message = 'annotated';
    if (field === 'labels') {
      const after = { ...current };
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) delete after[k];
        else after[k] = v;
      }
      // kubectl compares the lengths of the object's JSON before and after.
      const shrank = !opts.overwrite && serializedLength(after) < serializedLength(current);
      message = Object.keys(changes).length === 0 ? 'not labeled' : shrank ? 'unlabeled' : 'labeled';
    }
    ctx.out(`${groupKindOfResource(target.info)}/${target.name} ${message}\n`);
  }
}

function register(program: Command, ctx: CliContext, field: Field): void {
  const name = field === 'labels' ? 'label' : 'annotate';
  program
    .command(name)
    .description(
      field === 'labels' ? 'Update the labels on a resource' : 'Update the annotations on a resource',
    )
    .argument('<args...>', `TYPE NAME (or TYPE/NAME) followed by KEY=VALUE to set or KEY- to remove`)
    .option('--overwrite', 'allow replacing existing values')
    .option('-l, --selector <selector>', 'act on the objects matching this label selector')
    .option('--all', 'act on every object of the type in the namespace')
    .option('-A, --all-namespaces', 'with -l or --all: across all namespaces')
    .action(async (args: string[], opts: PairOptions) => {
      await runPairs(ctx, field, args, opts);
    });
}

/** `netkube label`, for the registry in commands/index.ts. */
export const labelCommand: CliCommand = {
  name: 'label',
  register: (program, ctx) => register(program, ctx, 'labels'),
};

/** `netkube annotate`, for the registry in commands/index.ts. */
export const annotateCommand: CliCommand = {
  name: 'annotate',
  register: (program, ctx) => register(program, ctx, 'annotations'),
};
