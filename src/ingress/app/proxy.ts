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
 * (timeout). `proxy-read-timeout` and `proxy-send-timeout` are measured
 * between two reads or writes, `proxy-connect-timeout` per connect.
 */
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Location, Upstream } from '../types.js';
import type { Pick } from './balancers.js';
import { endpointKey } from './balancers.js';
import { clientResponseHead, upstreamRequestHead } from './headers.js';
import type { RequestContext, RequestEnv } from './request-context.js';
import { writeExactHead } from './request-context.js';
import type { ResponseHead } from './response-parser.js';
import type { RouteState } from './route-state.js';
import type { UpstreamConnection, UpstreamFailure } from './upstream-connection.js';
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

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Proxies `ctx`'s request as `plan` says; answers and logs it. */
export function proxy(ctx: RequestContext, env: ProxyEnv, plan: ProxyPlan): void {
  new ProxyExchange(ctx, env, plan).attempt();
}

class ProxyExchange {
  readonly #ctx: RequestContext;
  readonly #env: ProxyEnv;
  readonly #plan: ProxyPlan;
  readonly #exclude = new Set<string>();
  readonly #body: number | 'chunked' | undefined;
  readonly #maxTries: number;
  #conn: UpstreamConnection | undefined;
  #timer: TimerHandle | undefined;
  #bodyStarted = false;
  #bodyDoneAt = 0;
  #lastBodyAt = 0;
  #attemptStart = 0;
  #done = false;

