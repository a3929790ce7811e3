/**
 * `netkube curl [--from pod/NAME|node/NAME] [--trace] [-m SECONDS] URL [-H …] [-X …] [-d …]`:
 * a real request sent by the dataplane from inside the emulated cluster
 * (`POST /curl`); prints the response body (with `-i`, the status line and
 * headers first) and, with `--trace`, the hops it took on stderr. With
 * `--count N [--interval D]` it sends the request N times in sequence and
 * prints a summary instead (curl-repeat.ts), exiting 1 when any failed.
 */
import type { Command } from 'commander';
import { StatusError } from '../../api/errors.js';
import { parseGoDuration } from '../../util/duration.js';
import { UsageError, UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { SilentExit } from '../errors.js';
import { collect } from '../flags.js';
import { extensionPath } from '../paths.js';
import { toYaml } from '../printers/yaml.js';
import type { CliCommand } from '../registry.js';
import { type CurlOutcome, formatCurlSummary, repeatCurl, summariseCurls } from './curl-repeat.js';

interface CurlOptions {
  readonly from?: string;
  readonly trace?: boolean;
  readonly header?: string[];
  readonly request?: string;
  readonly data?: string;
  readonly include?: boolean;
  readonly maxTime?: string;
  readonly insecure?: boolean;
  readonly resolve?: string[];
  readonly count?: string;
  readonly interval?: string;
}

interface CurlResponse {
  readonly status: number;
  readonly statusLine?: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly rawHeaders?: readonly (readonly [string, string])[];
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

/** curl's `-m SECONDS` (fractions allowed) in milliseconds, as the /curl route takes it. */
export function parseMaxTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 60)
    throw new UsageError(
      `invalid argument "${text}" for "--max-time" flag: seconds, more than 0 and at most 60`,
    );
  return Math.max(1, Math.round(seconds * 1000));
}

/** `--count` and `--interval`, checked: undefined count means one request printed as is. */
export function parseRepeat(
  opts: Pick<CurlOptions, 'count' | 'interval'>,
): { count: number; intervalMs: number } | undefined {
  if (opts.count === undefined) {
    if (opts.interval !== undefined) throw new UsageError('--interval needs --count');
    return undefined;
  }
  const count = Number(opts.count);
  if (!/^\d+$/.test(opts.count) || count < 1 || count > 10_000)
    throw new UsageError(
      `invalid argument "${opts.count}" for "--count" flag: a whole number from 1 to 10000`,
    );
  const intervalMs = opts.interval === undefined ? 0 : parseGoDuration(opts.interval);
  if (intervalMs === undefined || intervalMs < 0)
    throw new UsageError(
      `invalid argument "${opts.interval}" for "--interval" flag: a duration such as 200ms or 1s`,
    );
  return { count, intervalMs };
}

