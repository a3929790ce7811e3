/**
 * Proxying one request to an upstream (reference §2): pick an endpoint with
 * the upstream's balancer, take a kept-alive connection or open one through
 * the pod network, send the head ingress-nginx would send and stream the body,
 * then relay the response with nginx's head.
 *
 * Failures follow `proxy-next-upstream: error timeout` with
 * `proxy-next-upstream-tries: 3`: a connect error or timeout, or a reused
 * keepalive connection that broke before answering, moves to the next
 * endpoint while no body byte was sent; otherwise 502 (error) or 504
 * (timeout). Timeouts are in proxy-timeouts.ts.
 *
 * The exchange object is its own `ExchangeHandlers` (no per-request closures:
 * this is the hot path of every proxied request).
 */
import type { Clock } from '../../util/clock.js';
import type { Location, Upstream } from '../types.js';
import { endpointKey, type Pick } from './balancers.js';
import { clientResponseHead, upstreamRequestHead } from './headers.js';
import { ExchangeTimer } from './proxy-timeouts.js';
import type { RequestContext, RequestEnv } from './request-context.js';
import type { ResponseHead } from './response-parser.js';
import type { RouteState } from './route-state.js';
import type { ExchangeHandlers, UpstreamConnection, UpstreamFailure } from './upstream-connection.js';
import type { UpstreamPool } from './upstream-pool.js';
import { pickRequest, requestBody } from './upstream-request.js';

export interface ProxyEnv extends RequestEnv {
  readonly routes: RouteState;
  readonly pool: UpstreamPool;
  readonly clock: Clock;
}

/** Where and how one request is proxied. */
export interface ProxyPlan {
  readonly location: Location;
  readonly upstream: Upstream;
  /** The request-target sent upstream. */
  readonly target: string;
  readonly rewritten: boolean;
  /** `$best_http_host`. */
  readonly host: string;
  readonly normalisedHost: string;
  /** The listener port, for `X-Forwarded-Port`. */
  readonly port: number;
}

/** Shared by every first attempt: most requests never fail over. */
const NONE_EXCLUDED: ReadonlySet<string> = new Set();
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const CRLF = Buffer.from('\r\n');

/**
 * Proxies `ctx`'s request as `plan` says; answers and logs it. Called in the
 * same turn as the request arrived: the first attempt starts at `ctx.startMs`.
 *
 * Clock readings: like nginx, which reads the time once per event-loop turn
 * (`ngx_time_update`), an exchange reads the clock once per event (request,
 * response bytes, response end) and uses that reading for everything done in it.
 */
export function proxy(ctx: RequestContext, env: ProxyEnv, plan: ProxyPlan): void {
  new ProxyExchange(ctx, env, plan).attempt(ctx.startMs);
}

class ProxyExchange implements ExchangeHandlers {
  readonly #ctx: RequestContext;
  readonly #env: ProxyEnv;
  readonly #plan: ProxyPlan;
  /** Endpoints that failed this request (nginx tries the next one). */
  #exclude: ReadonlySet<string> = NONE_EXCLUDED;
  readonly #body: number | 'chunked' | undefined;
  readonly #maxTries: number;
  readonly #timer: ExchangeTimer;
  #conn: UpstreamConnection | undefined;
  #key = '';
  #reused = false;
  #status = 0;
  #responseBytes = 0;
  #attemptStart = 0;
  #done = false;