  constructor(ctx: RequestContext, env: ProxyEnv, plan: ProxyPlan) {
    this.#ctx = ctx;
    this.#env = env;
    this.#plan = plan;
    this.#body = requestBody(ctx.req);
    const tries = plan.location.config.proxyNextUpstreamTries;
    this.#maxTries = tries === 0 ? plan.upstream.endpoints.length : tries;
    ctx.res.once('close', () => this.#clientClosed());
  }

  attempt(): void {
    const { location, upstream, normalisedHost } = this.#plan;
    const ctx = this.#ctx;
    const pickReq = pickRequest(ctx.req, location, ctx.tuple.srcIP, normalisedHost, ctx.scheme);
    const pick = this.#env.routes.balancer(upstream).pick(pickReq, this.#exclude);
    if (!pick) {
      this.#fail(this.#lastTimedOut() ? 504 : 502);
      return;
    }
    if (pick.setCookie) ctx.extraHeaders.push(['Set-Cookie', pick.setCookie]);
    this.#attemptStart = this.#env.now();
    const key = endpointKey(pick.endpoint);
    const idle = this.#env.pool.takeIdle(key);
    if (idle) {
      this.#start(idle, pick, true);
      return;
    }
    const https = location.config.backendProtocol === 'HTTPS';
    const timeoutMs = location.config.proxyConnectTimeout * 1000;
    this.#env.pool.open(pick.endpoint.address, pick.endpoint.port, timeoutMs, https).then(
      (conn) => (this.#done ? this.#env.pool.release(conn) : this.#start(conn, pick, false)),
      (err: { code?: string }) => this.#retryOrFail(key, err.code === 'ETIMEDOUT' ? 504 : 502, true),
    );
  }

  #start(conn: UpstreamConnection, pick: Pick, reused: boolean): void {
    if (this.#done) {
      this.#env.pool.release(conn);
      return;
    }
    this.#conn = conn;
    const ctx = this.#ctx;
    const req = ctx.req;
    const head = upstreamRequestHead({
      method: req.method ?? 'GET',
      target: this.#plan.target,
      rawHeaders: req.rawHeaders,
      host: this.#plan.location.config.upstreamVhost ?? this.#plan.host,
      upgrade: undefined,
      requestId: ctx.requestId,
      remoteAddr: ctx.tuple.srcIP,
      port: this.#plan.port,
      scheme: ctx.scheme,
      xForwardedPrefix: this.#plan.rewritten ? this.#plan.location.config.xForwardedPrefix : undefined,
      body: this.#body,
    });
    const key = endpointKey(pick.endpoint);
    let responseBytes = 0;
    let status = 0;
    conn.start(head, req.method === 'HEAD', {
      onHead: (h) => {
        status = h.status;
        this.#writeHead(h);
      },
      onBody: (chunk) => {
        responseBytes += chunk.length;
        this.#writeBody(conn, chunk);
      },
      onEnd: () => this.#complete(conn, key, status, responseBytes),
      onError: (f) => this.#upstreamError(f, key, reused, status, responseBytes),
    });
    if (this.#body === undefined) this.#bodyDoneAt = this.#env.now();
    else this.#pipeBody(conn);
    this.#arm(this.#plan.location.config.proxyReadTimeout * 1000);
  }

  #pipeBody(conn: UpstreamConnection): void {
    const req = this.#ctx.req;
    const chunked = this.#body === 'chunked';
    const limit = this.#plan.location.config.proxyBodySize;
    this.#bodyStarted = true;
    this.#lastBodyAt = this.#env.now();
    req.on('data', (chunk: Buffer) => {
      if (this.#done || conn.dead) return;
      this.#ctx.requestBodyBytes += chunk.length;
      this.#lastBodyAt = this.#env.now();
      if (limit > 0 && this.#ctx.requestBodyBytes > limit && !this.#ctx.res.headersSent) {
        conn.destroy();
        this.#fail(413);
        return;
      }
      const ok = chunked
        ? conn.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF]))
        : conn.write(chunk);
      if (!ok) {
        req.pause();
        conn.socket.once('drain', () => req.resume());
      }
    });
    req.once('end', () => {
      if (chunked && !conn.dead) conn.write('0\r\n\r\n');
      this.#bodyDoneAt = this.#env.now();
    });
  }

  #writeHead(h: ResponseHead): void {
    const ctx = this.#ctx;
    const res = ctx.res;
    const noBody = ctx.req.method === 'HEAD' || h.status === 204 || h.status === 304;
    const contentLength = h.contentLength;
    const http11 = ctx.req.httpVersion === '1.1';
    const chunked = !noBody && contentLength === undefined && http11;
    const keepAlive = res.shouldKeepAlive && (noBody || contentLength !== undefined || chunked);
    const head = clientResponseHead(
      h,
      { contentLength, chunked, keepAlive },
      this.#env.now(),
      ctx.extraHeaders,
    );
    writeExactHead(res, h.status, head, { contentLength, close: !keepAlive });
  }

  #writeBody(conn: UpstreamConnection, chunk: Buffer): void {
    this.#ctx.bodyBytesSent += chunk.length;
    if (!this.#ctx.res.write(chunk)) {
      conn.socket.pause();
      this.#ctx.res.once('drain', () => conn.socket.resume());
    }
  }

  #complete(conn: UpstreamConnection, key: string, status: number, bytes: number): void {
    this.#record(key, status, bytes);
    this.#done = true;
    this.#disarm();
    this.#env.routes
      .balancer(this.#plan.upstream)
      .observe(key, this.#env.now() - this.#attemptStart, this.#env.now());
    if (this.#bodyDoneAt === 0 && this.#bodyStarted) conn.destroy();
    else this.#env.pool.release(conn);
    this.#ctx.res.end();
    this.#ctx.finish(status);
  }

  #upstreamError(f: UpstreamFailure, key: string, reused: boolean, status: number, bytes: number): void {
    if (this.#done) return;
    const res = this.#ctx.res;
    if (res.headersSent) {
      this.#record(key, status, bytes);
      this.#done = true;
      this.#disarm();
      res.destroy();
      this.#ctx.finish(status);
      return;
    }
    const stale = f.kind === 'reset' && f.beforeResponse && reused;
    this.#retryOrFail(key, 502, stale || IDEMPOTENT.has(this.#ctx.req.method ?? 'GET'));
  }

  #retryOrFail(key: string, status: 502 | 504, retryable: boolean): void {
    if (this.#done) return;
    this.#disarm();
    this.#record(key, status, 0);
    this.#exclude.add(key);
    this.#conn = undefined;
    const tries = this.#ctx.attempts.length;
    if (retryable && !this.#bodyStarted && tries < this.#maxTries) this.attempt();
    else this.#fail(status);
  }

  #fail(status: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#disarm();
    this.#conn?.destroy();
    this.#ctx.respond(status, undefined, status === 413);
  }

  #record(addr: string, status: number, responseLength: number): void {
    const responseMs = this.#env.now() - this.#attemptStart;
    this.#ctx.attempts.push({ addr, status, responseLength, responseMs });
  }

  #lastTimedOut(): boolean {
    return this.#ctx.attempts.at(-1)?.status === 504;
  }

  #clientClosed(): void {
    if (this.#done || this.#ctx.res.writableFinished) return;
    this.#done = true;
    this.#disarm();
    this.#conn?.destroy();
    this.#ctx.finish(499);
  }

  #arm(ms: number): void {
    this.#disarm();
    this.#timer = this.#env.clock.setTimeout(() => this.#onTimer(), Math.max(1, ms));
  }

  #disarm(): void {
    if (this.#timer) this.#env.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** nginx timeouts are between two operations: re-arm for what is left, or fail. */
  #onTimer(): void {
    this.#timer = undefined;
    const conn = this.#conn;
    if (this.#done || !conn) return;
    const cfg = this.#plan.location.config;
    const now = this.#env.now();
    const sending = this.#bodyDoneAt === 0;
    const limit = (sending ? cfg.proxySendTimeout : cfg.proxyReadTimeout) * 1000;
    const since = sending ? this.#lastBodyAt : Math.max(conn.lastRead, this.#bodyDoneAt);
    if (now - since < limit) {
      this.#arm(limit - (now - since));
      return;
    }
    conn.destroy();
    if (sending && conn.socket.writableLength === 0) {
      this.#fail(408);
      return;
    }
    this.#upstreamTimeout(conn);
  }

  #upstreamTimeout(conn: UpstreamConnection): void {
    const key = conn.endpoint;
    if (this.#ctx.res.headersSent) {
      this.#record(key, 504, 0);
      this.#done = true;
      this.#ctx.res.destroy();
      this.#ctx.finish(504);
      return;
    }
    this.#retryOrFail(key, 504, IDEMPOTENT.has(this.#ctx.req.method ?? 'GET'));
  }
}

const CRLF = Buffer.from('\r\n');
