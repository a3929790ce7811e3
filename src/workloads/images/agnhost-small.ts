/**
 * Smaller agnhost subcommands: `serve-hostname` (HTTP, or raw TCP/UDP with
 * `--http=false`), `porter` (SERVE_PORT_n env), `http-echo` (the request as
 * indented JSON), `liveness` (healthy for 10 s, then 500s: the Kubernetes docs'
 * liveness-HTTP example) and `pause`.
 */
import type { IncomingMessage } from 'node:http';
import { goDuration, goJson, goLogTime, sortedRecord } from '../go/format.js';
import { firstValue, type GoRequest, goParseQuery } from '../http/go-request.js';
import { type GoResponseWriter, goError, goRedirect } from '../http/go-response.js';
import { tupleOf } from '../http/host.js';
import type { AppContext, AppStartFailure, ListenSpec, PodConnection, VirtualTuple } from '../types.js';
import { parseSubcommand } from './agnhost-cli.js';
import { SimulatedApp, startFailure } from './base.js';
import { GoHttpApp } from './go-http-app.js';

/** `serve-hostname [--tcp] [--udp] [--http] [--close] [--port]`. */
export class ServeHostname extends GoHttpApp {
  readonly #http: boolean;
  readonly #close: boolean;

  constructor(
    ctx: AppContext,
    port: number,
    modes: { tcp: boolean; udp: boolean; http: boolean; close: boolean },
  ) {
    const listens: ListenSpec[] = [];
    if (modes.tcp || modes.http) listens.push({ port, protocol: 'TCP' });
    if (modes.udp) listens.push({ port, protocol: 'UDP' });
    super(ctx, listens);
    this.#http = modes.http;
    this.#close = modes.close;
    this.logf(`Serving on port ${port}.`);
  }

  protected override serve(conn: PodConnection): void {
    if (this.#http) {
      super.serve(conn);
      return;
    }
    this.logf(`TCP request from ${conn.tuple.srcIP}:${conn.tuple.srcPort}`);
    conn.socket.on('error', () => conn.socket.destroy());
    conn.socket.end(this.ctx.pod.hostname);
  }

  handleDatagram(_message: Buffer, tuple: VirtualTuple, reply: (data: Buffer) => void): void {
    this.logf(`UDP request from ${tuple.srcIP}:${tuple.srcPort}`);
    reply(Buffer.from(this.ctx.pod.hostname));
  }

  protected route(w: GoResponseWriter, r: GoRequest): void {
    this.logf(`HTTP request from ${r.remoteAddr}`);
    if (this.#close) w.add('Connection', 'close');
    w.write(this.ctx.pod.hostname);
  }

  /** Logs the signal, then waits 60 s "for pod deletion" while still serving; the kubelet kills it first. */
  protected override onTerminate(): void {
    this.logf('Shutting down after receiving signal: terminated.');
    this.logf('Awaiting pod deletion.');
    this.setTimer(() => this.exit(0), 60_000);
  }
}

export function createServeHostname(
  ctx: AppContext,
  argv: readonly string[],
): ServeHostname | AppStartFailure {
  const parsed = parseSubcommand(
    'serve-hostname',
    'Serves the hostname through HTTP / TCP / UDP on the given port.',
    [
      { name: 'tcp', kind: 'bool', usage: 'Serve raw over TCP.', defaultValue: 'false' },
      { name: 'udp', kind: 'bool', usage: 'Serve raw over UDP.', defaultValue: 'false' },
      { name: 'http', kind: 'bool', usage: 'Serve HTTP.', defaultValue: 'true' },
      {
        name: 'close',
        kind: 'bool',
        usage: 'Close connection per each HTTP request.',
        defaultValue: 'false',
      },
      { name: 'port', kind: 'int', usage: 'Port number.', defaultValue: '9376' },
    ],
    argv,
  );
  if ('kind' in parsed) return parsed;
  const v = parsed.values;
  const modes = { tcp: v.tcp === true, udp: v.udp === true, http: v.http === true, close: v.close === true };
  if (modes.http && (modes.tcp || modes.udp)) {
    return startFailure(
      1,
      `${goLogTime(ctx.clock.now())} Can't server TCP/UDP mode and HTTP mode at the same time`,
    );
  }
  return new ServeHostname(ctx, Number(v.port), modes);
}

/** `porter`: every `SERVE_PORT_n`/`SERVE_TCP_PORT_n` env var serves its value over HTTP, `SERVE_UDP_PORT_n` over UDP. */
export class Porter extends GoHttpApp {
  readonly #tcp = new Map<number, string>();
  readonly #udp = new Map<number, string>();
  readonly #json: boolean;

  constructor(ctx: AppContext, json: boolean) {
    const tcp = new Map<number, string>();
    const udp = new Map<number, string>();
    for (const [key, value] of Object.entries(ctx.container.env)) {
      const m = /^SERVE_(PORT|TCP_PORT|UDP_PORT|TLS_PORT|SCTP_PORT)_(\d+)$/.exec(key);
      if (!m) continue;
      const port = Number(m[2]);
      if (m[1] === 'UDP_PORT') udp.set(port, value);
      else if (m[1] === 'PORT' || m[1] === 'TCP_PORT' || m[1] === 'TLS_PORT') tcp.set(port, value);
    }
    super(ctx, [
      ...[...tcp.keys()].map((port) => ({ port, protocol: 'TCP' as const })),
      ...[...udp.keys()].map((port) => ({ port, protocol: 'UDP' as const })),
    ]);
    this.#tcp = tcp;
    this.#udp = udp;
    this.#json = json;
    for (const port of udp.keys()) this.logf(`Started UDP server on port ${port}`);
  }

