/**
 * traefik/whoami (app.go): `/` prints name, hostname, interface addresses,
 * `RemoteAddr` and the request as Go's `Request.Write` renders it; `/api` the same
 * as JSON; `/health` with a POST-settable status; `/bench`; `/data`; `/echo`
 * (WebSocket). Flags via Go's `flag` package; `--verbose` logs every request
 * twice, as the real binary does (the handler and the mux are both wrapped).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseGoDuration } from '../../util/duration.js';
import { type GoFlagDef, parseGoFlags } from '../go/flag.js';
import { clfTime, goJson, goLogTime, goQuote, sortedRecord } from '../go/format.js';
import { firstValue, type GoRequest, goParseQuery, goRequestWrite, readBody } from '../http/go-request.js';
import { type GoResponseWriter, goError } from '../http/go-response.js';
import { GO_MAX_HEADER_BYTES, type HttpHostOptions } from '../http/host.js';
import type { AppContext, AppStartFailure, VirtualTuple } from '../types.js';
import { startFailure } from './base.js';
import { GoHttpApp } from './go-http-app.js';
import {
  acceptWhoamiUpgrade,
  whoamiData,
  whoamiEchoWithoutUpgrade,
  whoamiHealth,
} from './whoami-handlers.js';

const PROGRAM = '/whoami';
const HOST: HttpHostOptions = { keepAliveTimeoutMs: 0, upgrades: true, maxHeaderBytes: GO_MAX_HEADER_BYTES };

function flagDefs(env: Readonly<Record<string, string>>): GoFlagDef[] {
  return [
    { name: 'verbose', kind: 'bool', usage: 'Enable verbose logging', defaultValue: 'false' },
    { name: 'cert', kind: 'string', usage: 'give me a certificate', defaultValue: '' },
    { name: 'key', kind: 'string', usage: 'give me a key', defaultValue: '' },
    { name: 'cacert', kind: 'string', usage: 'give me a CA chain, enforces mutual TLS', defaultValue: '' },
    {
      name: 'port',
      kind: 'string',
      usage: 'give me a port number',
      defaultValue: env.WHOAMI_PORT_NUMBER || '80',
    },
    { name: 'name', kind: 'string', usage: 'give me a name', defaultValue: env.WHOAMI_NAME ?? '' },
  ];
}

/** The interface addresses whoami lists: loopback, then the pod's eth0. */
export function podInterfaceAddresses(podIP: string): string[] {
  return ['127.0.0.1', '::1', podIP];
}

/** Starts traefik/whoami with `argv` (the arguments after `/whoami`). */
export function createWhoami(ctx: AppContext, argv: readonly string[]): WhoamiApp | AppStartFailure {
  const parsed = parseGoFlags(PROGRAM, flagDefs(ctx.container.env), argv);
  if (!parsed.ok) return startFailure(parsed.exitCode, parsed.output.replace(/\n$/, ''));
  const port = String(parsed.values.port);
  const name = String(parsed.values.name);
  const verbose = parsed.values.verbose === true;
  const tls = parsed.values.cert !== '' && parsed.values.key !== '';
  const app = new WhoamiApp(ctx, { port, name, verbose, tls });
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    const t = goLogTime(ctx.clock.now());
    return startFailure(
      1,
      `${t} Starting up on port ${port}\n${t} listen tcp: address tcp/${port}: unknown port`,
    );
  }
  app.logf(tls ? `Starting up with TLS on port ${port}` : `Starting up on port ${port}`);
  return app;
}

interface WhoamiOptions {
  readonly port: string;
  readonly name: string;
  readonly verbose: boolean;
  readonly tls: boolean;
}

/** A running whoami process. */
export class WhoamiApp extends GoHttpApp {
  readonly #options: WhoamiOptions;
  /** `/health` status, changed by POST. */
  healthStatus = 200;

  constructor(ctx: AppContext, options: WhoamiOptions) {
    super(ctx, /^\d+$/.test(options.port) ? [{ port: Number(options.port), protocol: 'TCP' }] : []);
    this.#options = options;
  }

  protected override get host(): { readonly name: string; readonly options: HttpHostOptions } {
    return { name: 'go-upgrade', options: HOST };
  }

  override logf(text: string): void {
    super.logf(text);
  }

  /** The `log` package's time prefix now. */
  stamp(): string {
    return goLogTime(this.ctx.clock.now());
  }

