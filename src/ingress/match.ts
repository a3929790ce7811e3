/**
 * `matchRequest`: what the ingress controller does with one HTTP request, and
 * why. The L7 proxy app calls it for every request; `netkube trace … --via
 * ingress` calls it to explain. Steps, in nginx's phase order (reference §1, §3):
 *
 * 1. server by Host, or by the host of an absolute-form request-target, which
 *    nginx prefers to the header (an invalid one, or a malformed path → 400);
 * 2. `app-root` (302 for `/`), location selection (nginx's 301 trailing-slash
 *    redirect), `proxy-body-size` (413);
 * 3. `permanent-redirect`/`temporal-redirect`, then the HTTPS redirect (308);
 * 4. the upstream: controller default backend (404), no endpoints or no
 *    Service (503), allow/deny lists (403), canary choice, `rewrite-target`.
 *
 * Pure: the canary weight draw takes `options.random` (without one, weights
 * other than 0 and the total never pick the canary).
 */
import { type CanaryRequest, type CanaryVerdict, routeToCanary } from './canary.js';
import { certificateServer, normaliseHost, selectServer } from './hosts.js';
import type { MatchDecision, MatchInput, MatchOptions, RouteAction } from './match-types.js';
import { parseRequestTarget, rewriteTarget } from './paths.js';
import { clientAllowed, headerOf, parseCookies } from './request-info.js';
import { type LocationVerdict, selectLocation } from './select-location.js';

export type {
  ErrorReason,
  MatchDecision,
  MatchInput,
  MatchOptions,
  RedirectReason,
  RouteAction,
} from './match-types.js';

import type { Location, RouteTable, Server, Upstream } from './types.js';

function canaryRequest(input: MatchInput): CanaryRequest {
  const cookies = input.cookies ?? parseCookies(headerOf(input.headers, 'cookie'));
  return { header: (n) => headerOf(input.headers, n), cookie: (n) => cookies[n] };
}

interface Ctx {
  readonly table: RouteTable;
  readonly input: MatchInput;
  readonly options: MatchOptions;
  readonly explain: boolean;
  readonly steps: string[];
  /** `$request_uri`: `input.path`, or its origin-form part when it is absolute-form. */
  requestUri: string;
}

function httpsRedirect(ctx: Ctx, loc: Location, host: string): RouteAction | undefined {
  if ((ctx.input.scheme ?? 'http') !== 'http') return undefined;
  const forced = loc.config.forceSslRedirect;
  if (!forced && !(loc.config.sslRedirect && certificateServer(ctx.table, host))) return undefined;
  let uri = ctx.requestUri;
  if (!loc.config.preserveTrailingSlash && uri.endsWith('/')) uri = uri.slice(0, -1);
  const redirectHost = (ctx.input.host ?? '').split(':')[0] ?? '';
  if (ctx.explain)
    ctx.steps.push(
      forced
        ? 'force-ssl-redirect: redirect to HTTPS (308)'
        : `ssl-redirect: ${host} has a TLS certificate, redirect to HTTPS (308)`,
    );
  return {
    kind: 'redirect',
    status: 308,
    location: `https://${redirectHost}${uri}`,
    reason: forced ? 'force-ssl-redirect' : 'ssl-redirect',
  };
}

function proxyAction(
  ctx: Ctx,
  loc: Location,
  primary: Upstream,
  uri: string,
  query: string | undefined,
): RouteAction {
  let upstream = primary;
  let canary: CanaryVerdict | undefined;
  const alt = primary.alternative ? ctx.table.upstreams.get(primary.alternative) : undefined;
  if (alt) {
    canary = routeToCanary(primary, alt, canaryRequest(ctx.input), ctx.options.random?.float() ?? 0.999999);
    if (ctx.explain)
      ctx.steps.push(
        `canary ${alt.name}: ${canary.canary ? 'taken' : 'not taken'} (${canary.by}: ${canary.detail})`,
      );
    if (canary.canary) upstream = alt;
  }
  const target = loc.config.rewriteTarget;
  const rewritten =
    target !== undefined && target !== loc.path ? rewriteTarget(loc.path, target, uri, query) : undefined;
  if (rewritten !== undefined && ctx.explain)
    ctx.steps.push(`rewrite-target: ${ctx.input.path} → ${rewritten}`);
  if (ctx.explain) ctx.steps.push(`proxy to ${upstream.name} (${upstream.endpoints.length} endpoint(s))`);
  return {
    kind: 'proxy',
    upstream,
    primary,
    canary,
    target: rewritten ?? ctx.requestUri,
    rewritten: rewritten !== undefined,
  };
}

function backendAction(ctx: Ctx, loc: Location, uri: string, query: string | undefined): RouteAction {
  if (loc.backend.kind === 'default-backend') {
    if (ctx.explain) ctx.steps.push('backend: the controller default backend (404)');
    return { kind: 'default-backend' };
  }
  const up = ctx.table.upstreams.get(loc.backend.upstream);
  if (!up || up.problem) {
    const reason = up?.problem ?? 'service-missing';
    if (ctx.explain) ctx.steps.push(`upstream ${loc.backend.upstream}: ${reason} → 503`);
    return { kind: 'error', status: 503, reason };
  }
  if (!clientAllowed(loc, ctx.input.clientIP)) {
    if (ctx.explain) ctx.steps.push(`client ${ctx.input.clientIP} is not allowed by the source ranges → 403`);
    return { kind: 'error', status: 403, reason: 'forbidden' };
  }
  return proxyAction(ctx, loc, up, uri, query);
}