  protected override get muxed(): boolean {
    return false;
  }

  handleDatagram(_message: Buffer, tuple: VirtualTuple, reply: (data: Buffer) => void): void {
    reply(Buffer.from(this.#udp.get(tuple.dstPort) ?? ''));
  }

  protected route(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): void {
    const value = this.#tcp.get(tupleOf(raw)?.dstPort ?? 0) ?? '';
    if (this.#json) {
      w.set('Content-Type', 'application/json');
      w.write(goJson({ Method: r.method, Body: value }));
      return;
    }
    w.write(value);
  }
}

export function createPorter(ctx: AppContext, argv: readonly string[]): Porter | AppStartFailure {
  const parsed = parseSubcommand(
    'porter',
    'Serves requested data on ports specified in environment variables.',
    [
      {
        name: 'json-response',
        kind: 'bool',
        usage:
          'Responds to requests with a json response that includes the default value with the http.Request Method',
        defaultValue: 'false',
      },
    ],
    argv,
  );
  if ('kind' in parsed) return parsed;
  return new Porter(ctx, parsed.values['json-response'] === true);
}

/** agnhost `http-echo`: the request as JSON (indented with one space), as Gateway API's echo-basic. */
export class AgnhostHttpEcho extends GoHttpApp {
  readonly #port: number;

  constructor(ctx: AppContext, port: number) {
    super(ctx, [{ port, protocol: 'TCP' }]);
    this.#port = port;
    this.logf(`Serving on port ${port}.`);
  }

  protected route(w: GoResponseWriter, r: GoRequest): void {
    this.logf(`Echoing back request made to ${r.requestURI} to client (${r.remoteAddr})`);
    const payload = {
      path: r.requestURI,
      host: r.host,
      method: r.method,
      proto: r.proto,
      headers: sortedRecord(r.header),
      httpPort: String(this.#port),
      namespace: this.ctx.container.env.NAMESPACE ?? '',
      pod: this.ctx.container.env.POD_NAME ?? '',
    };
    w.set('Content-Type', 'application/json');
    w.set('X-Content-Type-Options', 'nosniff');
    w.write(goJson(payload, ' '));
  }

  protected override onTerminate(): void {
    this.logf('Shutting down after receiving signal: terminated.');
    this.logf('Awaiting pod deletion.');
    this.setTimer(() => this.exit(0), 60_000);
  }
}

export function createAgnhostHttpEcho(
  ctx: AppContext,
  argv: readonly string[],
): AgnhostHttpEcho | AppStartFailure {
  const parsed = parseSubcommand(
    'http-echo',
    'Echoes back the HTTP request as a JSON payload, including headers.',
    [{ name: 'port', kind: 'int', usage: 'Port number.', defaultValue: '8080' }],
    argv,
  );
  if ('kind' in parsed) return parsed;
  return new AgnhostHttpEcho(ctx, Number(parsed.values.port));
}

/** agnhost `liveness`: `/healthz` is 200 `ok` for 10 s after start, then 500 `error: <seconds>`. */
export class Liveness extends GoHttpApp {
  constructor(ctx: AppContext) {
    super(ctx, [{ port: 8080, protocol: 'TCP' }]);
  }

  protected route(w: GoResponseWriter, r: GoRequest): void {
    const elapsedMs = this.ctx.clock.now() - this.startedAt;
    switch (r.path) {
      case '/started':
        w.writeHeader(200);
        w.write(goDuration(elapsedMs));
        return;
      case '/healthz':
        if (elapsedMs / 1000 > 10) {
          w.writeHeader(500);
          w.write(`error: ${elapsedMs / 1000}`);
        } else {
          w.writeHeader(200);
          w.write('ok');
        }
        return;
      case '/redirect': {
        const loc = firstValue(goParseQuery(r.rawQuery), 'loc');
        goRedirect(w, r, loc, 302);
        return;
      }
      default:
        goError(w, '404 page not found', 404);
    }
  }
}

export function createLiveness(ctx: AppContext, argv: readonly string[]): Liveness | AppStartFailure {
  const parsed = parseSubcommand(
    'liveness',
    'A simple server that is alive for 10 seconds, then reports unhealthy for the rest of its (hopefully) short existence.',
    [],
    argv,
  );
  if ('kind' in parsed) return parsed;
  return new Liveness(ctx);
}

/** agnhost `pause` (prints `Paused`, exits 2 on SIGTERM), also used for subcommands netkube does not simulate. */
export class AgnhostPause extends SimulatedApp {
  constructor(ctx: AppContext, quiet: boolean) {
    super(ctx, []);
    if (!quiet) ctx.log('Paused');
  }

  protected serve(conn: PodConnection): void {
    conn.socket.destroy();
  }

  protected override onTerminate(): void {
    this.exit(2);
  }
}
