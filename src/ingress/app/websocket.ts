/**
 * WebSocket (and any `Upgrade:`) passthrough, as ingress-nginx's location does
 * with `proxy_set_header Upgrade $http_upgrade; Connection $connection_upgrade`:
 * the request is routed like any other, sent on a fresh upstream connection
 * with `Upgrade` and `Connection: upgrade`; a 101 is relayed and the two
 * sockets are then spliced until either side closes or no byte moves for
 * `proxy-read-timeout`. Any other answer is relayed and the connection closed.
 * The access log line is written when the tunnel closes, with status 101.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { VirtualTuple } from '../../workloads/types.js';
import { matchRequest } from '../match.js';
import type { Location, Upstream } from '../types.js';
import { formatAccessLog } from './access-log.js';
import { endpointKey } from './balancers.js';
import { clientResponseHead, generatedResponseHead, upstreamRequestHead } from './headers.js';
import { errorPage } from './pages.js';
import type { ProxyEnv } from './proxy.js';
import { randomRequestId } from './request-context.js';
import type { ResponseHead } from './response-parser.js';
import type { UpstreamConnection } from './upstream-connection.js';
import { pickRequest } from './upstream-request.js';

interface Tunnel {
  readonly env: ProxyEnv;
  readonly req: IncomingMessage;
  readonly client: Duplex;
  readonly tuple: VirtualTuple;
  readonly scheme: 'http' | 'https';
  readonly port: number;
  readonly start: number;
  readonly requestId: string;
  upstreamName: string;
  addr: string;
  status: number;
  sent: number;
}

/** `$request_length` of an upgrade: the request head nginx read (the tunnel's bytes are not counted). */
function headLength(req: IncomingMessage): number {
  let n = (req.method ?? 'GET').length + (req.url ?? '/').length + 14;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) n += (raw[i] as string).length + (raw[i + 1] as string).length + 4;
  return n;
}

function log(t: Tunnel, status: number): void {
  const now = t.env.now();
  t.env.log(
    formatAccessLog({
      remoteAddr: t.tuple.srcIP,
      timeMs: now,
      method: t.req.method ?? 'GET',
      target: t.req.url ?? '/',
      httpVersion: t.req.httpVersion,
      status,
      bodyBytesSent: t.sent,
      referer: t.req.headers.referer,
      userAgent: t.req.headers['user-agent'],
      requestLength: headLength(t.req),
      requestMs: now - t.start,
      upstreamName: t.upstreamName,
      alternativeName: '',
      attempts: t.addr ? [{ addr: t.addr, status, responseLength: t.sent, responseMs: now - t.start }] : [],
      requestId: t.requestId,
    }),
  );
}

function answer(t: Tunnel, status: number, location?: string, relativeLocation = false): void {
  const page = errorPage(status) ?? '';
  const extra: [string, string][] = location && !relativeLocation ? [['Location', location]] : [];
  const early = relativeLocation ? location : undefined;
  const head = generatedResponseHead(status, page.length, false, t.env.now(), extra, early);
  t.client.end(`${head}\r\n\r\n${page}`, 'latin1');
  t.sent = page.length;
  log(t, status);
}

function splice(t: Tunnel, upstream: Duplex, leftover: Buffer, clientHead: Buffer, timeoutMs: number): void {
  const { client, env } = t;
  if (leftover.length) client.write(leftover);
  if (clientHead.length) upstream.write(clientHead);
  let last = env.now();
  const touch = () => {
    last = env.now();
  };
  upstream.on('data', (c: Buffer) => {
    touch();
    t.sent += c.length;
  });
  client.on('data', touch);
  upstream.pipe(client);
  client.pipe(upstream);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    upstream.destroy();
    client.destroy();
    log(t, 101);
  };
  const check = () => {
    if (closed) return;
    const idle = env.now() - last;
    if (idle >= timeoutMs) close();
    else env.clock.setTimeout(check, timeoutMs - idle);
  };
  env.clock.setTimeout(check, timeoutMs);
  for (const s of [upstream, client]) {
    s.on('close', close);
    s.on('error', close);
    s.on('end', close);
  }
}

