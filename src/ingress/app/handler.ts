/**
 * One parsed HTTP request through the controller: route it with
 * `matchRequest` on the current table, then proxy it, redirect it, or answer
 * nginx's own page, logging it in ingress-nginx's format.
 */
import type { VirtualTuple } from '../../workloads/types.js';
import { certificateServer, normaliseHost } from '../hosts.js';
import { type MatchDecision, type MatchInput, matchRequest } from '../match.js';
import type { IngressRef, Location } from '../types.js';
import type { ClientRequest, ClientResponse } from './client-exchange.js';
import { type ProxyEnv, proxy } from './proxy.js';
import { RequestContext } from './request-context.js';

/** nginx's `large_client_header_buffers 4 8k`: one line may not exceed 8k. */
const MAX_LINE = 8 * 1024;

/** The address nginx logs for its internal default backend (`upstream-default-backend`). */
export const DEFAULT_BACKEND_ADDR = '127.0.0.1:8181';
const DEFAULT_BACKEND_NAME = 'upstream-default-backend';

/** nginx's 4 buffers of 8k for the whole request head. */
const MAX_HEAD = 4 * MAX_LINE;

/** Whether a header name is `Host`, in any case (no lower-cased copy: this runs for every header). */
function isHost(name: string): boolean {
  return (
    name.length === 4 &&
    (name.charCodeAt(0) | 0x20) === 0x68 &&
    (name.charCodeAt(1) | 0x20) === 0x6f &&
    (name.charCodeAt(2) | 0x20) === 0x73 &&
    (name.charCodeAt(3) | 0x20) === 0x74
  );
}

/**
 * What nginx refuses while it reads the request line and the header lines
 * (`ngx_http_process_request_line`, `ngx_http_process_request_headers`), in
 * its order: 414 for a request line over 8k; 505 for an HTTP major version
 * above 1 (`HTTP/2.0` over HTTP/1 framing) and 400 for `HTTP/0.x`, which its
 * parser refuses; 494 (shown as 400 "Request Header Or Cookie Too Large") for
 * a header line over 8k or a head over 32k; 400 for a second `Host` header
 * ("client sent duplicate host header"). Node's own limit counts only names
 * and values, so nginx's is checked here on the raw sizes.
 */
function headError(req: ClientRequest): number | undefined {
  const line = req.method.length + req.url.length + 11;
  if (line > MAX_LINE) return 414;
  const version = req.httpVersion;
  if (version !== '1.1' && version !== '1.0') return Number.parseInt(version, 10) >= 2 ? 505 : 400;
  const raw = req.rawHeaders;
  let total = line;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const size = name.length + (raw[i + 1] as string).length + 4;
    if (size > MAX_LINE) return 494;
    if (isHost(name) && ++hosts > 1) return 400;
    total += size;
  }
  return total > MAX_HEAD ? 494 : undefined;
}

/**
 * What nginx refuses once the whole head is read (`ngx_http_process_request_header`),
 * before any location runs: a `Transfer-Encoding` on an HTTP/1.0 request
 * (400), one other than `chunked` (501 "client sent unknown
 * Transfer-Encoding"), and the `TRACE` method (405).
 */
function refusedRequest(req: ClientRequest): number | undefined {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) {
    if (req.httpVersion !== '1.1') return 400;
    if (te.length !== 7 || te.toLowerCase() !== 'chunked') return 501;
  }
  return req.method === 'TRACE' ? 405 : undefined;
}

function upstreamNameOf(loc: Location | undefined): string {
  if (!loc) return '';
  return loc.backend.kind === 'upstream' ? loc.backend.upstream : DEFAULT_BACKEND_NAME;
}

/** The Ingress a location came from (none for the controller's own default backend). */
function ingressOf(loc: Location | undefined): IngressRef | undefined {
  return loc && loc.origin.kind !== 'controller' ? loc.origin.ingress : undefined;
}

function decide(ctx: RequestContext, env: ProxyEnv): MatchDecision {
  const req = ctx.req;
  const headers = req.headers;
  const cl = headers['content-length'];
  // Two literals rather than a spread of an optional field: this runs for every request.
  const input: MatchInput =
    cl === undefined
      ? { host: headers.host, path: req.url, scheme: ctx.scheme, headers, clientIP: ctx.tuple.srcIP }
      : {
          host: headers.host,
          path: req.url,
          scheme: ctx.scheme,
          headers,
          clientIP: ctx.tuple.srcIP,
          contentLength: Number(cl),
        };
  return matchRequest(env.routes.table, input, { random: env.random, explain: false });
}

