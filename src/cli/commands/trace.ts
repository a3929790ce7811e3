/**
 * `netkube trace --from SRC --to DST [--protocol P] [--via ingress] [--seed N]
 * [URL] [-o json|mermaid]`: asks the tracer (`POST /trace`) for every hop a
 * connection would take, before anything is sent.
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { parseInteger } from '../flags.js';
import { extensionPath } from '../paths.js';
import { toJson } from '../printers/json.js';
import type { CliCommand } from '../registry.js';

interface TraceOptions {
  readonly from?: string;
  readonly to?: string;
  readonly protocol?: string;
  readonly via?: string;
  readonly seed?: number;
  readonly output?: string;
}

/** The request body of `POST /trace` for the command line. */
export function traceRequest(url: string | undefined, opts: TraceOptions): Record<string, unknown> {
  if (!opts.to && !url) throw new UserError('a destination is required: --to DEST or a URL');
  if (opts.protocol && !['TCP', 'UDP'].includes(opts.protocol.toUpperCase())) {
    throw new UserError(`invalid --protocol "${opts.protocol}": TCP or UDP`);
  }
  if (opts.via && opts.via !== 'ingress') throw new UserError(`invalid --via "${opts.via}": only ingress`);
  return {
    from: opts.from ?? 'host',
    ...(opts.to ? { to: opts.to } : {}),
    ...(url ? { url } : {}),
    ...(opts.protocol ? { protocol: opts.protocol.toUpperCase() } : {}),
    ...(opts.via ? { via: opts.via } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
}

/**
 * Runs `trace`. The server renders: `-o json` prints the trace as JSON (the
 * schema in docs/tracing.md), text and mermaid print the tracer's own
 * renderings (`output` in the request body).
 */
export async function runTrace(ctx: CliContext, url: string | undefined, opts: TraceOptions): Promise<void> {
  const output = opts.output ?? 'text';
  if (!['text', 'json', 'mermaid'].includes(output)) {
    throw new UserError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: json,mermaid,text`,
    );
  }
  const body = {
    ...traceRequest(url, opts),
    ...(ctx.explicitNamespace ? { namespace: ctx.namespace } : {}),
    output,
  };
  if (output === 'json') {
    const trace = await ctx.client().json<Record<string, unknown>>('POST', extensionPath('/trace'), { body });
    ctx.out(toJson(trace));
    return;
  }
  const rendered = await ctx.client().text('POST', extensionPath('/trace'), { body });
  ctx.out(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
}

/** `netkube trace`, for the registry in commands/index.ts. */
export const traceCommand: CliCommand = {
  name: 'trace',
  register(program: Command, ctx: CliContext): void {
    program
      .command('trace')
      .description('Show every hop, rule and decision of a connection, before sending anything')
      .argument('[url]', 'an HTTP URL to trace (with --via ingress: through the ingress controller)')
      .option('--from <source>', 'host, node/NAME, pod/NAME or an IP', 'host')
      .option('--to <destination>', 'IP:PORT, svc/NAME:PORT, pod/NAME:PORT or a DNS name:PORT')
      .option('--protocol <protocol>', 'TCP or UDP')
      .option('--via <hop>', 'ingress: route the request through the ingress controller')
      .option('--seed <n>', 'make the endpoint choice reproducible', parseInteger)
      .option('-o, --output <format>', 'text (default), json or mermaid')
      .action(async (url: string | undefined, opts: TraceOptions) => {
        await runTrace(ctx, url, opts);
      });
  },
};