  constructor(ctx: RequestContext, env: ProxyEnv, plan: ProxyPlan) {
    this.#ctx = ctx;
    this.#env = env;
    this.#plan = plan;
    this.#body = requestBody(ctx.req);
    const tries = plan.location.config.proxyNextUpstreamTries;
    this.#maxTries = tries === 0 ? plan.upstream.endpoints.length : tries;
    this.#timer = new ExchangeTimer(env.clock, plan.location.config, (kind) => this.#timedOut(kind));
    ctx.res.onceClose(() => this.#clientClosed());
  }

  attempt(now = this.#env.now()): void {
    const { location, upstream, normalisedHost } = this.#plan;
    const ctx = this.#ctx;
    const request = () => pickRequest(ctx.req, location, ctx.tuple.srcIP, normalisedHost, ctx.scheme);
    const pick = this.#env.routes.balancer(upstream).pick(request, this.#exclude);
    if (!pick) {
      this.#fail(ctx.attempts.at(-1)?.status === 504 ? 504 : 502);
      return;
    }
    if (pick.setCookie) ctx.extraHeaders.push(['Set-Cookie', pick.setCookie]);
    ctx.endpoint = pick.endpoint;
    this.#attemptStart = now;
    this.#key = endpointKey(pick.endpoint);
    const idle = this.#env.pool.takeIdle(
      this.#key,
      now,
      this.#plan.location.config.backendProtocol === 'HTTPS',
    );
    if (idle) {
      this.#start(idle, true, now);
      return;
    }
    this.#open(pick);
  }

