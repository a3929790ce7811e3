/**
 * `netkube logs [-f] [-c C] [--tail N] [--previous] POD | TYPE/NAME`: the
 * Kubernetes pod log route, with kubectl's container defaulting (annotation
 * `kubectl.kubernetes.io/default-container`, else the first container, with
 * its `Defaulted container …` notice) and its pod choice for workloads
 * (`Found 2 pods, using pod/…`). `-f` streams until the pod's log ends or
 * the user interrupts.
 */
import type { Command } from 'commander';
import { isNotFound } from '../../api/errors.js';
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type { KubeObject, Pod } from '../../api/types.js';
import { parseGoDuration } from '../../util/duration.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { selectorString } from '../describe/writer.js';
import { checkSelector, parseInteger } from '../flags.js';
import { collectionPath, objectPath } from '../paths.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';

interface LogsOptions {
  readonly container?: string;
  readonly follow?: boolean;
  readonly tail?: number;
  readonly previous?: boolean;
  readonly timestamps?: boolean;
  readonly since?: string;
  readonly limitBytes?: number;
  readonly selector?: string;
  readonly prefix?: boolean;
  readonly maxLogRequests?: number;
}

const POD = () => resourceForKind('Pod') as ResourceInfo;

function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** kubectl's `ByLogging` order, reduced: scheduled, running, ready, then oldest. */
export function sortForLogging(pods: readonly Pod[]): Pod[] {
  const rank = (p: Pod) => [
    p.spec?.nodeName ? 0 : 1,
    p.status?.phase === 'Running'
      ? 0
      : p.status?.phase === 'Unknown'
        ? 1
        : p.status?.phase === 'Pending'
          ? 2
          : 3,
    isReady(p) ? 0 : 1,
    Date.parse(p.metadata?.creationTimestamp ?? '') || 0,
  ];
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
    return 0;
  });
}

/** The container to read: `-c`, the default-container annotation, or the first one (with kubectl's notices). */
export function chooseContainer(
  pod: Pod,
  requested: string | undefined,
  warn: (text: string) => void,
): string {
  const containers = pod.spec?.containers ?? [];
  const name = pod.metadata?.name ?? '';
  let chosen = requested;
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (!chosen && annotated) {
    if (containers.some((c) => c.name === annotated)) chosen = annotated;
    else warn(`Default container name "${annotated}" not found in pod ${name}\n`);
  }
  if (!chosen) {
    chosen = containers[0]?.name ?? '';
    if (containers.length > 1 || (pod.spec?.initContainers?.length ?? 0) > 0) {
      const all = [
        ...containers.map((c) => c.name),
        ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
      ].join(', ');
      warn(`Defaulted container "${chosen}" out of: ${all}\n`);
    }
  }
  const known = [...containers, ...(pod.spec?.initContainers ?? [])].some((c) => c.name === chosen);
  if (!known) throw new UserError(`container ${chosen} is not valid for pod ${name}`);
  return chosen;
}

async function resolvePod(ctx: CliContext, arg: string): Promise<Pod> {
  const client = ctx.client();
  const target = arg.includes('/') ? parseTargets([arg])[0] : { info: POD(), names: [arg] };
  const info = target?.info as ResourceInfo;
  const name = target?.names[0] ?? '';
  let obj: KubeObject & { spec?: { selector?: object } };
  try {
    obj = await client.json('GET', objectPath(info, ctx.namespace, name));
  } catch (err) {
    // kubectl logs words a missing object its own way.
    if (isNotFound(err) && err instanceof Error) {
      throw new UserError(`error from server (NotFound): ${err.message} in namespace "${ctx.namespace}"`);
    }
    throw err;
  }
  if (info.kind === 'Pod') return obj as Pod;
  const selector = selectorString(obj.spec?.selector as Parameters<typeof selectorString>[0]);
  if (!selector) throw new UserError(`cannot get the logs from ${info.kind}: selector is empty`);
  const body = await client.json<{ items?: Pod[] }>('GET', collectionPath(POD(), ctx.namespace), {
    query: { labelSelector: selector },
  });
  const pods = sortForLogging(body.items ?? []);
  const first = pods[0];
  if (!first) throw new UserError(`timed out waiting for the condition`);
  if (pods.length > 1) ctx.err(`Found ${pods.length} pods, using pod/${first.metadata?.name}\n`);
  return first;
}