function locationAction(
  ctx: Ctx,
  loc: Location,
  host: string,
  uri: string,
  query: string | undefined,
): RouteAction {
  const size = ctx.input.contentLength;
  if (size !== undefined && loc.config.proxyBodySize > 0 && size > loc.config.proxyBodySize) {
    if (ctx.explain)
      ctx.steps.push(`Content-Length ${size} exceeds proxy-body-size ${loc.config.proxyBodySize} → 413`);
    return { kind: 'error', status: 413, reason: 'body-too-large' };
  }
  if (loc.config.denied !== undefined) {
    // nginx.tmpl: `# Location denied. Reason: …` then `return 503;` (rewrite phase).
    if (ctx.explain) ctx.steps.push(`location denied (${loc.config.denied}) → 503`);
    return { kind: 'error', status: 503, reason: 'location-denied' };
  }
  const redirect = loc.config.redirect;
  if (redirect) {
    const reason =
      redirect.code === 301 || redirect.code === 308 ? 'permanent-redirect' : 'temporal-redirect';
    if (ctx.explain) ctx.steps.push(`${reason}: ${redirect.code} ${redirect.url}`);
    return { kind: 'redirect', status: redirect.code, location: redirect.url, reason };
  }
  return httpsRedirect(ctx, loc, host) ?? backendAction(ctx, loc, uri, query);
}

function appRoot(ctx: Ctx, server: Server, uri: string): RouteAction | undefined {
  if (uri !== '/') return undefined;
  let root: string | undefined;
  for (const l of server.locations) {
    if (l.config.appRoot) {
      root = l.config.appRoot;
      break;
    }
  }
  if (!root) return undefined;
  if (ctx.explain) ctx.steps.push(`app-root: / redirects to ${root} (302)`);
  const scheme = ctx.input.scheme ?? 'http';
  return {
    kind: 'redirect',
    status: 302,
    location: `${scheme}://${ctx.input.host ?? ''}${root}`,
    reason: 'app-root',
  };
}

interface Found {
  readonly server: Server;
  readonly via: 'exact' | 'wildcard' | 'catch-all';
  readonly uri: string;
}

/** Builds the decision object (explicit fields: object spread is slow on this hot path). */
function decision(
  ctx: Ctx,
  normalised: string | undefined,
  found: Found | undefined,
  location: Location | undefined,
  considered: readonly LocationVerdict[],
  action: RouteAction,
): MatchDecision {
  return {
    host: { header: ctx.input.host, normalised },
    server: found?.server,
    serverVia: found?.via,
    uri: found?.uri,
    location,
    considered,
    action,
    steps: ctx.steps,
  };
}

function routeInServer(ctx: Ctx, host: string, found: Found, query: string | undefined): MatchDecision {
  const { server, uri } = found;
  const root = appRoot(ctx, server, uri);
  if (root) return decision(ctx, host, found, undefined, [], root);
  const sel = selectLocation(server, uri, ctx.table.mode, ctx.explain);
  if (sel.kind === 'none') {
    if (ctx.explain) ctx.steps.push('no location matches → the controller default backend (404)');
    return decision(ctx, host, found, undefined, sel.verdicts, { kind: 'default-backend' });
  }
  if (ctx.explain) {
    const won = sel.verdicts.find((v) => v.outcome === 'won');
    if (won) ctx.steps.push(won.reason);
  }
  if (sel.kind === 'trailing-slash') {
    const scheme = ctx.input.scheme ?? 'http';
    const q = query === undefined ? '' : `?${query}`;
    const location = `${scheme}://${host}${uri}/${q}`;
    const action: RouteAction = { kind: 'redirect', status: 301, location, reason: 'trailing-slash' };
    return decision(ctx, host, found, sel.location, sel.verdicts, action);
  }
  const action = locationAction(ctx, sel.location, host, uri, query);
  return decision(ctx, host, found, sel.location, sel.verdicts, action);
}

/** Decides what the controller does with `input`, and explains it. */
export function matchRequest(
  table: RouteTable,
  input: MatchInput,
  options: MatchOptions = {},
): MatchDecision {
  const ctx: Ctx = {
    table,
    input,
    options,
    explain: options.explain ?? true,
    steps: [],
    requestUri: input.path,
  };
  const h = normaliseHost(input.host);
  if (!h.valid) {
    if (ctx.explain) ctx.steps.push(`Host ${JSON.stringify(input.host)} is invalid → 400`);
    return decision(ctx, undefined, undefined, undefined, [], {
      kind: 'error',
      status: 400,
      reason: 'invalid-host',
    });
  }
  const target = parseRequestTarget(input.path);
  if (target.uri === undefined) {
    if (ctx.explain) ctx.steps.push(`path ${input.path} is not a valid absolute path → 400`);
    return decision(ctx, h.host, undefined, undefined, [], {
      kind: 'error',
      status: 400,
      reason: 'invalid-path',
    });
  }
  let host = h.host;
  if (target.authority !== undefined) {
    // nginx takes the request line's host over the Host header (ngx_http_process_request_line).
    const lh = normaliseHost(target.authority);
    if (!lh.valid) {
      if (ctx.explain)
        ctx.steps.push(`host ${JSON.stringify(target.authority)} in the request line is invalid → 400`);
      return decision(ctx, undefined, undefined, undefined, [], {
        kind: 'error',
        status: 400,
        reason: 'invalid-host',
      });
    }
    host = lh.host;
    ctx.requestUri = target.requestUri;
    if (ctx.explain) ctx.steps.push(`absolute-form request-target: the host ${host} selects the server`);
  }
  const { server, via } = selectServer(table, host);
  if (ctx.explain) ctx.steps.push(`host ${host || '(none)'} → server ${server.hostname} (${via})`);
  return routeInServer(ctx, host, { server, via, uri: target.uri }, target.query);
}
