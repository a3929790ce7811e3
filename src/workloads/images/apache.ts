/**
 * Apache httpd 2.4 serving a document root, in the two builds images ship: the
 * `httpd` image's own (`Apache/2.4.63 (Unix)`, mpm_event, the `common` access
 * log) and Debian's apache2 package in the `php:*-apache` images
 * (`Apache/2.4.68 (Debian)`, mpm_prefork with mod_php, `ServerSignature On`,
 * mod_deflate's `Vary`, the `combined` log with `%O`, docker-php.conf's
 * `DirectoryIndex index.php index.html` and `Options -Indexes`). Header order
 * is Apache's (`Date`, `Server`, `Last-Modified`, `ETag`, `Accept-Ranges`,
 * `Content-Length`, `Vary`, `Keep-Alive`, `Connection`, `Content-Type`).
 *
 * netkube runs no PHP: a `*.php` file that exists is answered 500 with a log
 * line saying so; a missing one is mod_php's 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extrasOf } from '../app-extras.js';
import type { SeedFile } from '../exec/vfs.js';
import { clfTime, httpDate } from '../go/format.js';
import { acceptHttp, type HttpEndpoint, type HttpHostOptions, writeExactHead } from '../http/host.js';
import { goStatusText } from '../http/status-text.js';
import type { AppContext, PodConnection, VirtualTuple } from '../types.js';
import {
  type ApachePageOptions,
  apacheContentType,
  apacheErrorPage,
  apacheLogItem,
  apachePath,
  apacheTime,
} from './apache-pages.js';
import { SimulatedApp } from './base.js';

const HOST: HttpHostOptions = { keepAliveTimeoutMs: 5000, upgrades: false };
/** MaxKeepAliveRequests and KeepAliveTimeout (both builds' defaults). */
const MAX_KEEPALIVE = 100;
/** The children a prefork server starts with (StartServers 5), as pids in their error-log lines. */
const PREFORK_PIDS = [16, 17, 18, 19, 20];

/** One Apache build and configuration. */
export interface ApacheConfig {
  /** The Server header and signature banner (ServerTokens): `Apache/2.4.68 (Debian)`. */
  readonly banner: string;
  /** What the startup line names (banner plus modules' components: ` PHP/8.2.34`). */
  readonly description: string;
  /** The binary as its messages name it. */
  readonly binary: 'httpd' | 'apache2';
  readonly mpm: 'event' | 'prefork';
  readonly docroot: string;
  readonly directoryIndex: readonly string[];
  /**
   * `Options -Indexes`: a directory without an index is 403 with autoindex's
   * AH01276 line. Otherwise netkube answers 404 (it lists no directories).
   */
  readonly forbidIndexes: boolean;
  /** `ServerSignature On`: error pages end with the server's address line. */
  readonly signature: boolean;
  /** ServerAdmin, named on the 500 page. */
  readonly admin: string;
  /** `common` (`%b`) or Debian's `combined` with `%O` (bytes on the wire, headers included). */
  readonly accessLog: 'common' | 'combined';
  /** mod_deflate is on: compressible 200 answers say `Vary: Accept-Encoding`. */
  readonly deflate: boolean;
  /** The PHP version when mod_php handles `*.php`. */
  readonly php?: string;
  /** The signal the container runtime stops it with (the php image's STOPSIGNAL is SIGWINCH). */
  readonly stopSignal: 'SIGTERM' | 'SIGWINCH';
  /** The image's files, answered before the container's filesystem exists. */
  readonly seed: Readonly<Record<string, SeedFile>>;
}

interface Reply {
  readonly status: number;
  readonly body: Buffer;
  readonly type: string | undefined;
  readonly mtimeMs?: number;
  readonly location?: string;
}

type Entry =
  | { readonly kind: 'file'; readonly data: Buffer; readonly mtimeMs: number }
  | { readonly kind: 'dir' };

const COMPRESSIBLE = /^(text\/(html|plain|xml|css|javascript)|application\/(javascript|xml|wasm))/;

/** A running Apache. */
/**
 * The error log's process field: `log_tid` adds `:tid N` only under a threaded MPM
 * (event); prefork processes have no threads to name.
 */
function processTag(mpm: 'event' | 'prefork', pid: number): string {
  return mpm === 'prefork' ? `[pid ${pid}]` : `[pid ${pid}:tid ${pid}]`;
}

export class ApacheApp extends SimulatedApp implements HttpEndpoint {
  readonly #config: ApacheConfig;
  readonly #served = new WeakMap<object, number>();
  #children = 0;