/** Runs `logs`. */
export async function runLogs(ctx: CliContext, args: readonly string[], opts: LogsOptions): Promise<void> {
  const [podArg, inlineContainer] = args;
  if (podArg && opts.selector) {
    throw new UserError(
      "only a selector (-l) or a POD name is allowed\nSee 'netkube logs -h' for help and examples",
    );
  }
  if ((!podArg && !opts.selector) || args.length > 2) {
    throw new UserError(
      "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
    );
  }
  if (inlineContainer && opts.container)
    throw new UserError('only one of -c or an inline [CONTAINER] arg is allowed');
  if (opts.limitBytes !== undefined && opts.limitBytes <= 0)
    throw new UserError('--limit-bytes must be greater than 0');
  if (opts.tail !== undefined && opts.tail < -1)
    throw new UserError('--tail must be greater than or equal to -1');
  checkSelector(opts.selector);
  const sinceMs = opts.since ? parseGoDuration(opts.since) : undefined;
  if (opts.since && (sinceMs === undefined || sinceMs <= 0))
    throw new UserError('--since must be greater than 0');
  const query = {
    follow: opts.follow ? 'true' : undefined,
    tailLines: opts.tail !== undefined && opts.tail >= 0 ? opts.tail : undefined,
    previous: opts.previous ? 'true' : undefined,
    timestamps: opts.timestamps ? 'true' : undefined,
    sinceSeconds: sinceMs !== undefined ? Math.ceil(sinceMs / 1000) : undefined,
    limitBytes: opts.limitBytes,
  };
  const pods = podArg ? [await resolvePod(ctx, podArg)] : await podsBySelector(ctx, opts.selector ?? '');
  if (pods.length === 0) {
    ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
    return;
  }
  // kubectl shows the last 10 lines of each pod a selector finds, unless told otherwise.
  if (!podArg && opts.tail === undefined) query.tailLines = 10;
  const streams = pods.map((pod) => {
    const container = chooseContainer(pod, inlineContainer ?? opts.container, (t) => ctx.err(t));
    return { pod, container };
  });
  const max = opts.maxLogRequests ?? 5;
  if (opts.follow && streams.length > 1 && streams.length > max) {
    throw new UserError(
      `you are attempting to follow ${streams.length} log streams, but maximum allowed concurrency is ${max}, use --max-log-requests to increase the limit`,
    );
  }
  const read = (s: (typeof streams)[number]) =>
    streamLogs(ctx, s.pod, { ...query, container: s.container }, opts.prefix);
  if (opts.follow && streams.length > 1) await Promise.all(streams.map(read));
  else for (const s of streams) await read(s);
}

async function podsBySelector(ctx: CliContext, selector: string): Promise<Pod[]> {
  const body = await ctx.client().json<{ items?: Pod[] }>('GET', collectionPath(POD(), ctx.namespace), {
    query: { labelSelector: selector },
  });
  return body.items ?? [];
}

/** Copies one container's log to stdout, each line prefixed with `[pod/NAME/CONTAINER] ` when asked. */
async function streamLogs(
  ctx: CliContext,
  pod: Pod,
  query: Record<string, string | number | undefined>,
  prefix: boolean | undefined,
): Promise<void> {
  const path = objectPath(POD(), pod.metadata?.namespace ?? ctx.namespace, pod.metadata?.name ?? '', 'log');
  const client = ctx.client();
  const options = { accept: 'application/json, */*', signal: ctx.signal };
  if (!prefix) {
    for await (const chunk of client.chunks(path, query, options)) ctx.out(chunk);
    return;
  }
  const tag = `[pod/${pod.metadata?.name ?? ''}/${query.container}] `;
  for await (const line of client.lines(path, query, options)) ctx.out(`${tag}${line}\n`);
}

/** `netkube logs`, for the registry in commands/index.ts. */
export const logsCommand: CliCommand = {
  name: 'logs',
  register(program: Command, ctx: CliContext): void {
    program
      .command('logs')
      .description("Print the logs for a container in a pod (the simulated app's access log)")
      .argument('[pod]', 'POD or TYPE/NAME (deploy/web, rs/web-abc); or -l SELECTOR')
      .argument('[container]', 'the container (same as -c)')
      .option('-c, --container <name>', 'print the logs of this container')
      .option('-f, --follow', 'stream the logs')
      .option('--tail <lines>', 'lines of recent log to display (-1: all)', parseInteger)
      .option('-p, --previous', 'print the logs of the previous instance of the container')
      .option('--timestamps', 'include timestamps on each line')
      .option('--since <duration>', 'only logs newer than a relative duration like 5s, 2m, or 3h')
      .option('--limit-bytes <n>', 'maximum bytes of logs to return', parseInteger)
      .option('-l, --selector <selector>', 'the pods to read (the last 10 lines of each, unless --tail)')
      .option('--prefix', 'prefix each line with its source: [pod/NAME/CONTAINER]')
      .option('--max-log-requests <n>', 'how many pods -f -l may follow at once (default 5)', parseInteger)
      .action(async (pod: string | undefined, container: string | undefined, opts: LogsOptions) => {
        await runLogs(
          ctx,
          [pod, container].filter((a): a is string => a !== undefined),
          opts,
        );
      });
  },
};
