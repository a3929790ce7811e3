/**
 * `netkube flows [-f] [--pod P] [--service S] [--verdict V] [--limit N]
 * [-o json|compact]`: the emulator's flow log (`GET /flows`, JSON lines whose
 * fields follow Hubble's flow JSON). `-o json` prints the records as they
 * come; the default compact form is one line per flow, in the spirit of
 * `hubble observe`.
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { parseInteger } from '../flags.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

interface FlowsOptions {
  readonly follow?: boolean;
  readonly pod?: string;
  readonly service?: string;
  readonly verdict?: string;
  readonly limit?: number;
  readonly output?: string;
}

type Json = Record<string, unknown>;

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) cur = (cur as Json | undefined)?.[key];
  return cur;
}

function endpoint(flow: Json, side: 'source' | 'destination'): string {
  const pod = get(flow, side, 'pod_name');
  const ns = get(flow, side, 'namespace');
  const ip = get(flow, 'IP', side) ?? get(flow, side, 'ip');
  const l4 = (get(flow, 'l4', 'TCP') ?? get(flow, 'l4', 'UDP')) as Json | undefined;
  const port = l4?.[`${side}_port`];
  const who = pod ? `${ns ? `${ns}/` : ''}${pod}` : String(ip ?? '?');
  return port !== undefined ? `${who}:${port}` : who;
}

/** One flow record as a compact line: `<time>: <src> -> <dst> <verdict> (<summary>)`. */
export function compactFlow(flow: Json): string {
  const time = String(flow.time ?? '');
  const verdict = String(flow.verdict ?? '');
  const http = get(flow, 'l7', 'http') as Json | undefined;
  const summary = http
    ? `${http.method ?? ''} ${http.url ?? ''}${http.code !== undefined ? ` ${http.code}` : ''}`.trim()
    : String(flow.Summary ?? flow.summary ?? '');
  return `${time}: ${endpoint(flow, 'source')} -> ${endpoint(flow, 'destination')} ${verdict}${summary ? ` (${summary})` : ''}\n`;
}

/** Runs `flows`. */
export async function runFlows(ctx: CliContext, opts: FlowsOptions): Promise<void> {
  const output = opts.output ?? 'compact';
  if (!['compact', 'json'].includes(output)) {
    throw new UserError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: json,compact`,
    );
  }
  const query = {
    watch: opts.follow ? '1' : undefined,
    pod: opts.pod,
    service: opts.service,
    verdict: opts.verdict,
    limit: opts.limit,
  };
  for await (const line of ctx.client().lines(extensionPath('/flows'), query, { signal: ctx.signal })) {
    if (output === 'json') {
      ctx.out(`${line}\n`);
      continue;
    }
    let flow: Json;
    try {
      flow = JSON.parse(line) as Json;
    } catch {
      ctx.out(`${line}\n`);
      continue;
    }
    ctx.out(compactFlow(flow));
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
      .option('--pod <name>', 'only flows from or to this pod')
      .option('--service <name>', 'only flows through this Service')
      .option('--verdict <verdict>', 'FORWARDED, DROPPED, REJECTED, …')
      .option('--limit <n>', 'at most this many of the most recent flows', parseInteger)
      .option('-o, --output <format>', 'compact (default) or json')
      .action(async (opts: FlowsOptions) => {
        await runFlows(ctx, opts);
      });
  },
};
