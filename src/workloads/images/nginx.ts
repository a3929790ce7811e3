/**
 * The nginx image with its default configuration (docker-nginx's nginx.conf +
 * conf.d/default.conf): static files from /usr/share/nginx/html (the
 * container's filesystem, so `echo hi > /usr/share/nginx/html/index.html`
 * changes what it serves), `Server: nginx/<version of the tag>`, nginx's own
 * status lines, header order and error pages, conditional and range requests,
 * the `main` access log on stdout and error-log lines on stderr.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extrasOf } from '../app-extras.js';
import { clfTime, goLogTime, httpDate } from '../go/format.js';
import {
  acceptHttp,
  type BadRequestKind,
  type HttpEndpoint,
  type HttpHostOptions,
  writeExactHead,
} from '../http/host.js';
import type { AppContext, PodConnection, VirtualTuple } from '../types.js';
import { SimulatedApp } from './base.js';
import { escapeLog, etagOf, MIME, normaliseUri } from './nginx-files.js';
import { nginxStartupLog, nginxStopLog } from './nginx-log.js';
import {
  NGINX_STATUS,
  nginx50xHtml,
  nginxAtLeast,
  nginxErrorPage,
  nginxFilesTime,
  nginxIndexHtml,
} from './nginx-pages.js';

const HOST: HttpHostOptions = { keepAliveTimeoutMs: 65_000, upgrades: false };
const ROOT = '/usr/share/nginx/html';

interface Reply {
  readonly status: number;
  readonly body: Buffer;
  readonly type?: string;
  readonly file?: { readonly mtimeMs: number; readonly size: number };
  readonly location?: string;
  readonly range?: string;
  readonly close?: boolean;
}

/** A running nginx (master + one worker). */
export class NginxApp extends SimulatedApp implements HttpEndpoint {
  readonly #version: readonly number[];
  readonly #server: string;
  #connections = 0;

  constructor(ctx: AppContext, version: readonly number[], entrypoint: boolean) {
    super(ctx, [{ port: 80, protocol: 'TCP' }]);
    this.#version = version;
    this.#server = `nginx/${version.join('.')}`;
    for (const line of nginxStartupLog(version, entrypoint, ctx.clock.now())) ctx.log(line);
  }

