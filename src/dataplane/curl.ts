/**
 * `POST /curl`: a real HTTP request sent from inside the emulated cluster
 * (`netkube curl [--from pod/NAME|node/NAME] [--trace] URL`). From a pod or a
 * node it rides the virtual network (the pod's resolver, its node's kube-proxy
 * rules); from the host it is a real request to a real listener, exactly what a
 * curl on the laptop does. With `trace`, the hops the connection actually took
 * come back with the response.
 */
import { request as httpRequest } from 'node:http';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { badRequest, notFound } from '../api/errors.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { Dataplane } from './dataplane.js';
import type { Hop, Origin } from './path.js';

interface CurlBody {
  readonly from?: string;
  readonly url?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly trace?: boolean;
  readonly namespace?: string;
  /** How long the connection and the exchange may take (curl's --max-time), 1 ms–60 s; default 10 s. */
  readonly timeoutMs?: number;
  /** curl -k: accept any certificate (https). */
  readonly insecure?: boolean;
  /** curl --resolve `HOST:PORT:ADDRESS`: connect there for that host and port (from the host only). */
  readonly resolve?: readonly string[];
}

export interface CurlResult {
  readonly status: number;
  /** The status line as received (`HTTP/1.1 418 I'm a teapot`). */
  readonly statusLine: string;
  readonly headers: Record<string, string | string[]>;
  /** The headers as received: names in their own case, in order. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: string;
  readonly hops?: readonly Hop[];
}

function parseUrl(text: string | undefined): URL {
  try {
    const url = new URL(text ?? '');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https');
    return url;
  } catch {
    throw badRequest(`invalid url ${JSON.stringify(text)}: expected http[s]://HOST[:PORT]/PATH`);
  }
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** curl's words for the certificate errors Node reports (curl exits 60 on them). */
function certificateProblem(err: NodeJS.ErrnoException, host: string): string | undefined {
  switch (err.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'SSL certificate problem: self-signed certificate';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'SSL certificate problem: unable to get local issuer certificate';
    case 'CERT_HAS_EXPIRED':
      return 'SSL certificate problem: certificate has expired';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `SSL: no alternative certificate subject name matches target host name '${host}'`;
    default:
      return undefined;
  }
}

/**
 * For an https URL, the TLS session over `socket`: SNI is the URL's host name
 * (none for an IP, as curl), and the certificate is checked unless `insecure`.
 */
function secure(socket: Duplex, url: URL, insecure: boolean): Promise<Duplex> {
  if (url.protocol !== 'https:') return Promise.resolve(socket);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({
      socket,
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: !insecure,
      ALPNProtocols: ['http/1.1'],
    });
    tls.once('secureConnect', () => resolve(tls));
    tls.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      const problem = certificateProblem(err, host);
      reject(problem ? Object.assign(new Error(problem), { code: err.code }) : err);
    });
  });
}

/** The address `--resolve` gives for the URL's host and port, if any (`HOST:PORT:ADDRESS`). */
function resolvedAddress(url: URL, entries: readonly string[] | undefined): string | undefined {
  for (const e of entries ?? []) {
    const m = /^([^:]+):(\d+):(.+)$/.exec(e);
    if (!m) throw badRequest(`invalid resolve ${JSON.stringify(e)}: expected HOST:PORT:ADDRESS`);
    if (m[1]?.toLowerCase() === url.hostname.toLowerCase() && Number(m[2]) === portOf(url)) return m[3];
  }
  return undefined;
}

/** Sends one HTTP request over an already connected socket and collects the response. */
function exchange(
  socket: Duplex,
  url: URL,
  body: CurlBody,
  timeoutMs: number,
): Promise<Omit<CurlResult, 'hops'>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        method: body.method ?? 'GET',
        host: url.hostname,
        port: portOf(url),
        path: `${url.pathname}${url.search}`,
        headers: { 'User-Agent': 'curl/8.5.0', Accept: '*/*', ...(body.headers ?? {}) },
        createConnection: () => socket as Socket,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          socket.destroy();
          const raw: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            raw.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
          resolve({
            status: res.statusCode ?? 0,
            statusLine: `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd(),
            headers: res.headers as Record<string, string | string[]>,
            rawHeaders: raw,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(
        Object.assign(new Error(`Operation timed out after ${timeoutMs} milliseconds`), {
          code: 'ETIMEDOUT',
        }),
      ),
    );
    req.on('error', reject);
    req.end(body.body);
  });
}

/** The request's time limit: `timeoutMs` when it is a number from 1 ms to 60 s, else 10 s. */
function requestTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return 10_000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 1 && timeoutMs <= 60_000))
    throw badRequest(`invalid timeoutMs ${JSON.stringify(timeoutMs)}: expected milliseconds from 1 to 60000`);
  return Math.round(timeoutMs);
}

export interface CurlRouteConfig {
  readonly dataplane: Dataplane;
  /** A pod's address and node by name, when it has one. */
  readonly pod: (
    namespace: string,
    name: string,
  ) => { readonly ip: string; readonly node: string } | undefined;
}

/** The `/curl` extension route. */
export function curlRoute(config: CurlRouteConfig): ExtensionRoute {
  return {
    method: 'POST',
    path: '/curl',
    async handle(req) {
      const body = (req.body ?? {}) as CurlBody;
      const url = parseUrl(body.url);
      const from = body.from ?? 'host';
      const timeoutMs = requestTimeout(body.timeoutMs);
      const started = Date.now();
      try {
        const result =
          from === 'host'
            ? await fromHost(config.dataplane, url, body, timeoutMs)
            : await fromCluster(config, from, url, body, timeoutMs);
        return { kind: 'json', body: body.trace ? result : { ...result, hops: undefined } };
      } catch (err) {
        if ((err as { code?: string }).code === undefined) throw err;
        throw badRequest(`curl: ${curlWords(err as NodeJS.ErrnoException, url, Date.now() - started)}`);
      }
    },
  };
}

/**
 * A failed connect in curl 8's words (as the in-pod curl prints them); other
 * errors keep their own message.
 */
function curlWords(e: NodeJS.ErrnoException, url: URL, elapsedMs: number): string {
  if (e.message.startsWith('(')) return e.message;
  const target = `${url.hostname} port ${portOf(url)} after ${elapsedMs} ms`;
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `(6) Could not resolve host: ${url.hostname}`;
    case 'ECONNREFUSED':
      return `(7) Failed to connect to ${target}: Couldn't connect to server`;
    case 'ETIMEDOUT':
      return /connect/i.test(e.message)
        ? `(28) Failed to connect to ${target}: Timeout was reached`
        : e.message;
    default:
      return e.message;
  }
}