/**
 * `$proxy_upstream_name` of an answer given after the server's rewrite phase
 * (`set $proxy_upstream_name "-";` in every server block) but before the
 * location's own `set`: nginx's trailing-slash redirect, app-root's
 * server-level `if`, the 413 of `client_max_body_size` (find-config phase).
 */
const SERVER_LEVEL_NAME = '-';

function act(ctx: RequestContext, env: ProxyEnv, d: MatchDecision, port: number): void {
  const a = d.action;
  ctx.ingress = ingressOf(d.location);
  // The catch-all server's own `/` location has `access_log off`
  // (enable-access-log-for-default-backend: false): nothing answered there is logged.
  if (d.location?.origin.kind === 'controller') ctx.accessLog = false;
  switch (a.kind) {
    case 'proxy':
      // nginx reads the body to proxy it: `100 Continue` now, never before its own answers.
      ctx.res.continueBody();
      ctx.service = a.upstream.service;
      ctx.upstreamName = a.primary.name;
      if (a.canary?.canary) ctx.alternativeName = a.upstream.name;
      proxy(ctx, env, {
        location: d.location as Location,
        upstream: a.upstream,
        target: a.target,
        rewritten: a.rewritten,
        host: ctx.req.headers.host ?? d.host.normalised ?? '',
        normalisedHost: d.host.normalised ?? '',
        port,
      });
      return;
    case 'default-backend':
      // ingress-nginx proxies to its internal default backend, reading the body first.
      ctx.res.continueBody();
      ctx.upstreamName = DEFAULT_BACKEND_NAME;
      ctx.answer = 'default-backend';
      ctx.attempts.push({ addr: DEFAULT_BACKEND_ADDR, status: 404, responseLength: 146, responseMs: 0 });
      ctx.respond(404);
      return;
    case 'redirect':
      ctx.answer = 'redirect';
      ctx.upstreamName =
        a.reason === 'app-root' || a.reason === 'trailing-slash'
          ? SERVER_LEVEL_NAME
          : upstreamNameOf(d.location);
      // nginx's own redirect has a relative Location, made absolute by the header filter.
      ctx.respond(a.status, a.location, false, a.reason === 'trailing-slash');
      return;
    case 'error':
      if (a.status === 503 || a.status === 403) ctx.upstreamName = upstreamNameOf(d.location);
      else if (a.status === 413) ctx.upstreamName = SERVER_LEVEL_NAME;
      if (a.status === 503) {
        ctx.answer = 'no-endpoints';
        ctx.service = env.routes.table.upstreams.get(ctx.upstreamName)?.service;
      }
      ctx.respond(a.status);
      return;
    default:
      ctx.respond(500);
  }
}

/**
 * Handles one request that arrived on `port` (80 or 443) of the controller
 * pod over a connection with `tuple`. Always answers (or closes) and logs.
 */
export function handleRequest(
  env: ProxyEnv,
  req: ClientRequest,
  res: ClientResponse,
  tuple: VirtualTuple,
  scheme: 'http' | 'https',
  port: number,
): void {
  const ctx = new RequestContext(req, res, tuple, scheme, env);
  const headStatus = headError(req);
  if (headStatus) {
    ctx.respond(headStatus, undefined, true);
    return;
  }
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    ctx.respond(400, undefined, true);
    return;
  }
  const d = decide(ctx, env);
  // A malformed path or host (400) was found before; nginx refuses these before any location.
  const refused = d.action.kind === 'error' && d.action.status === 400 ? undefined : refusedRequest(req);
  if (refused) {
    ctx.respond(refused, undefined, true);
    return;
  }
  const host = d.host.normalised;
  if (scheme === 'https' && host !== undefined && certificateServer(env.routes.table, host)) {
    ctx.extraHeaders.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  }
  act(ctx, env, d, port);
}

/** Whether a Host header is acceptable to nginx (for the WebSocket path, which skips `handleRequest`). */
export function validHost(host: string | undefined): boolean {
  return normaliseHost(host).valid;
}
