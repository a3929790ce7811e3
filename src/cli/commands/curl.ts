/**
 * `netkube curl [--from pod/NAME|node/NAME] [--trace] URL [-H …] [-X …] [-d …]`:
 * a real request sent by the dataplane from inside the emulated cluster
 * (`POST /curl`); prints the response body (with `-i`, the status line and
 * headers first) and, with `--trace`, the hops it took on stderr.
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect } from '../flags.js';
import { extensionPath } from '../paths.js';
import { toYaml } from '../printers/yaml.js';
import type { CliCommand } from '../registry.js';

interface CurlOptions {
  readonly from?: string;
  readonly trace?: boolean;
  readonly header?: string[];
  readonly request?: string;
  readonly data?: string;
  readonly include?: boolean;
}

interface CurlResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly body?: string;
  readonly hops?: unknown;
}

/** Parses `-H 'Name: value'` pairs as curl does. */
export function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UserError(`invalid header "${line}": expected "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Runs `curl`. */
export async function runCurl(ctx: CliContext, url: string, opts: CurlOptions): Promise<void> {
  const from = opts.from ?? 'host';
  if (from !== 'host' && !/^(pod|node)\/.+/.test(from)) {
    throw new UserError(`invalid --from "${from}": expected host, pod/NAME or node/NAME`);
  }
  const method = opts.request ?? (opts.data !== undefined ? 'POST' : 'GET');
  const res = await ctx.client().json<CurlResponse>('POST', extensionPath('/curl'), {
    body: {
      from,
      url,
      method,
      headers: parseHeaders(opts.header ?? []),
      ...(opts.data !== undefined ? { body: opts.data } : {}),
      trace: opts.trace === true,
      namespace: ctx.namespace,
    },
  });
  if (opts.include) {
    ctx.out(`HTTP/1.1 ${res.status}\n`);
    for (const [k, v] of Object.entries(res.headers ?? {})) {
      for (const value of Array.isArray(v) ? v : [v]) ctx.out(`${k}: ${value}\n`);
    }
    ctx.out('\n');
  }
  ctx.out(res.body ?? '');
  if (opts.trace && res.hops !== undefined) ctx.err(toYaml({ hops: res.hops }));
}

/** `netkube curl`, for the registry in commands/index.ts. */
export const curlCommand: CliCommand = {
  name: 'curl',
  register(program: Command, ctx: CliContext): void {
    program
      .command('curl')
      .description('Send an HTTP request from the host, a pod or a node of the emulated cluster')
      .argument('<url>', 'http://ADDRESS[:PORT]/PATH (pod IPs, ClusterIPs and cluster DNS names work)')
      .option('--from <source>', 'host, pod/NAME or node/NAME', 'host')
      .option('--trace', 'also print the hops the request took (stderr)')
      .option('-H, --header <header>', "an extra header, 'Name: value' (repeatable)", collect)
      .option('-X, --request <method>', 'the request method')
      .option('-d, --data <body>', 'the request body (implies POST)')
      .option('-i, --include', 'print the status line and headers before the body')
      .option('-s, --silent', 'accepted for curl compatibility (netkube curl prints no progress)')
      .action(async (url: string, opts: CurlOptions) => {
        await runCurl(ctx, url, opts);
      });
  },
};