  #open(pick: Pick): void {
    const cfg = this.#plan.location.config;
    const key = this.#key;
    this.#env.pool
      .open(
        pick.endpoint.address,
        pick.endpoint.port,
        cfg.proxyConnectTimeout * 1000,
        cfg.backendProtocol === 'HTTPS',
      )
      .then(
        (conn) => this.#start(conn, false, this.#env.now()),
        (err: { code?: string }) => this.#retryOrFail(key, err.code === 'ETIMEDOUT' ? 504 : 502, true),
      );
  }

  #start(conn: UpstreamConnection, reused: boolean, now: number): void {
    if (this.#done) {
      this.#env.pool.release(conn);
      return;
    }
    this.#conn = conn;
    this.#reused = reused;
    this.#status = 0;
    this.#responseBytes = 0;
    const ctx = this.#ctx;
    const req = ctx.req;
    const cfg = this.#plan.location.config;
    const head = upstreamRequestHead({
      method: req.method,
      target: this.#plan.target,
      rawHeaders: req.rawHeaders,
      host: cfg.upstreamVhost ?? this.#plan.host,
      upgrade: undefined,
      requestId: ctx.requestId,
      remoteAddr: ctx.tuple.srcIP,
      port: this.#plan.port,
      scheme: ctx.scheme,
      xForwardedPrefix: this.#plan.rewritten ? cfg.xForwardedPrefix : undefined,
      body: this.#body,
    });
    this.#timer.begin(conn, this.#body === undefined, now);
    conn.start(head, req.method === 'HEAD', this, now);
    if (this.#body !== undefined) this.#pipeBody(conn);
    // In-memory upstreams often answer inside start(): arm the timer only if still waiting.
    if (!this.#done && this.#conn === conn) this.#timer.arm();
  }

  #pipeBody(conn: UpstreamConnection): void {
    const req = this.#ctx.req;
    const chunked = this.#body === 'chunked';
    const limit = this.#plan.location.config.proxyBodySize;
    const onData = (chunk: Buffer) => {
      if (this.#done || conn.dead) return;
      this.#ctx.requestBodyBytes += chunk.length;
      this.#timer.bodyProgress();
      if (limit > 0 && this.#ctx.requestBodyBytes > limit && !this.#ctx.res.headersSent) {
        this.#fail(413);
        return;
      }
      const data = chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF])
        : chunk;
      if (!conn.write(data)) {
        req.pauseBody();
        conn.socket.once('drain', () => req.resumeBody());
      }
    };
    req.readBody(onData, () => {
      if (chunked && !conn.dead) conn.write('0\r\n\r\n');
      this.#timer.bodyDone();
    });
  }

  onHead(h: ResponseHead): void {
    this.#status = h.status;
    const ctx = this.#ctx;
    ctx.answer = 'upstream';
    const res = ctx.res;
    const noBody = ctx.req.method === 'HEAD' || h.status === 204 || h.status === 304;
    const contentLength = h.contentLength;
    const chunked = !noBody && contentLength === undefined && ctx.req.httpVersion === '1.1';
    const keepAlive = res.shouldKeepAlive && (noBody || contentLength !== undefined || chunked);
    // The head arrived in the read that set `lastRead`: that reading is now.
    const now = (this.#conn as UpstreamConnection).lastRead;
    const head = clientResponseHead(h, { contentLength, chunked, keepAlive }, now, ctx.extraHeaders);
    res.sendHead(h.status, head, { contentLength, close: !keepAlive });
  }

  onBody(chunk: Buffer): void {
    this.#responseBytes += chunk.length;
    this.#ctx.bodyBytesSent += chunk.length;
    const conn = this.#conn;
    if (!this.#ctx.res.write(chunk) && conn) {
      conn.socket.pause();
      this.#ctx.res.onceDrain(() => conn.socket.resume());
    }
  }

  onEnd(_leftover: Buffer, now: number): void {
    const conn = this.#conn as UpstreamConnection;
    this.#record(this.#key, this.#status, this.#responseBytes, now);
    this.#done = true;
    this.#timer.stop();
    this.#env.routes.balancer(this.#plan.upstream).observe(this.#key, now - this.#attemptStart, now);
    if (this.#timer.sending) conn.destroy();
    else this.#env.pool.release(conn);
    this.#ctx.res.end(undefined, now);
    this.#ctx.finish(this.#status, now);
  }

  onError(f: UpstreamFailure): void {
    if (this.#done) return;
    const res = this.#ctx.res;
    if (res.headersSent) {
      this.#abortResponse(this.#status);
      return;
    }
    const stale = f.kind === 'reset' && f.beforeResponse && this.#reused;
    this.#retryOrFail(this.#key, 502, stale || IDEMPOTENT.has(this.#ctx.req.method));
  }

  #timedOut(kind: 'client-body' | 'upstream'): void {
    const conn = this.#conn;
    if (this.#done || !conn) return;
    conn.destroy();
    if (kind === 'client-body') this.#bodyTimedOut();
    else if (this.#ctx.res.headersSent) this.#abortResponse(504);
    else this.#retryOrFail(conn.endpoint, 504, IDEMPOTENT.has(this.#ctx.req.method));
  }

  /**
   * `client_body_timeout`: nginx finalizes the request with
   * `NGX_HTTP_REQUEST_TIME_OUT`, which only terminates it: the connection
   * closes without a byte sent, and 408 appears in the access log alone.
   */
  #bodyTimedOut(): void {
    this.#done = true;
    this.#timer.stop();
    this.#ctx.answer = 'rejected';
    this.#ctx.res.destroy();
    this.#ctx.finish(408);
  }

  /** The response has begun: nothing can be answered any more, the client connection closes. */
  #abortResponse(status: number): void {
    this.#record(this.#key, status, this.#responseBytes);
    this.#done = true;
    this.#timer.stop();
    this.#ctx.res.destroy();
    this.#ctx.finish(this.#status || status);
  }

  #retryOrFail(key: string, status: 502 | 504, retryable: boolean): void {
    if (this.#done) return;
    this.#timer.stop();
    this.#record(key, status, 0);
    this.#exclude = new Set(this.#exclude).add(key);
    this.#conn = undefined;
    const bodyStarted = this.#body !== undefined && this.#ctx.requestBodyBytes > 0;
    if (retryable && !bodyStarted && this.#ctx.attempts.length < this.#maxTries) this.attempt();
    else this.#fail(status);
  }

  #fail(status: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#ctx.answer = status === 502 || status === 504 ? 'upstream-failed' : 'rejected';
    this.#timer.stop();
    this.#conn?.destroy();
    this.#ctx.respond(status, undefined, status === 413);
  }

  #record(addr: string, status: number, responseLength: number, now = this.#env.now()): void {
    const responseMs = now - this.#attemptStart;
    this.#ctx.attempts.push({ addr, status, responseLength, responseMs });
  }

  #clientClosed(): void {
    if (this.#done || this.#ctx.res.writableFinished) return;
    this.#done = true;
    this.#timer.stop();
    this.#conn?.destroy();
    this.#ctx.finish(499);
  }
}
