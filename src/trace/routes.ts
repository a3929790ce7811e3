/**
 * The trace part's netkube API routes (under `/apis/netkube.dev/v1alpha1`):
 *
 * - `POST /trace` with `{ from, to, protocol?, via?, seed?, url?, namespace?,
 *   output? }`: the trace as JSON (schema in docs/tracing.md), or rendered as
 *   text or a Mermaid diagram with `output: "text" | "mermaid"`. A source or
 *   destination that does not exist is a 404 Status naming it and its close
 *   matches; anything else malformed is a 400.
 * - `GET /flows` with `limit`, `watch=1` and the Hubble-style filters
 *   (`pod`, `service`, `verdict`, `namespace`, `node`, `protocol`, `port`,
 *   `type`, `http_status`, `http_method`, `http_path`): newline-delimited
 *   JSON flow records (L3/L4 and L7), oldest first; with `watch=1` the
 *   response stays open and new records follow as they are recorded.
 */
import { StatusError } from '../api/errors.js';
import type { ExtensionRoute } from '../server/extensions.js';
import { type Random, systemRandom } from '../util/random.js';
import { parseFlowFilter } from './flow-filter.js';
import type { FlowLog } from './flow-log.js';
import type { TraceProblem, TraceRequest } from './model.js';
import { renderTraceMermaid } from './render-mermaid.js';
import { renderTraceText } from './render-text.js';
import { type TraceDeps, traceConnection } from './trace.js';

export interface TraceRouteConfig {
  /** The tracer's inputs, read per request (the world and catalog are live; `now` is the clock's). */
  readonly deps: () => TraceDeps;
  /** Picks the seed of a trace that names none. @default systemRandom */
  readonly random?: Random;
}

const OUTPUTS = ['json', 'text', 'mermaid'] as const;

function problemError(p: TraceProblem): StatusError {
  if (p.reason === 'NotFound')
    return new StatusError('NotFound', 404, p.message, {
      details: { ...(p.name ? { name: p.name } : {}), ...(p.resource ? { kind: p.resource } : {}) },
    });
  return new StatusError('BadRequest', 400, p.message);
}

/** Validates a `POST /trace` body; throws a 400 Status naming the bad field. */
export function parseTraceBody(body: unknown): TraceRequest & { output: (typeof OUTPUTS)[number] } {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
    throw new StatusError('BadRequest', 400, 'the body must be a JSON object');
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new StatusError('BadRequest', 400, `${k} must be a string`);
    return v;
  };
  const protocol = text('protocol')?.toUpperCase();
  if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'UDP')
    throw new StatusError('BadRequest', 400, `invalid protocol "${b.protocol}": TCP or UDP`);
  const via = text('via');
  if (via !== undefined && via !== 'ingress')
    throw new StatusError('BadRequest', 400, `invalid via "${via}": only ingress`);
  const seed = b.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0))
    throw new StatusError('BadRequest', 400, 'seed must be a non-negative integer');
  const output = text('output') ?? 'json';
  if (!(OUTPUTS as readonly string[]).includes(output))
    throw new StatusError('BadRequest', 400, `invalid output "${output}": json, text or mermaid`);
  return {
    from: text('from'),
    to: text('to'),
    url: text('url'),
    protocol: protocol as 'TCP' | 'UDP' | undefined,
    via: via as 'ingress' | undefined,
    seed: seed as number | undefined,
    namespace: text('namespace'),
    output: output as (typeof OUTPUTS)[number],
  };
}

/** `POST /trace`. */
export function traceRoutes(config: TraceRouteConfig): ExtensionRoute[] {
  const random = config.random ?? systemRandom;
  return [
    {
      method: 'POST',
      path: '/trace',
      async handle(req) {
        const { output, ...request } = parseTraceBody(req.body);
        const seed = request.seed ?? random.int(2 ** 31);
        const outcome = await traceConnection(config.deps(), { ...request, seed });
        if (!outcome.ok) throw problemError(outcome.problem);
        if (output === 'text') return { kind: 'text', body: renderTraceText(outcome.trace) };
        if (output === 'mermaid') return { kind: 'text', body: renderTraceMermaid(outcome.trace) };
        return { kind: 'json', body: outcome.trace };
      },
    },
  ];
}

/** `GET /flows`. */
export function flowRoutes(config: { readonly log: FlowLog }): ExtensionRoute[] {
  return [
    {
      method: 'GET',
      path: '/flows',
      handle(req, res) {
        const filter = parseFlowFilter(req.query);
        if (typeof filter === 'string') throw new StatusError('BadRequest', 400, filter);
        const watch = ['1', 'true'].includes(req.query.get('watch') ?? '');
        const limitText = req.query.get('limit');
        const limit = limitText === null ? (watch ? 0 : 20) : Number(limitText);
        if (!Number.isInteger(limit) || limit < 0)
          throw new StatusError('BadRequest', 400, `invalid limit "${limitText}": a non-negative integer`);
        const recent = config.log.list({ filter, limit });
        if (!watch) return { kind: 'text', body: recent.map((f) => `${JSON.stringify(f)}\n`).join('') };
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache' });
        res.flushHeaders();
        for (const f of recent) res.write(`${JSON.stringify(f)}\n`);
        const stop = config.log.watch((f) => res.write(`${JSON.stringify(f)}\n`), filter);
        const end = () => {
          stop();
          res.end();
        };
        if (req.signal.aborted) end();
        else req.signal.addEventListener('abort', end, { once: true });
        res.once('close', stop);
        return { kind: 'stream' };
      },
    },
  ];
}
