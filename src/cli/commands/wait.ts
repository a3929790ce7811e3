/**
 * `netkube wait (TYPE/NAME… | TYPE NAME… | TYPE [-l SELECTOR] [--field-selector F] | TYPE --all)
 * --for=delete|condition=NAME[=VALUE] [--timeout=30s]`: kubectl's `wait`
 * (kubectl/pkg/cmd/wait): for each object, GET then watch it until the
 * condition holds, print `node/worker-2 condition met`, and share one timeout
 * between them. Conditions are matched as kubectl does (type and status
 * case-insensitively, `status.conditions[]`, never while the controller has
 * not observed the object's generation).
 */
import type { Command } from 'commander';
import { isNotFound } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { parseGoDuration } from '../../util/duration.js';
import { UsageError, UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { checkSelector } from '../flags.js';
import { collectionPath, objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';
import { TIMED_OUT, watchObject } from '../wait.js';

/** What `--for` asks for. */
export type WaitFor =
  | { readonly kind: 'delete' }
  | { readonly kind: 'condition'; readonly name: string; readonly status: string };

/** Parses `--for` as kubectl's `conditionFuncFor` does (the forms netkube implements). */
export function parseWaitFor(text: string | undefined): WaitFor {
  const value = text ?? '';
  if (value.toLowerCase() === 'delete') return { kind: 'delete' };
  if (value.toLowerCase().startsWith('condition=')) {
    const rest = value.slice('condition='.length);
    const eq = rest.indexOf('=');
    const name = eq < 0 ? rest : rest.slice(0, eq);
    const status = eq < 0 ? 'true' : rest.slice(eq + 1);
    if (name === '') throw new UserError('condition name cannot be empty');
    return { kind: 'condition', name, status };
  }
  if (value === '') throw new UserError('--for must be set');
  throw new UserError(`unrecognized condition: "${value}"`);
}

interface Condition {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly observedGeneration?: unknown;
}

/**
 * kubectl's `ConditionalWait.checkCondition`: the first condition of that type
 * decides, unless the object's generation is newer than the one observed
 * (the condition's observedGeneration, else status.observedGeneration).
 */
export function conditionMet(obj: KubeObject, name: string, status: string): boolean {
  const s = (obj as { status?: { conditions?: unknown; observedGeneration?: unknown } }).status;
  if (!Array.isArray(s?.conditions)) return false;
  for (const c of s.conditions as Condition[]) {
    if (typeof c?.type !== 'string' || c.type.toLowerCase() !== name.toLowerCase()) continue;
    if (typeof c.status !== 'string') continue;
    const generation = obj.metadata.generation;
    const observed = typeof c.observedGeneration === 'number' ? c.observedGeneration : s?.observedGeneration;
    if (typeof generation === 'number' && typeof observed === 'number' && observed < generation) return false;
    return c.status.toLowerCase() === status.toLowerCase();
  }
  return false;
}

interface WaitOptions {
  readonly for?: string;
  readonly timeout: string;
  readonly selector?: string;
  readonly fieldSelector?: string;
  readonly all?: boolean;
}

interface WaitTarget {
  readonly info: ResourceInfo;
  readonly name: string;
}

/**
 * The objects to wait for: named, or listed by selector. None is an error
 * (`no matching resources found`), except for `--for=delete`: nothing left to
 * delete is success, silently, as in kubectl.
 */
async function waitTargets(
  ctx: CliContext,
  args: readonly string[],
  opts: WaitOptions,
  forDelete: boolean,
): Promise<WaitTarget[]> {
  const selector = checkSelector(opts.selector);
  const out: WaitTarget[] = [];
  for (const t of parseTargets(args)) {
    if (t.names.length > 0) {
      if (selector !== undefined || opts.fieldSelector !== undefined || opts.all)
        throw new UserError('name cannot be provided when a selector is specified');
      out.push(...t.names.map((name) => ({ info: t.info, name })));
      continue;
    }
    if (selector === undefined && opts.fieldSelector === undefined && !opts.all)
      throw new UserError('resource(s) were provided, but no name was specified');
    const list = await ctx
      .client()
      .json<{ items?: KubeObject[] }>(
        'GET',
        collectionPath(t.info, t.info.namespaced ? ctx.namespace : undefined),
        {
          query: { labelSelector: selector, fieldSelector: opts.fieldSelector },
        },
      );
    out.push(...(list.items ?? []).map((o) => ({ info: t.info, name: o.metadata.name ?? '' })));
  }
  if (out.length === 0 && !forDelete) throw new UserError('no matching resources found');
  return out;
}

/** Waits for one object; throws kubectl's timeout error naming it. */
async function waitOne(ctx: CliContext, t: WaitTarget, forWhat: WaitFor, deadline: number): Promise<void> {
  const namespace = t.info.namespaced ? ctx.namespace : undefined;
  let uid: string | undefined;
  if (forWhat.kind === 'delete') {
    try {
      uid = (await ctx.client().json<KubeObject>('GET', objectPath(t.info, namespace, t.name))).metadata.uid;
    } catch (err) {
      if (isNotFound(err)) return; // already gone: nothing to print, as kubectl
      throw err;
    }
  } else {
    // A missing object is an error for a condition (the GET throws NotFound).
    await ctx.client().json('GET', objectPath(t.info, namespace, t.name));
  }
  try {
    await watchObject(
      ctx.client(),
      { info: t.info, namespace, name: t.name },
      (obj) =>
        forWhat.kind === 'delete'
          ? obj === undefined || obj.metadata.uid !== uid
          : obj !== undefined && conditionMet(obj, forWhat.name, forWhat.status),
      { signal: ctx.signal, timeoutMs: Math.max(1, deadline - Date.now()) },
    );
  } catch (err) {
    if (err instanceof UserError && err.message === TIMED_OUT)
      throw new UserError(`${TIMED_OUT} on ${t.info.resource}/${t.name}`);
    throw err;
  }
  ctx.out(`${groupKindOfResource(t.info)}/${t.name} condition met\n`);
}

/** Runs `wait`. */
export async function runWait(ctx: CliContext, args: readonly string[], opts: WaitOptions): Promise<void> {
  const forWhat = parseWaitFor(opts.for);
  const timeoutMs = parseGoDuration(opts.timeout);
  if (timeoutMs === undefined || timeoutMs < 0)
    throw new UsageError(`invalid argument "${opts.timeout}" for "--timeout" flag`);
  const deadline = Date.now() + timeoutMs;
  for (const t of await waitTargets(ctx, args, opts, forWhat.kind === 'delete'))
    await waitOne(ctx, t, forWhat, deadline);
}

/** `netkube wait`, for the registry in commands/index.ts. */
export const waitCommand: CliCommand = {
  name: 'wait',
  register(program: Command, ctx: CliContext): void {
    program
      .command('wait')
      .description('Wait for a condition on one or many resources (kubectl wait)')
      .argument('<resources...>', 'TYPE/NAME…, TYPE NAME…, or TYPE with -l/--all')
      .option('--for <condition>', 'delete, or condition=NAME[=VALUE] (VALUE defaults to true)')
      .option('--timeout <duration>', 'how long to wait in total (30s, 2m)', '30s')
      .option('-l, --selector <selector>', 'label selector (instead of names)')
      .option('--field-selector <selector>', 'field selector (e.g. spec.nodeName=worker-2)')
      .option('--all', 'every object of the type in the namespace')
      .action(async (args: string[], opts: WaitOptions) => {
        await runWait(ctx, args, opts);
      });
  },
};