  constructor(ctx: AppContext, config: ApacheConfig) {
    super(ctx, [{ port: 80, protocol: 'TCP' }]);
    this.#config = config;
    const t = apacheTime(ctx.clock.now());
    const fqdn = `AH00558: ${config.binary}: Could not reliably determine the server's fully qualified domain name, using ${ctx.pod.ip}. Set the 'ServerName' directive globally to suppress this message`;
    ctx.log(fqdn);
    ctx.log(fqdn);
    const [mpm, code] = config.mpm === 'event' ? ['mpm_event', 'AH00489'] : ['mpm_prefork', 'AH00163'];
    const p1 = processTag(config.mpm, 1);
    ctx.log(
      `[${t}] [${mpm}:notice] ${p1} ${code}: ${config.description} configured -- resuming normal operations`,
    );
    ctx.log(`[${t}] [core:notice] ${p1} AH00094: Command line: '${config.binary} -D FOREGROUND'`);
  }

  onBindFailure(): number {
    this.ctx.log('(98)Address already in use: AH00072: make_sock: could not bind to address [::]:80');
    this.ctx.log('(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:80');
    this.ctx.log('no listening sockets available, shutting down');
    this.ctx.log('AH00015: Unable to open logs');
    return 1;
  }

  protected serve(conn: PodConnection): void {
    acceptHttp(conn, this, 'apache', HOST, this.ctx);
  }

  protected override onTerminate(): void {
    const t = apacheTime(this.ctx.clock.now());
    const mpm = this.#config.mpm === 'event' ? 'mpm_event' : 'mpm_prefork';
    this.ctx.log(
      this.#config.stopSignal === 'SIGWINCH'
        ? `[${t}] [${mpm}:notice] ${processTag(this.#config.mpm, 1)} AH00170: caught SIGWINCH, shutting down gracefully`
        : `[${t}] [${mpm}:notice] ${processTag(this.#config.mpm, 1)} AH00491: caught SIGTERM, shutting down`,
    );
    this.exit(0);
  }

  badRequest(): string {
    const page = this.#page(400, { signature: this.#signature(undefined) });
    return `HTTP/1.1 400 Bad Request\r\nDate: ${httpDate(this.ctx.clock.now())}\r\nServer: ${this.#config.banner}\r\nContent-Length: ${page.length}\r\nConnection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n${page}`;
  }

  internalError(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.#send(req, res, tuple, this.#error(req, 500));
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.#send(req, res, tuple, this.#resolve(req, tuple));
  }

  #resolve(req: IncomingMessage, tuple: VirtualTuple): Reply {
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST', 'OPTIONS'].includes(method)) return this.#error(req, 405);
    const path = apachePath((req.url ?? '/').split('?')[0] ?? '/');
    if (typeof path === 'number') return this.#error(req, path);
    const { docroot, directoryIndex, php } = this.#config;
    if (path.endsWith('/')) {
      if (this.#lookup(`${docroot}${path}`.replace(/\/$/, ''))?.kind !== 'dir') return this.#error(req, 404);
      const index = directoryIndex.find((i) => this.#lookup(`${docroot}${path}${i}`)?.kind === 'file');
      if (index) return this.#file(req, `${path}${index}`);
      if (!this.#config.forbidIndexes) return this.#error(req, 404);
      this.#errorLog(
        tuple,
        'autoindex:error',
        `AH01276: Cannot serve directory ${docroot}${path}: No matching DirectoryIndex (${directoryIndex.join(',')}) found, and server-generated directory index forbidden by Options directive`,
      );
      return this.#error(req, 403);
    }
    if (this.#lookup(`${docroot}${path}`)?.kind === 'dir') {
      const host = req.headers.host ?? this.ctx.pod.ip;
      return this.#error(req, 301, `http://${host}${path}/`);
    }
    if (php && path.endsWith('.php') && this.#lookup(`${docroot}${path}`) === undefined) {
      this.#errorLog(tuple, 'php:error', `script '${docroot}${path}' not found or unable to stat`);
    }
    return this.#file(req, path);
  }

  #file(req: IncomingMessage, path: string): Reply {
    const full = `${this.#config.docroot}${path}`;
    const entry = this.#lookup(full);
    if (entry?.kind !== 'file') return this.#error(req, 404);
    if (this.#config.php && path.endsWith('.php')) {
      this.ctx.log(
        `netkube: ${full} would run on PHP ${this.#config.php}; netkube runs no PHP, so it answered 500 Internal Server Error`,
      );
      return this.#error(req, 500);
    }
    return { status: 200, body: entry.data, type: apacheContentType(path), mtimeMs: entry.mtimeMs };
  }

