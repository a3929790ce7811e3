/**
 * The shared suite's socket implementation: each case's cluster runs in an
 * `IngressHarness`, and requests are real HTTP (or HTTPS with SNI) over
 * loopback to the controller app, answered by echo pods.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EchoReport } from './echo-app.js';
import { IngressHarness } from './harness.js';
import { type CaseRequest, type IngressCaseTarget, type Observed, serviceLabel } from './run-cases.js';

/** A response as a test sees it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: readonly string[];
  readonly body: string;
  /** The echo pod's report, when a pod answered. */
  readonly echo: EchoReport | undefined;
}

export interface SendOptions {
  readonly host?: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly scheme?: 'http' | 'https';
  /** TLS SNI; the Host header's name by default. */
  readonly servername?: string;
}

/** Sends one request on a fresh connection to the harness. */
export function send(h: IngressHarness, o: SendOptions): Promise<RawResponse> {
  const https = o.scheme === 'https';
  const headers: Record<string, string> = { ...(o.host === undefined ? {} : { host: o.host }), ...o.headers };
  if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
  const servername = o.servername ?? o.host?.split(':')[0];
  const options = {
    host: '127.0.0.1',
    port: https ? h.httpsPort : h.httpPort,
    method: o.method ?? 'GET',
    path: o.path,
    headers,
    setHost: false,
    agent: false as const,
    ...(https
      ? { rejectUnauthorized: false, ...(servername && !/^[\d.]+$/.test(servername) ? { servername } : {}) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const echo = res.headers['x-pod'] ? (JSON.parse(body) as EchoReport) : undefined;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body,
          echo,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

function observe(res: RawResponse): Observed {
  const out: { status: number; service?: string; path?: string; location?: string } = { status: res.status };
  if (res.echo) {
    out.service = serviceLabel(res.echo.namespace, res.echo.service);
    out.path = res.echo.path;
  }
  if (typeof res.headers.location === 'string') out.location = res.headers.location;
  return out;
}

/**
 * The proxy app over real sockets; `leanFront: false` sends every request
 * through Node's `http.Server` instead of the lean front (both must agree).
 */
export function httpTarget(options: { readonly leanFront: boolean }): IngressCaseTarget {
  return {
    async start(world) {
      const h = await IngressHarness.start({
        snapshot: world.snapshot,
        pods: world.pods,
        limits: { leanFront: options.leanFront },
      });
      return {
        send: async (r: CaseRequest) =>
          observe(
            await send(h, {
              ...(r.host === undefined ? {} : { host: r.host }),
              path: r.path,
              ...(r.method ? { method: r.method } : {}),
              ...(r.headers ? { headers: r.headers } : {}),
              ...(r.body === undefined ? {} : { body: r.body }),
              ...(r.scheme ? { scheme: r.scheme } : {}),
            }),
          ),
        stop: () => h.close(),
      };
    },
  };
}

/** `runIngressCases(HTTP_TARGET, …)` checks the proxy app over real sockets (lean front on). */
export const HTTP_TARGET: IngressCaseTarget = httpTarget({ leanFront: true });
