/**
 * agnhost `netexec` (test/images/agnhost/netexec/netexec.go): the HTTP
 * endpoints e2e tests and kind's guides drive (`/`, `/hostname`, `/clientip`,
 * `/echo`, `/header`, `/dial`, `/shell`, `/healthz`, `/readyz`, `/redirect`,
 * `/exit`, `/shutdown`, `/upload`), its UDP server (lower-cased commands), the
 * `--delay-shutdown` SIGTERM path (readyz 503 while still serving), and its log
 * lines. Quirks kept: `/healthz` stays 412 with `--udp-port=-1`; `/dial` always
 * answers 200 and hides earlier successes when the last try failed.
 */
import type { IncomingMessage } from 'node:http';
import { parseGoDuration } from '../../util/duration.js';
import { goAtoi, goDuration, goJson, goQuote, goTimeString, sortedRecord } from '../go/format.js';
import { canonicalHeaderKey, formValues, type GoRequest, readBody } from '../http/go-request.js';
import { type GoResponseWriter, goRedirect } from '../http/go-response.js';
import { ProcessExited } from '../http/go-serve.js';
import type { AppContext, AppStartFailure, ListenSpec, VirtualTuple } from '../types.js';
import { parseSubcommand } from './agnhost-cli.js';
import { netexecDial, netexecShell, netexecUpload } from './agnhost-netexec-handlers.js';
import { GoHttpApp } from './go-http-app.js';

const FLAGS = [
  { name: 'http-port', kind: 'int', usage: 'HTTP Listen Port', defaultValue: '8080' },
  {
    name: 'tls-cert-file',
    kind: 'string',
    usage: 'File containing an x509 certificate for HTTPS. (CA cert, if any, concatenated after server cert)',
    defaultValue: '',
  },
  {
    name: 'tls-private-key-file',
    kind: 'string',
    usage: 'File containing an x509 private key matching --tls-cert-file',
    defaultValue: '',
  },
  { name: 'udp-port', kind: 'int', usage: 'UDP Listen Port', defaultValue: '8081' },
  { name: 'sctp-port', kind: 'int', usage: 'SCTP Listen Port', defaultValue: '-1' },
  {
    name: 'http-override',
    kind: 'string',
    usage: 'Override the HTTP handler to always respond as if it were a GET with this path & params',
    defaultValue: '',
  },
  {
    name: 'udp-listen-addresses',
    kind: 'string',
    usage: 'A comma separated list of ip addresses the udp servers listen from',
    defaultValue: '',
  },
  {
    name: 'delay-shutdown',
    kind: 'int',
    usage: 'Number of seconds to delay shutdown when receiving SIGTERM.',
    defaultValue: '0',
  },
] as const;

interface NetexecOptions {
  readonly httpPort: number;
  readonly udpPort: number;
  readonly httpOverride: string;
  readonly delayShutdownS: number;
}

/** A running netexec. */
export class Netexec extends GoHttpApp {
  readonly #options: NetexecOptions;
  #sigterm = false;

  constructor(ctx: AppContext, options: NetexecOptions) {
    const listens: ListenSpec[] = [{ port: options.httpPort, protocol: 'TCP' }];
    if (options.udpPort !== -1) listens.push({ port: options.udpPort, protocol: 'UDP' });
    super(ctx, listens);
    this.#options = options;
    this.logf(`Started HTTP server on port ${options.httpPort}`);
    if (options.udpPort !== -1) this.logf(`Started UDP server on port  ${options.udpPort}`);
  }

  /** The UDP server has started (it starts with the process unless disabled). */
  get serverReady(): boolean {
    return this.#options.udpPort !== -1;
  }

  hostname(): string {
    this.logf(`hostname: ${this.ctx.pod.hostname}`);
    return this.ctx.pod.hostname;
  }

  log(text: string): void {
    this.logf(text);
  }

  get network() {
    return this.ctx.network;
  }

  get context(): AppContext {
    return this.ctx;
  }

  /** Ends the process (`os.Exit`). */
  osExit(code: number): void {
    this.exit(((code % 256) + 256) % 256);
  }

  /** Go's `Server.Shutdown` then exit, for `/exit` with a timeout. */
  gracefulExit(code: number, timeoutMs: number): void {
    void this.shutdown(timeoutMs).then((ok) => {
      this.logf(`Graceful shutdown completed with: ${ok ? '<nil>' : 'context deadline exceeded'}`);
      this.osExit(code);
    });
  }

  protected override onTerminate(): void {
    this.#sigterm = true;
    const delay = this.#options.delayShutdownS;
    if (delay <= 0) {
      this.exit(0);
      return;
    }
    this.logf(`Sleeping ${delay} seconds before terminating...`);
    this.setTimer(() => this.exit(0), delay * 1000);
  }

  handleDatagram(message: Buffer, tuple: VirtualTuple, reply: (data: Buffer) => void): void {
    const text = message.subarray(0, 2048).toString('utf8').trim().toLowerCase();
    const client = `${tuple.srcIP}:${tuple.srcPort}`;
    if (text === 'hostname') {
      this.logf('Sending udp hostName response');
      reply(Buffer.from(this.hostname()));
    } else if (text.startsWith('echo ')) {
      const resp = text.slice(5);
      this.logf(`Echoing ${resp} to UDP client ${client}`);
      reply(Buffer.from(resp));
    } else if (text === 'clientip') {
      this.logf(`Sending clientip back to UDP client ${client}`);
      reply(Buffer.from(client));
    } else if (text.length > 0) {
      this.logf(`Unknown UDP command received from ${client}: ${text}`);
    }
  }

