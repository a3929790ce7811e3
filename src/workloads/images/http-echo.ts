/**
 * hashicorp/http-echo (main.go, handlers.go): answers every path but `/health`
 * with `-text` (or `ECHO_TEXT`, which the 1.0 image sets to `hello-world`) and a
 * newline, status `-status-code`, `X-App-Name`/`X-App-Version` headers, and an
 * access line per request. Two generations: 0.2.x (`-text` only, ignores
 * SIGTERM) and 1.x (graceful shutdown on SIGTERM, then exit 2).
 */
import type { ImageProfile } from '../catalogue.js';
import { NO_TOOLS } from '../exec/toolset.js';
import { type GoFlagDef, parseGoFlags } from '../go/flag.js';
import { goDuration, goLogTime } from '../go/format.js';
import type { GoRequest } from '../http/go-request.js';
import type { GoResponseWriter } from '../http/go-response.js';
import { tagVersion } from '../image-ref.js';
import type { AppContext, AppStartFailure } from '../types.js';
import { startFailure } from './base.js';
import { GoHttpApp } from './go-http-app.js';

const PROGRAM = '/http-echo';

interface EchoOptions {
  readonly text: string;
  readonly status: number;
  readonly listen: string;
  readonly port: number;
  readonly version: string;
  readonly legacy: boolean;
}

/** A running http-echo. */
export class HttpEcho extends GoHttpApp {
  readonly #o: EchoOptions;

  constructor(ctx: AppContext, options: EchoOptions) {
    super(ctx, [{ port: options.port, protocol: 'TCP' }]);
    this.#o = options;
    this.logf(
      options.legacy
        ? `Server is listening on ${options.listen}`
        : `[INFO] server is listening on ${options.listen}`,
    );
  }

  protected route(w: GoResponseWriter, r: GoRequest): void {
    w.set('X-App-Name', 'http-echo');
    w.set('X-App-Version', this.#o.version);
    if (r.path === '/health') {
      if (!this.#o.legacy) w.writeHeader(200);
      w.write('{"status":"ok"}\n');
      return;
    }
    // The access line's duration is the handler's real running time, as Go measures it.
    const t0 = performance.now();
    if (!this.#o.legacy) {
      if (this.#o.status < 100 || this.#o.status > 999)
        throw new Error(`invalid WriteHeader code ${this.#o.status}`);
      w.writeHeader(this.#o.status);
    }
    w.write(`${this.#o.text}\n`);
    const took = performance.now() - t0;
    const end = this.ctx.clock.now();
    const ua = r.header.get('User-Agent')?.[0] ?? '';
    const status = w.status === 0 ? 200 : w.status;
    this.ctx.log(
      `${goLogTime(end)} ${r.host} ${r.remoteAddr} "${r.method} ${r.path} ${r.proto}" ${status} ${w.lastWriteLength} "${ua}" ${goDuration(took)}`,
    );
  }

  protected override onTerminate(): void {
    if (this.#o.legacy) {
      this.logf('[ERR] Unknown signal terminated');
      return;
    }
    this.logf('[INFO] received interrupt, shutting down...');
    void this.shutdown(5000).then((ok) => {
      if (!ok) {
        this.logf('[ERR] failed to shutdown server: context deadline exceeded');
        this.exit(1);
        return;
      }
      this.exit(2);
    });
  }
}

function flagDefs(legacy: boolean): GoFlagDef[] {
  const defs: GoFlagDef[] = [
    { name: 'listen', kind: 'string', usage: 'address and port to listen', defaultValue: ':5678' },
    { name: 'text', kind: 'string', usage: 'text to put on the webpage', defaultValue: '' },
    { name: 'version', kind: 'bool', usage: 'display version information', defaultValue: 'false' },
  ];
  if (!legacy)
    defs.push({
      name: 'status-code',
      kind: 'int',
      usage: 'http response code, e.g.: 200',
      defaultValue: '200',
    });
  return defs;
}

/** Starts http-echo of image version `version` with `argv` after the program name. */
export function createHttpEcho(
  ctx: AppContext,
  argv: readonly string[],
  version: string,
): HttpEcho | AppStartFailure {
  const [major = 1, minor = 0] = tagVersion(version);
  const legacy = major === 0 && minor < 3;
  const parsed = parseGoFlags(PROGRAM, flagDefs(legacy), argv);
  if (!parsed.ok) return startFailure(parsed.exitCode, parsed.output.replace(/\n$/, ''));
  const v = parsed.values;
  if (v.version === true)
    return startFailure(0, legacy ? `http-echo v${version} ()` : `http-echo v${version} ()\nBuilt: `);
  const text = String(v.text) || (legacy ? '' : (ctx.container.env.ECHO_TEXT ?? ''));
  if (text === '')
    return startFailure(127, legacy ? 'Missing -text option!' : 'Missing -text option or ECHO_TEXT env var!');
  if (parsed.args.length > 0) return startFailure(127, 'Too many arguments!');
  const listen = String(v.listen);
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  if (!(port > 0 && port < 65536)) {
    return startFailure(
      1,
      `${goLogTime(ctx.clock.now())} [ERR] server exited with: listen tcp: address ${listen}: missing port in address`,
    );
  }
  return new HttpEcho(ctx, { text, status: Number(v['status-code'] ?? 200), listen, port, version, legacy });
}

/** hashicorp/http-echo. `latest` is 1.0.0. */
export const HTTP_ECHO_PROFILE: ImageProfile = {
  family: 'http-echo',
  matches: (ref) => ref.repository === 'hashicorp/http-echo',
  entrypoint: ['/http-echo'],
  cmd: [],
  env: (ref) => (ref.tag.startsWith('0.') ? {} : { ECHO_TEXT: 'hello-world' }),
  tools: NO_TOOLS,
  programs: ['/http-echo', 'http-echo'],
  start: (ctx, argv, ref) =>
    createHttpEcho(
      ctx,
      argv.slice(1),
      /^\d+\.\d+\.\d+$/.test(ref.tag) ? ref.tag : ref.tag.startsWith('0.') ? '0.2.3' : '1.0.0',
    ),
};