  /** A file or directory of the container, from its filesystem once it exists, else from the image. */
  #lookup(path: string): Entry | undefined {
    const fs = extrasOf(this.ctx)?.fsIfCreated();
    if (fs) {
      const st = fs.stat(path);
      if (st?.kind === 'dir') return { kind: 'dir' };
      const data = fs.read(path);
      return typeof data === 'string' ? undefined : { kind: 'file', data, mtimeMs: st?.mtimeMs ?? 0 };
    }
    const { seed, docroot } = this.#config;
    const file = seed[path];
    if (file && !path.endsWith('/'))
      return { kind: 'file', data: Buffer.from(file.content), mtimeMs: file.mtimeMs };
    const isDir = path === docroot || Object.keys(seed).some((k) => k.startsWith(`${path}/`));
    return isDir ? { kind: 'dir' } : undefined;
  }

  #signature(req: IncomingMessage | undefined): string | undefined {
    if (!this.#config.signature) return undefined;
    // UseCanonicalName Off: the name and port the client asked for, else the server's own.
    const host = req?.headers.host;
    const m = host ? /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host) : null;
    const name = m?.[1] || this.ctx.pod.ip;
    const port = m?.[2] ?? '80';
    return `${this.#config.banner} Server at ${name} Port ${port}`;
  }

  #page(status: number, options: ApachePageOptions): string {
    return apacheErrorPage(status, { admin: this.#config.admin, ...options });
  }

  #error(req: IncomingMessage, status: number, location?: string): Reply {
    const page = this.#page(status, {
      method: req.method ?? 'GET',
      signature: this.#signature(req),
      ...(location === undefined ? {} : { location }),
    });
    return {
      status,
      body: Buffer.from(page, 'latin1'),
      type: 'text/html; charset=iso-8859-1',
      ...(location === undefined ? {} : { location }),
    };
  }

  #errorLog(tuple: VirtualTuple, module: string, message: string): void {
    const pid = this.#config.mpm === 'prefork' ? (PREFORK_PIDS[this.#children++ % 5] ?? 16) : 1;
    this.ctx.log(
      `[${apacheTime(this.ctx.clock.now())}] [${module}] ${processTag(this.#config.mpm, pid)} [client ${tuple.srcIP}:${tuple.srcPort}] ${message}`,
    );
  }

  #send(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple, reply: Reply): void {
    const served = (this.#served.get(req.socket) ?? 0) + 1;
    this.#served.set(req.socket, served);
    const connection = (req.headers.connection ?? '').toLowerCase();
    const keepAliveAsked = connection.includes('keep-alive');
    const keepAlive =
      reply.status !== 400 &&
      served < MAX_KEEPALIVE &&
      (req.httpVersion === '1.1' ? !connection.includes('close') : keepAliveAsked);
    const lines = [
      `HTTP/1.1 ${reply.status} ${goStatusText(reply.status)}`,
      `Date: ${httpDate(this.ctx.clock.now())}`,
      `Server: ${this.#config.banner}`,
    ];
    if (reply.location !== undefined) lines.push(`Location: ${reply.location}`);
    if (reply.mtimeMs !== undefined) {
      lines.push(
        `Last-Modified: ${httpDate(reply.mtimeMs)}`,
        `ETag: "${reply.body.length.toString(16)}-${(reply.mtimeMs * 1000).toString(16)}"`,
        'Accept-Ranges: bytes',
      );
    }
    lines.push(`Content-Length: ${reply.body.length}`);
    if (this.#config.deflate && reply.status === 200 && COMPRESSIBLE.test(reply.type ?? ''))
      lines.push('Vary: Accept-Encoding');
    if (keepAlive && keepAliveAsked) {
      lines.push(`Keep-Alive: timeout=5, max=${MAX_KEEPALIVE - served}`, 'Connection: Keep-Alive');
    } else if (!keepAlive) lines.push('Connection: close');
    if (reply.type !== undefined) lines.push(`Content-Type: ${reply.type}`);
    const head = lines.join('\r\n');
    writeExactHead(res, reply.status, head, { contentLength: reply.body.length, close: !keepAlive });
    const headOnly = req.method === 'HEAD';
    res.end(headOnly ? undefined : reply.body);
    this.#access(req, tuple, reply.status, headOnly ? 0 : reply.body.length, head.length + 4);
  }

  #access(
    req: IncomingMessage,
    tuple: VirtualTuple,
    status: number,
    bodyBytes: number,
    headBytes: number,
  ): void {
    const line = `${tuple.srcIP} - - [${clfTime(this.ctx.clock.now())}] "${apacheLogItem(`${req.method} ${req.url} HTTP/${req.httpVersion}`)}" ${status}`;
    if (this.#config.accessLog === 'common') {
      this.ctx.log(`${line} ${bodyBytes === 0 ? '-' : bodyBytes}`);
      return;
    }
    const h = (name: string) => apacheLogItem(req.headers[name] as string | undefined);
    this.ctx.log(`${line} ${headBytes + bodyBytes} "${h('referer')}" "${h('user-agent')}"`);
  }
}