function requestBody(ctx: CliContext, url: string, opts: CurlOptions, from: string): Record<string, unknown> {
  const method = opts.request ?? (opts.data !== undefined ? 'POST' : 'GET');
  const timeoutMs = parseMaxTime(opts.maxTime);
  return {
    from,
    url,
    method,
    headers: parseHeaders(opts.header ?? []),
    ...(opts.data !== undefined ? { body: opts.data } : {}),
    trace: opts.trace === true,
    namespace: ctx.namespace,
    ...(opts.insecure ? { insecure: true } : {}),
    ...(opts.resolve?.length ? { resolve: opts.resolve } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** Runs `curl`. */
export async function runCurl(ctx: CliContext, url: string, opts: CurlOptions): Promise<void> {
  const from = opts.from ?? 'host';
  if (from !== 'host' && !/^(pod|node)\/.+/.test(from)) {
    throw new UserError(`invalid --from "${from}": expected host, pod/NAME or node/NAME`);
  }
  const repeat = parseRepeat(opts);
  const body = requestBody(ctx, url, opts, from);
  if (repeat) {
    if (opts.trace || opts.include)
      throw new UsageError('--count cannot be combined with --trace or --include');
    await runRepeated(ctx, body, repeat);
    return;
  }
  let res: CurlResponse;
  try {
    res = await ctx.client().json<CurlResponse>('POST', extensionPath('/curl'), { body });
  } catch (err) {
    const message = transportFailure(err);
    if (message === undefined) throw err;
    // As curl: its own line on stderr and its exit code, not an API error.
    const { code, text } = curlExit(message);
    ctx.err(`curl: ${text}\n`);
    throw new SilentExit(code);
  }
  if (opts.include) {
    // As curl -i: the status line and headers as the server sent them.
    ctx.out(`${res.statusLine ?? `HTTP/1.1 ${res.status}`}\n`);
    if (res.rawHeaders) for (const [k, v] of res.rawHeaders) ctx.out(`${k}: ${v}\n`);
    else
      for (const [k, v] of Object.entries(res.headers ?? {})) {
        for (const value of Array.isArray(v) ? v : [v]) ctx.out(`${k}: ${value}\n`);
      }
    ctx.out('\n');
  }
  ctx.out(res.body ?? '');
  if (opts.trace && res.hops !== undefined) ctx.err(toYaml({ hops: res.hops }));
}

/**
 * The request failed on the way (the /curl route answers 400 `curl: …` for a
 * refused, reset or timed-out connection): one failed request of a run. Any
 * other error (a bad URL, an unknown pod, no emulator) ends the run.
 */
function transportFailure(err: unknown): string | undefined {
  if (err instanceof StatusError && err.httpCode === 400 && err.message.startsWith('curl: '))
    return err.message.slice(6);
  return undefined;
}

/**
 * curl's exit code for a transport failure, and the message with it in curl's
 * `(N) …` form: the route's own code when it gives one, else 60 for a
 * certificate problem, 28 for a timeout and 7 (could not connect) otherwise.
 */
export function curlExit(message: string): { code: number; text: string } {
  const given = /^\((\d+)\) /.exec(message);
  if (given) return { code: Number(given[1]), text: message };
  const code = /SSL|certificate/i.test(message) ? 60 : /timed out|timeout/i.test(message) ? 28 : 7;
  return { code, text: `(${code}) ${message}` };
}

async function runRepeated(
  ctx: CliContext,
  body: Record<string, unknown>,
  repeat: { count: number; intervalMs: number },
): Promise<void> {
  const send = async (): Promise<CurlOutcome> => {
    try {
      const res = await ctx.client().json<CurlResponse>('POST', extensionPath('/curl'), { body });
      return { kind: 'response', status: res.status, body: res.body ?? '' };
    } catch (err) {
      const message = transportFailure(err);
      if (message === undefined) throw err;
      return { kind: 'error', message };
    }
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', done);
        resolve();
      }
      ctx.signal.addEventListener('abort', done, { once: true });
    });
  const outcomes = await repeatCurl({ ...repeat, send, sleep, signal: ctx.signal });
  const summary = summariseCurls(outcomes);
  ctx.out(formatCurlSummary(summary));
  if (summary.failed > 0) throw new SilentExit(1);
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
      .option('-k, --insecure', "https: accept any certificate (netkube's are self-signed)")
      .option(
        '--resolve <host:port:address>',
        'connect to ADDRESS for HOST:PORT, keeping the name for Host and SNI (repeatable; from the host)',
        collect,
      )
      .option('-s, --silent', 'accepted for curl compatibility (netkube curl prints no progress)')
      .option('-m, --max-time <seconds>', 'give up on a request after this many seconds (default 10)')
      .option(
        '--count <n>',
        'send the request n times, one after another, and print a summary (succeeded/failed, status codes, errors, first and last response) instead of the bodies; exit 1 when any failed (no response, or status >= 400)',
      )
      .option(
        '--interval <duration>',
        'with --count: wait this long between requests (200ms, 1s; default 0s)',
      )
      .action(async (url: string, opts: CurlOptions) => {
        await runCurl(ctx, url, opts);
      });
  },
};