function relay(t: Tunnel, conn: UpstreamConnection, head: ResponseHead): void {
  const text = clientResponseHead(
    head,
    { contentLength: head.contentLength, chunked: false, keepAlive: false },
    t.env.now(),
    [],
  );
  t.client.write(`${text}\r\n\r\n`, 'latin1');
  t.status = head.status;
  if (head.status !== 101) conn.socket.once('close', () => t.client.end());
}

function connect(
  t: Tunnel,
  location: Location,
  upstream: Upstream,
  target: string,
  clientHead: Buffer,
): void {
  const { env, req } = t;
  const pick = env.routes
    .balancer(upstream)
    .pick(() => pickRequest(req, location, t.tuple.srcIP, '', t.scheme), new Set());
  if (!pick) {
    answer(t, 502);
    return;
  }
  t.addr = endpointKey(pick.endpoint);
  const cfg = location.config;
  env.pool
    .open(
      pick.endpoint.address,
      pick.endpoint.port,
      cfg.proxyConnectTimeout * 1000,
      cfg.backendProtocol === 'HTTPS',
    )
    .then(
      (conn) => {
        const host = cfg.upstreamVhost ?? req.headers.host ?? '';
        const head = upstreamRequestHead({
          method: req.method ?? 'GET',
          target,
          rawHeaders: req.rawHeaders,
          host,
          upgrade: req.headers.upgrade,
          requestId: t.requestId,
          remoteAddr: t.tuple.srcIP,
          port: t.port,
          scheme: t.scheme,
          xForwardedPrefix: undefined,
          body: undefined,
        });
        conn.start(head, false, {
          onHead: (h) => relay(t, conn, h),
          onBody: (c) => {
            t.sent += c.length;
            t.client.write(c);
          },
          onEnd: (leftover) => {
            if (t.status === 101) splice(t, conn.detach(), leftover, clientHead, cfg.proxyReadTimeout * 1000);
            else {
              t.client.end();
              conn.destroy();
              log(t, t.status);
            }
          },
          onError: () => (t.status ? t.client.destroy() : answer(t, 502)),
        });
      },
      (err: { code?: string }) => answer(t, err.code === 'ETIMEDOUT' ? 504 : 502),
    );
}

/** Handles an `Upgrade:` request that arrived on the controller's HTTP(S) port. */
export function handleUpgrade(
  env: ProxyEnv,
  req: IncomingMessage,
  client: Duplex,
  clientHead: Buffer,
  conn: { readonly tuple: VirtualTuple; readonly scheme: 'http' | 'https'; readonly port: number },
): void {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && given ? given : randomRequestId(env.random);
  const t: Tunnel = {
    env,
    req,
    client,
    ...conn,
    start: env.now(),
    requestId,
    upstreamName: '',
    addr: '',
    status: 0,
    sent: 0,
  };
  client.on('error', () => client.destroy());
  const d = matchRequest(
    env.routes.table,
    {
      host: req.headers.host,
      path: req.url ?? '/',
      scheme: conn.scheme,
      headers: req.headers,
      clientIP: conn.tuple.srcIP,
    },
    { random: env.random, explain: false },
  );
  const a = d.action;
  if (d.location?.backend.kind === 'upstream') t.upstreamName = d.location.backend.upstream;
  if (a.kind === 'proxy' && d.location) connect(t, d.location, a.upstream, a.target, clientHead);
  else if (a.kind === 'redirect') {
    if (a.reason === 'app-root' || a.reason === 'trailing-slash') t.upstreamName = '-';
    answer(t, a.status, a.location, a.reason === 'trailing-slash');
  } else if (a.kind === 'error' && a.status === 413) {
    t.upstreamName = '-';
    answer(t, a.status);
  } else if (a.kind === 'error') answer(t, a.status);
  else answer(t, 404);
}