  /** The `--verbose` access line (`handle()` in app.go). */
  accessLog(r: GoRequest): void {
    if (!this.#options.verbose) return;
    this.logf(
      `${r.remoteAddr} - - [${clfTime(this.ctx.clock.now())}] "${r.method} ${r.path} ${r.proto}" - -`,
    );
  }

  /** `fmt.Printf` to stdout (no log prefix). */
  print(line: string): void {
    this.ctx.log(line);
  }

  protected async route(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    // Every registered route is wrapped by handle() and so is the mux: two lines.
    // The gRPC service is registered unwrapped: one line.
    const twice = !r.path.startsWith('/whoami.Whoami/');
    try {
      await this.#dispatch(w, r, raw);
    } finally {
      if (twice) this.accessLog(r);
      this.accessLog(r);
    }
  }

  async #dispatch(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    switch (r.path) {
      case '/data':
        return whoamiData(w, r, this.ctx.clock.now());
      case '/echo':
        return whoamiEchoWithoutUpgrade(this, w, r);
      case '/bench':
        w.set('Connection', 'keep-alive');
        w.set('Content-Type', 'text/plain');
        w.write('1');
        return;
      case '/api':
        return this.#api(w, r, raw);
      case '/health':
        return whoamiHealth(this, w, r, await readBody(raw));
      default:
        if (r.path.startsWith('/whoami.Whoami/')) {
          goError(w, 'gRPC requires HTTP/2', 400);
          return;
        }
        return this.#whoami(w, r, raw);
    }
  }

  async #whoami(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    const query = goParseQuery(r.rawQuery);
    const wait = firstValue(query, 'wait');
    const waitMs = wait === '' ? undefined : parseGoDuration(wait);
    const body = await readBody(raw);
    if (waitMs !== undefined && waitMs > 0) await this.sleep(waitMs);
    if (this.#options.name !== '') w.write(`Name: ${this.#options.name}\n`);
    w.write(`Hostname: ${this.ctx.pod.hostname}\n`);
    for (const ip of podInterfaceAddresses(this.ctx.pod.ip)) w.write(`IP: ${ip}\n`);
    w.write(`RemoteAddr: ${r.remoteAddr}\n`);
    w.write(goRequestWrite(r, body));
    if (parseBool(firstValue(query, 'env'))) {
      for (const [k, v] of Object.entries(this.ctx.container.env)) w.write(`${k}=${v}\n`);
    }
  }

  async #api(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    await readBody(raw);
    const env = parseBool(firstValue(goParseQuery(r.rawQuery), 'env'));
    const data: Record<string, unknown> = {
      hostname: this.ctx.pod.hostname,
      ip: podInterfaceAddresses(this.ctx.pod.ip),
    };
    if (r.header.size > 0) data.headers = sortedRecord(r.header);
    const q = r.requestURI.indexOf('?');
    data.url = r.rawQuery === '' ? r.requestURI.slice(0, q < 0 ? undefined : q) || '/' : r.requestURI;
    if (r.host !== '') data.host = r.host;
    data.method = r.method;
    if (this.#options.name !== '') data.name = this.#options.name;
    data.remoteAddr = r.remoteAddr;
    if (env) data.environ = sortedRecord(Object.entries(this.ctx.container.env));
    w.set('Content-Type', 'application/json');
    w.write(`${goJson(data)}\n`);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, tuple: VirtualTuple): void {
    acceptWhoamiUpgrade(this, req, socket, head, tuple);
  }

  /** Error text of a `/health` POST body that is not a JSON integer. */
  static jsonIntError(body: string): string {
    return jsonIntError(body);
  }
}

function parseBool(text: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text);
}

/** `json.NewDecoder(body).Decode(&statusCode)` failure texts for common inputs. */
function jsonIntError(body: string): string {
  const t = body.replace(/^[ \t\r\n]+/, '');
  if (t === '') return 'EOF';
  const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t)?.[0];
  if (number) return `json: cannot unmarshal number ${number} into Go value of type int`;
  if (t.startsWith('"')) return 'json: cannot unmarshal string into Go value of type int';
  if (t.startsWith('true') || t.startsWith('false'))
    return 'json: cannot unmarshal bool into Go value of type int';
  if (t.startsWith('{')) return 'json: cannot unmarshal object into Go value of type int';
  if (t.startsWith('[')) return 'json: cannot unmarshal array into Go value of type int';
  return `invalid character ${goQuote(t[0] ?? '').replace(/^"|"$/g, "'")} looking for beginning of value`;
}