async function fromCluster(
  config: CurlRouteConfig,
  from: string,
  url: URL,
  body: CurlBody,
  timeoutMs: number,
): Promise<CurlResult> {
  const [kind, name = ''] = from.split('/') as [string, string?];
  const dp = config.dataplane;
  let origin: Exclude<Origin, { kind: 'host' }>;
  if (kind === 'pod') {
    const namespace = body.namespace ?? 'default';
    const pod = config.pod(namespace, name);
    if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
    origin = { kind: 'pod', namespace, name, ip: pod.ip, node: pod.node };
  } else if (kind === 'node') {
    const ip = dp.world.nodeAddress(name);
    if (!ip) throw notFound({ group: '', resource: 'nodes' }, name);
    origin = { kind: 'node', node: name, ip };
  } else {
    throw badRequest(`invalid from ${JSON.stringify(from)}: expected host, pod/NAME or node/NAME`);
  }
  const host = url.hostname;
  const ip =
    kind === 'pod'
      ? (
          await dp
            .podNetwork({ namespace: body.namespace ?? 'default', name, ip: origin.ip, node: origin.node })
            .resolve(host)
        )[0]
      : host;
  if (!ip) throw Object.assign(new Error(`Could not resolve host: ${host}`), { code: 'ENOTFOUND' });
  const { socket, plan } = await dp.executor.connect(
    origin,
    { ip, port: portOf(url) },
    { timeoutMs, hops: true },
  );
  const result = await exchange(await secure(socket, url, body.insecure === true), url, body, timeoutMs);
  return { ...result, hops: plan.hops };
}

/**
 * From the laptop: a real connection to a real listener. The client's local
 * port is chosen first so the dataplane can hand back the plan of exactly this
 * connection when it is accepted.
 */
async function fromHost(dp: Dataplane, url: URL, body: CurlBody, timeoutMs: number): Promise<CurlResult> {
  const ip = resolvedAddress(url, body.resolve) ?? url.hostname;
  if (dp.world.inPodSubnet(ip) || dp.world.inServiceSubnet(ip)) {
    throw Object.assign(
      new Error(
        `${ip} is a cluster address the laptop cannot reach: use --from pod/NAME or node/NAME, or the SOCKS gateway`,
      ),
      { code: 'EHOSTUNREACH' },
    );
  }
  if (isIP(ip) === 4 && !ip.startsWith('127.')) {
    throw Object.assign(
      new Error(
        `${ip} is not a loopback address, and netkube binds only loopback ones, so the laptop cannot reach it here: use --from pod/NAME or node/NAME, or the SOCKS gateway`,
      ),
      { code: 'EHOSTUNREACH' },
    );
  }
  const port = portOf(url);
  for (let attempt = 0; attempt < 8; attempt++) {
    const localPort = 40000 + Math.floor(Math.random() * 20000);
    const captured = body.trace ? dp.capturePlan('127.0.0.1', localPort) : undefined;
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = netConnect({ host: ip, port, localAddress: '127.0.0.1', localPort }, () => resolve(s));
        s.once('error', reject);
      });
      const result = await exchange(await secure(socket, url, body.insecure === true), url, body, timeoutMs);
      const plan = await captured?.plan;
      return plan ? { ...result, hops: plan.hops } : result;
    } catch (err) {
      captured?.cancel();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        // curl's own words (exit 6); cluster names resolve only inside the cluster.
        const hint = /\.cluster\.local\.?$|^[^.]+$|\.svc$/.test(ip)
          ? ': a cluster name, resolved only inside the cluster: use --from pod/NAME, or the SOCKS gateway'
          : '';
        throw Object.assign(new Error(`(6) Could not resolve host: ${ip}${hint}`), { code });
      }
      if (code !== 'EADDRINUSE') throw err;
    }
  }
  throw Object.assign(new Error('no free local port'), { code: 'EADDRINUSE' });
}