  /** Log lines and exit code when port 80 is taken by a sibling container. */
  onBindFailure(): number {
    const t = goLogTime(this.ctx.clock.now());
    const addrs = nginxAtLeast(this.#version, [1, 19, 0]) ? ['0.0.0.0:80', '[::]:80'] : ['0.0.0.0:80'];
    for (let i = 0; i < 5; i++) {
      for (const a of addrs) {
        this.ctx.log(`${t} [emerg] 1#1: bind() to ${a} failed (98: Address already in use)`);
        this.ctx.log(`nginx: [emerg] bind() to ${a} failed (98: Address already in use)`);
      }
    }
    this.ctx.log(`${t} [emerg] 1#1: still could not bind()`);
    this.ctx.log('nginx: [emerg] still could not bind()');
    return 1;
  }

  protected serve(conn: PodConnection): void {
    this.#connections++;
    acceptHttp(conn, this, 'nginx', HOST, this.ctx);
  }

  protected override onTerminate(): void {
    for (const line of nginxStopLog(this.ctx.clock.now())) this.ctx.log(line);
    this.exit(0);
  }

  badRequest(_kind: BadRequestKind, tuple: VirtualTuple): string {
    const page = nginxErrorPage(400, this.#server, false);
    this.#access(tuple.srcIP, '-', 400, page.length, undefined);
    return `HTTP/1.1 400 Bad Request\r\nServer: ${this.#server}\r\nDate: ${httpDate(this.ctx.clock.now())}\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\nConnection: close\r\n\r\n${page}`;
  }

  internalError(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.#send(req, res, tuple, this.#errorReply(req, 500));
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.#send(req, res, tuple, this.#resolve(req, tuple));
  }

  #errorReply(req: IncomingMessage, status: number): Reply {
    const ua = req.headers['user-agent'] ?? '';
    const padding = /MSIE [4-9]|Chrome\//.test(ua);
    const close = [400, 413, 414, 500, 501].includes(status);
    return {
      status,
      body: Buffer.from(nginxErrorPage(status, this.#server, padding), 'latin1'),
      type: 'text/html',
      close,
    };
  }

  #readFile(path: string): { data: Buffer; mtimeMs: number } | 'dir' | undefined {
    const fs = extrasOf(this.ctx)?.fsIfCreated();
    if (fs) {
      const st = fs.stat(path);
      if (st?.kind === 'dir') return 'dir';
      const data = fs.read(path);
      return typeof data === 'string' ? undefined : { data, mtimeMs: st?.mtimeMs ?? 0 };
    }
    const mtimeMs = nginxFilesTime(this.#version);
    if (path === ROOT) return 'dir';
    if (path === `${ROOT}/index.html`) return { data: Buffer.from(nginxIndexHtml(this.#version)), mtimeMs };
    if (path === `${ROOT}/50x.html`) return { data: Buffer.from(nginx50xHtml(this.#version)), mtimeMs };
    return undefined;
  }

  #resolve(req: IncomingMessage, tuple: VirtualTuple): Reply {
    const method = req.method ?? 'GET';
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      this.#error(
        req,
        tuple,
        'client sent HTTP/1.1 request without "Host" header while reading client request headers',
      );
      return this.#errorReply(req, 400);
    }
    const uri = normaliseUri((req.url ?? '/').split('?')[0] ?? '/');
    if (uri === undefined) return this.#errorReply(req, 400);
    if (!['GET', 'HEAD', 'POST'].includes(method)) return this.#errorReply(req, 405);
    let path = uri;
    if (path.endsWith('/')) {
      const dir = this.#readFile(`${ROOT}${path.slice(0, -1)}`.replace(/\/$/, '') || ROOT);
      const index = ['index.html', 'index.htm'].find(
        (i) => typeof this.#readFile(`${ROOT}${path}${i}`) === 'object',
      );
      if (!index) {
        if (dir === 'dir') {
          this.#error(req, tuple, `directory index of "${ROOT}${path}" is forbidden`);
          return this.#errorReply(req, 403);
        }
        this.#error(req, tuple, `"${ROOT}${path}index.html" is not found (2: No such file or directory)`);
        return this.#errorReply(req, 404);
      }
      path = `${path}${index}`;
    }
    const file = this.#readFile(`${ROOT}${path}`);
    if (file === undefined) {
      this.#error(req, tuple, `open() "${ROOT}${path}" failed (2: No such file or directory)`);
      return this.#errorReply(req, 404);
    }
    if (file === 'dir') {
      const host = (req.headers.host ?? tuple.dstIP).replace(/:\d+$/, '');
      const body = Buffer.from(nginxErrorPage(301, this.#server, false), 'latin1');
      return { status: 301, body, type: 'text/html', location: `http://${host}${uri}/` };
    }
    if (method === 'POST') return this.#errorReply(req, 405);
    return this.#fileReply(req, path, file);
  }

  #fileReply(req: IncomingMessage, path: string, file: { data: Buffer; mtimeMs: number }): Reply {
    const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
    const type = MIME[ext] ?? 'application/octet-stream';
    const meta = { mtimeMs: file.mtimeMs, size: file.data.length };
    const etag = etagOf(meta);
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    if (
      (inm !== undefined && (inm === '*' || inm.split(',').some((t) => t.trim() === etag))) ||
      (inm === undefined && ims === httpDate(file.mtimeMs))
    ) {
      return { status: 304, body: Buffer.alloc(0), file: meta };
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] !== '' || range[2] !== '')) {
      const size = file.data.length;
      const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
      if (start >= size || start > end) {
        const r = this.#errorReply(req, 416);
        return { ...r, range: `bytes */${size}` };
      }
      return {
        status: 206,
        body: file.data.subarray(start, end + 1),
        type,
        file: meta,
        range: `bytes ${start}-${end}/${size}`,
      };
    }
    return { status: 200, body: file.data, type, file: meta };
  }

  #send(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple, reply: Reply): void {
    const http11 = req.httpVersion === '1.1';
    const connection = (req.headers.connection ?? '').toLowerCase();
    const keepalive =
      !reply.close && (http11 ? !connection.includes('close') : connection.includes('keep-alive'));
    const lines = [
      `HTTP/1.1 ${reply.status} ${NGINX_STATUS[reply.status] ?? ''}`,
      `Server: ${this.#server}`,
      `Date: ${httpDate(this.ctx.clock.now())}`,
    ];
    const hasBody = reply.status !== 304;
    if (reply.type && hasBody) lines.push(`Content-Type: ${reply.type}`);
    if (hasBody) lines.push(`Content-Length: ${reply.body.length}`);
    if (reply.file) lines.push(`Last-Modified: ${httpDate(reply.file.mtimeMs)}`);
    if (reply.location) lines.push(`Location: ${reply.location}`);
    lines.push(`Connection: ${keepalive ? 'keep-alive' : 'close'}`);
    if (reply.file) lines.push(`ETag: ${etagOf(reply.file)}`);
    if (reply.file && reply.status === 200) lines.push('Accept-Ranges: bytes');
    if (reply.range) lines.push(`Content-Range: ${reply.range}`);
    writeExactHead(res, reply.status, lines.join('\r\n'), {
      contentLength: hasBody ? reply.body.length : undefined,
      close: !keepalive,
    });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
    const sent = req.method === 'HEAD' || !hasBody ? 0 : reply.body.length;
    this.#access(tuple.srcIP, `${req.method} ${req.url} HTTP/${req.httpVersion}`, reply.status, sent, req);
  }

  #access(
    remote: string,
    requestLine: string,
    status: number,
    bytes: number,
    req: IncomingMessage | undefined,
  ): void {
    const h = (name: string) => escapeLog(req?.headers[name] as string | undefined);
    this.ctx.log(
      `${remote} - - [${clfTime(this.ctx.clock.now())}] "${escapeLog(requestLine)}" ${status} ${bytes} "${h('referer')}" "${h('user-agent')}" "${h('x-forwarded-for')}"`,
    );
  }

  #error(req: IncomingMessage, tuple: VirtualTuple, message: string): void {
    const host = req.headers.host === undefined ? '' : `, host: "${req.headers.host}"`;
    this.ctx.log(
      `${goLogTime(this.ctx.clock.now())} [error] 29#29: *${this.#connections} ${message}, client: ${tuple.srcIP}, server: localhost, request: "${req.method} ${req.url} HTTP/${req.httpVersion}"${host}`,
    );
  }
}
