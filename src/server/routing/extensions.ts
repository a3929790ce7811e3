/**
 * Routing of netkube's own API (`/apis/netkube.dev/v1alpha1/…`, see
 * `../extensions.ts` and docs/netkube-api.md). Routes are matched segment by
 * segment; `:name` segments become `params`. A path served for other methods
 * is a 405, an unknown path a 404.
 */

import type { Logger } from 'pino';
import { assertNever } from '../../util/index.js';
import type { ExtensionRequest, ExtensionResult, ExtensionRoute } from '../extensions.js';
import { decodeJson, readBody } from '../http/body.js';
import {
  methodNotAllowedError,
  notFoundPath,
  type RequestContext,
  sendJson,
  sendText,
} from '../http/respond.js';

interface Compiled {
  readonly route: ExtensionRoute;
  readonly segments: readonly string[];
}

export interface ExtensionMatch {
  readonly route: ExtensionRoute;
  readonly params: Readonly<Record<string, string>>;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** Matches requests against a fixed set of extension routes. */
export class ExtensionRouter {
  readonly #routes: readonly Compiled[];

  constructor(routes: readonly ExtensionRoute[]) {
    this.#routes = routes.map((route) => {
      if (!route.path.startsWith('/'))
        throw new Error(`Extension route path must start with "/": ${route.path}`);
      return { route, segments: split(route.path) };
    });
  }

  /** The route for `method` and the path below the prefix; throws 404/405 StatusErrors. */
  match(method: string, subpath: string): ExtensionMatch {
    const parts = split(subpath).map((p) => decodeURIComponent(p));
    let pathMatched = false;
    for (const { route, segments } of this.#routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    throw pathMatched ? methodNotAllowedError() : notFoundPath();
  }
}

function matchSegments(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const v = parts[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = v;
    else if (p !== v) return undefined;
  }
  return params;
}

async function bodyOf(ctx: RequestContext): Promise<unknown> {
  const buf = await readBody(ctx.req);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  return decodeJson(buf);
}

/** Runs a matched extension route and writes its result. Throws for the caller to render as a Status. */
export async function serveExtension(
  ctx: RequestContext,
  match: ExtensionMatch,
  logger: Logger,
): Promise<void> {
  const request: ExtensionRequest = {
    params: match.params,
    query: ctx.query,
    body: await bodyOf(ctx),
    raw: ctx.req,
    signal: ctx.signal,
  };
  let result: ExtensionResult;
  try {
    result = await match.route.handle(request, ctx.res);
  } catch (err) {
    if (ctx.res.headersSent) {
      logger.warn({ err, path: ctx.url.pathname }, 'extension stream failed');
      ctx.res.end();
      return;
    }
    throw err;
  }
  switch (result.kind) {
    case 'json':
      sendJson(ctx, result.status ?? 200, result.body);
      return;
    case 'text':
      sendText(ctx, result.status ?? 200, result.body);
      return;
    case 'stream':
      return;
    default:
      assertNever(result);
  }
}
