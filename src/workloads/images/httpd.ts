/**
 * The httpd (Apache 2.4) image with its default configuration: `It works!`
 * from /usr/local/apache2/htdocs, Apache's header order (`Date`, `Server`,
 * `Last-Modified`, `ETag`, `Accept-Ranges`, `Content-Length`, `Content-Type`),
 * its error pages, the common access log on stdout and its startup notices.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extrasOf } from '../app-extras.js';
import type { ImageProfile } from '../catalogue.js';
import { DEBIAN_SLIM_TOOLS } from '../exec/toolset.js';
import { clfTime, httpDate } from '../go/format.js';
import { acceptHttp, type HttpEndpoint, type HttpHostOptions, writeExactHead } from '../http/host.js';
import { goStatusText } from '../http/status-text.js';
import { tagVersion } from '../image-ref.js';
import type { AppContext, PodConnection, VirtualTuple } from '../types.js';
import { SimulatedApp } from './base.js';
import { createShellApp } from './shell-app.js';

const HOST: HttpHostOptions = { keepAliveTimeoutMs: 5000, upgrades: false };
const DOCROOT = '/usr/local/apache2/htdocs';
/** The image's index.html and its mtime (Mon, 11 Jun 2007 18:53:14 GMT). */
const INDEX = '<html><body><h1>It works!</h1></body></html>\n';
const INDEX_MTIME = 1181587994000;

/** Apache's error document for `status`. */
export function apacheErrorPage(status: number, method: string): string {
  const text = goStatusText(status);
  const messages: Record<number, string> = {
    400: '<p>Your browser sent a request that this server could not understand.<br />\n</p>\n',
    403: "<p>You don't have permission to access this resource.</p>\n",
    404: '<p>The requested URL was not found on this server.</p>\n',
    405: `<p>The requested method ${method} is not allowed for this URL.</p>\n`,
    500:
      '<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n' +
      '<p>Please contact the server administrator at \n you@example.com to inform them of the time this error occurred,\n' +
      ' and the actions you performed just before this error.</p>\n<p>More information about this error may be available\nin the server error log.</p>\n',
  };
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${text}</title>\n</head><body>\n<h1>${text}</h1>\n${messages[status] ?? ''}</body></html>\n`;
}

/** Apache's error-log time: `Fri Jan 02 03:04:05.123000 2026`. */
function apacheTime(ms: number): string {
  const d = new Date(ms);
  const [day, mon] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11)];
  const date = String(d.getUTCDate()).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${day} ${mon} ${date} ${d.toISOString().slice(11, 19)}.${micros} ${d.getUTCFullYear()}`;
}

/** A running httpd. */
export class HttpdApp extends SimulatedApp implements HttpEndpoint {
  readonly #server: string;

  constructor(ctx: AppContext, version: string) {
    super(ctx, [{ port: 80, protocol: 'TCP' }]);
    this.#server = `Apache/${version} (Unix)`;
    const t = apacheTime(ctx.clock.now());
    const fqdn = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ctx.pod.ip}. Set the 'ServerName' directive globally to suppress this message`;
    ctx.log(fqdn);
    ctx.log(fqdn);
    ctx.log(
      `[${t}] [mpm_event:notice] [pid 1:tid 1] AH00489: ${this.#server} configured -- resuming normal operations`,
    );
    ctx.log(`[${t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'`);
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
    this.ctx.log(
      `[${apacheTime(this.ctx.clock.now())}] [mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down`,
    );
    this.exit(0);
  }

  badRequest(): string {
    const page = apacheErrorPage(400, 'GET');
    return `HTTP/1.1 400 Bad Request\r\nDate: ${httpDate(this.ctx.clock.now())}\r\nServer: ${this.#server}\r\nContent-Length: ${page.length}\r\nConnection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n${page}`;
  }

  internalError(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.#send(req, res, tuple, 500, Buffer.from(apacheErrorPage(500, req.method ?? 'GET')), undefined);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST', 'OPTIONS'].includes(method)) {
      this.#send(req, res, tuple, 405, Buffer.from(apacheErrorPage(405, method)), undefined);
      return;
    }
    let path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.endsWith('/')) path += 'index.html';
    const fs = extrasOf(this.ctx)?.fsIfCreated();
    let file: { data: Buffer; mtimeMs: number } | undefined;
    if (fs) {
      const data = fs.read(`${DOCROOT}${path}`);
      if (typeof data !== 'string') file = { data, mtimeMs: fs.stat(`${DOCROOT}${path}`)?.mtimeMs ?? 0 };
    } else if (path === '/index.html') file = { data: Buffer.from(INDEX), mtimeMs: INDEX_MTIME };
    if (!file) {
      this.#send(req, res, tuple, 404, Buffer.from(apacheErrorPage(404, method)), undefined);
      return;
    }
    this.#send(req, res, tuple, 200, file.data, file.mtimeMs);
  }

  #send(
    req: IncomingMessage,
    res: ServerResponse,
    tuple: VirtualTuple,
    status: number,
    body: Buffer,
    mtimeMs: number | undefined,
  ): void {
    const close =
      (req.headers.connection ?? '').toLowerCase().includes('close') ||
      req.httpVersion !== '1.1' ||
      status === 400;
    const lines = [
      `HTTP/1.1 ${status} ${goStatusText(status)}`,
      `Date: ${httpDate(this.ctx.clock.now())}`,
      `Server: ${this.#server}`,
    ];
    if (mtimeMs !== undefined) {
      lines.push(
        `Last-Modified: ${httpDate(mtimeMs)}`,
        `ETag: "${body.length.toString(16)}-${(mtimeMs * 1000).toString(16)}"`,
        'Accept-Ranges: bytes',
      );
    }
    lines.push(`Content-Length: ${body.length}`);
    if (close) lines.push('Connection: close');
    lines.push(
      mtimeMs !== undefined ? 'Content-Type: text/html' : 'Content-Type: text/html; charset=iso-8859-1',
    );
    writeExactHead(res, status, lines.join('\r\n'), { contentLength: body.length, close });
    res.end(req.method === 'HEAD' ? undefined : body);
    const sent = req.method === 'HEAD' ? '-' : String(body.length);
    this.ctx.log(
      `${tuple.srcIP} - - [${clfTime(this.ctx.clock.now())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${sent}`,
    );
  }
}

/** `httpd:2.4` (latest 2.4.63). */
export const HTTPD_PROFILE: ImageProfile = {
  family: 'httpd',
  matches: (ref) => ref.repository === 'library/httpd',
  entrypoint: [],
  cmd: ['httpd-foreground'],
  env: () => ({ HTTPD_PREFIX: '/usr/local/apache2' }),
  tools: DEBIAN_SLIM_TOOLS,
  programs: ['httpd-foreground', 'httpd', '/usr/local/apache2/bin/httpd'],
  files: () => ({ [`${DOCROOT}/index.html`]: { content: INDEX, mtimeMs: INDEX_MTIME } }),
  start: (ctx, argv, ref) => {
    if (argv[0] === 'httpd' && argv[1] === '-v')
      return { kind: 'start-failure', exitCode: 0, message: 'Server version: Apache/2.4.63 (Unix)' };
    const v = tagVersion(ref.tag);
    const version = v.length === 3 ? v.join('.') : '2.4.63';
    return argv[0] === 'httpd-foreground' || argv[0] === 'httpd' || argv[0]?.endsWith('/httpd')
      ? new HttpdApp(ctx, version)
      : createShellApp(ctx, argv);
  },
};
