/**
 * `netkube flows [-f] [--pod P] [--service S] [--verdict V] [--namespace-filter N]
 * [--node N] [--protocol P] [--port N] [-t l7|trace|drop] [--http-status C]
 * [--http-method M] [--http-path RE] [--last N] [-o json|compact]`: the
 * emulator's flow log (`GET /flows`, JSON lines whose fields follow Hubble's
 * flow JSON): L3/L4 records of connections and L7 records of HTTP requests.
 * `-o json` prints the records as they come; the default compact form is one
 * line per flow, as `hubble observe -o compact` prints them (`compactFlow` in
 * trace/). Filters work as Hubble's: one per dimension, repeated values OR'd,
 * dimensions AND'd.
 */
import type { Command } from 'commander';
import { compactFlow } from '../../trace/flow-compact.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { parseInteger } from '../flags.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

interface FlowsOptions {
  readonly follow?: boolean;
  readonly pod?: string[];
  readonly service?: string[];
  readonly verdict?: string[];
  readonly namespaceFilter?: string[];
  readonly node?: string[];
  readonly protocol?: string[];
  readonly port?: string[];
  readonly type?: string[];
  readonly httpStatus?: string[];
  readonly httpMethod?: string[];
  readonly httpPath?: string[];
  readonly limit?: number;
  readonly last?: number;
  readonly output?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The query of `GET /flows` for the command line (repeated filters joined with commas). */
export function flowsQuery(opts: FlowsOptions): Record<string, string | number | undefined> {
  const join = (v: string[] | undefined) => (v?.length ? v.join(',') : undefined);
  return {
    watch: opts.follow ? '1' : undefined,
    pod: join(opts.pod),
    service: join(opts.service),
    verdict: join(opts.verdict?.map((v) => v.toUpperCase())),
    namespace: join(opts.namespaceFilter),
    node: join(opts.node),
    protocol: join(opts.protocol),
    port: join(opts.port),
    type: join(opts.type),
    http_status: join(opts.httpStatus),
    http_method: join(opts.httpMethod),
    // Regexes may hold commas: repeated ones travel as one alternation (any of them matches).
    http_path:
      opts.httpPath === undefined || opts.httpPath.length === 0
        ? undefined
        : opts.httpPath.length === 1
          ? opts.httpPath[0]
          : opts.httpPath.map((p) => `(?:${p})`).join('|'),
    limit: opts.last ?? opts.limit,
  };
}

/** Runs `flows`. */
export async function runFlows(ctx: CliContext, opts: FlowsOptions): Promise<void> {
  const output = opts.output ?? 'compact';
  if (!['compact', 'json'].includes(output)) {
    throw new UserError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: json,compact`,
    );
  }
  const timeZone = ctx.io.env.TZ || undefined;
  for await (const line of ctx
    .client()
    .lines(extensionPath('/flows'), flowsQuery(opts), { signal: ctx.signal })) {
    if (output === 'json') {
      ctx.out(`${line}\n`);
      continue;
    }
    let flow: Record<string, unknown>;
    try {
      flow = JSON.parse(line) as Record<string, unknown>;
    } catch {
      ctx.out(`${line}\n`);
      continue;
    }
    ctx.out(compactFlow(flow, timeZone ? { timeZone } : {}));
  }
}

/** `netkube flows`, for the registry in commands/index.ts. */
export const flowsCommand: CliCommand = {
  name: 'flows',
  register(program: Command, ctx: CliContext): void {
    program
      .command('flows')
      .description('List (or follow) the flows the dataplane and ingress carried')
      .option('-f, --follow', 'keep streaming new flows')
      .option('--pod <[namespace/]name>', 'flows from or to this pod (name prefix); repeatable', collect)
      .option('--service <[namespace/]name>', 'flows through this Service; repeatable', collect)
      .option('--verdict <verdict>', 'FORWARDED, DROPPED or ERROR; repeatable', collect)
      .option(
        '--namespace-filter <namespace>',
        'flows from or to pods in this namespace; repeatable',
        collect,
      )
      .option('--node <name>', 'flows translated on or crossing this node; repeatable', collect)
      .option('--protocol <protocol>', 'TCP or UDP; repeatable', collect)
      .option('--port <port>', 'a source, destination or Service port; repeatable', collect)
      .option(
        '-t, --type <type>',
        'l7 (HTTP requests), trace (connections delivered) or drop (connections dropped); repeatable',
        collect,
      )
      .option('--http-status <code>', 'HTTP status code: 404, or a prefix 4+ or 40+; repeatable', collect)
      .option('--http-method <method>', 'HTTP method (GET, POST…); repeatable', collect)
      .option('--http-path <regex>', 'a regular expression matching the URL path; repeatable', collect)
      .option('--last <n>', 'the most recent n flows (default 20; with -f, 0)', parseInteger)
      .option('--limit <n>', 'same as --last', parseInteger)
      .option('-o, --output <format>', 'compact (default) or json')
      .action(async (opts: FlowsOptions) => {
        await runFlows(ctx, opts);
      });
  },
};