  protected async route(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    let req = r;
    if (this.#options.httpOverride !== '') {
      const o = this.#options.httpOverride;
      const q = o.indexOf('?');
      req = {
        ...r,
        method: 'GET',
        requestURI: o,
        path: q < 0 ? o : o.slice(0, q),
        rawQuery: q < 0 ? '' : o.slice(q + 1),
      };
    }
    const body = await readBody(raw);
    const form = formValues(req, body);
    const value = (k: string) => form.get(k)?.[0] ?? '';
    switch (req.path) {
      case '/clientip':
        this.logf('GET /clientip');
        w.write(req.remoteAddr);
        return;
      case '/header':
        return this.#header(w, req, value('key'));
      case '/dial':
        return netexecDial(this, w, req);
      case '/echo':
        return this.#echo(w, value('msg'), value('code'));
      case '/exit':
        return this.#exit(w, value('code'), value('timeout'), value('wait'));
      case '/healthz':
        this.logf('GET /healthz');
        w.writeHeader(this.serverReady ? 200 : 412);
        return;
      case '/readyz':
        this.logf('GET /readyz');
        if (this.#sigterm) {
          w.writeHeader(503);
          w.write('shutting down');
        } else if (this.serverReady) w.write('ok');
        else w.writeHeader(412);
        return;
      case '/hostname':
      case '/hostName':
        this.logf(`GET ${req.path}`);
        w.write(this.hostname());
        return;
      case '/redirect':
        return this.#redirect(w, req, value('location'), value('code'));
      case '/shell':
        return netexecShell(this, w, value('shellCommand') || value('cmd'));
      case '/upload':
        return netexecUpload(this, w, req, body);
      case '/shutdown':
        this.logf('GET /shutdown');
        this.osExit(0);
        throw new ProcessExited();
      default:
        this.logf('GET /');
        w.write(`NOW: ${goTimeString(this.ctx.clock.now(), this.ctx.clock.now() - this.startedAt)}`);
    }
  }

  #header(w: GoResponseWriter, r: GoRequest, key: string): void {
    if (key !== '') {
      this.logf(`GET /header?key=${key}`);
      w.write(r.header.get(canonicalHeaderKey(key))?.[0] ?? '');
      return;
    }
    this.logf('GET /header');
    w.write(goJson(sortedRecord(r.header)));
  }

  #echo(w: GoResponseWriter, msg: string, codeText: string): void {
    this.logf(`GET /echo?msg=${msg}&code=${codeText}`);
    if (codeText !== '') {
      const code = goAtoi(codeText);
      if (code === undefined) {
        w.write(`argument 'code' must be an integer or empty, got ${goQuote(codeText)}\n`);
        return;
      }
      if (code < 100 || code > 999) throw new Error(`invalid WriteHeader code ${code}`);
      w.writeHeader(code);
    }
    w.write(msg);
  }

  #redirect(w: GoResponseWriter, r: GoRequest, location: string, codeText: string): void {
    this.logf(`${r.method} /redirect?msg=${location}&code=${codeText}`);
    let code = 302;
    if (codeText !== '') {
      const parsed = goAtoi(codeText);
      if (parsed === undefined) {
        w.write(`argument 'code' must be an integer or empty, got ${goQuote(codeText)}\n`);
        return;
      }
      code = parsed;
    }
    goRedirect(w, r, location, code);
  }

  async #exit(w: GoResponseWriter, codeText: string, timeoutText: string, waitText: string): Promise<void> {
    this.logf(`GET /exit?code=${codeText}&timeout=${timeoutText}&wait=${waitText}`);
    const timeout = timeoutText === '' ? 0 : parseGoDuration(timeoutText);
    if (timeout === undefined) {
      w.write(`argument 'timeout' must be a valid golang duration or empty, got ${goQuote(timeoutText)}\n`);
      return;
    }
    const wait = waitText === '' ? 0 : parseGoDuration(waitText);
    if (wait === undefined) {
      w.write(`argument 'wait' must be a valid golang duration or empty, got ${goQuote(waitText)}\n`);
      return;
    }
    const code = codeText === '' ? 0 : goAtoi(codeText);
    if (code === undefined) {
      w.write(`argument 'code' must be an integer [0-127] or empty, got ${goQuote(codeText)}\n`);
      return;
    }
    this.logf(
      `Will begin shutdown in ${goDuration(wait)}, allowing ${goDuration(timeout)} for connections to close, then will exit with ${code}`,
    );
    if (wait > 0) await this.sleep(wait);
    if (timeout === 0) {
      this.osExit(code);
      throw new ProcessExited();
    }
    this.gracefulExit(code, timeout);
  }
}

/** Starts `netexec` with its flags. */
export function createNetexec(ctx: AppContext, argv: readonly string[]): Netexec | AppStartFailure {
  const parsed = parseSubcommand(
    'netexec',
    'Starts a HTTP(S) server on given port with the following endpoints: …',
    FLAGS,
    argv,
  );
  if ('kind' in parsed) return parsed;
  const v = parsed.values;
  return new Netexec(ctx, {
    httpPort: Number(v['http-port']),
    udpPort: Number(v['udp-port']),
    httpOverride: String(v['http-override']),
    delayShutdownS: Number(v['delay-shutdown']),
  });
}
