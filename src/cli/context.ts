/**
 * What every command receives: its streams, environment and cancellation
 * signal (`CliIO`, injected so tests run `main()` in-process), the global
 * flags, and a lazily connected `ApiClient` for the emulator chosen by
 * `--name` / `NETKUBE_NAME`.
 */
import type { Readable } from 'node:stream';
import { emulatorName, processAlive, readState } from '../emulator/state.js';
import { createLogger, type Logger, type LogLevel, silentLogger } from '../log/index.js';
import { type Clock, realClock } from '../util/clock.js';
import { UserError } from '../util/errors.js';
import { ApiClient } from './client.js';
import type { ManifestLoader } from './manifests.js';

/** A text sink (process.stdout, or a test's buffer). */
export interface TextOut {
  write(text: string): unknown;
}

/** The process surroundings of one `main()` call. */
export interface CliIO {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Ends long-running commands (`get -w`, `logs -f`, `flows -f`) as Ctrl-C does. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Reads `-f` inputs; defaults to the manifest loader (src/manifest). Tests inject their own. */
  readonly manifestLoader?: ManifestLoader;
}

/** Flags every command accepts (kubectl's global flags, plus netkube's `--name`). */
export interface GlobalOptions {
  readonly name?: string;
  readonly namespace?: string;
  readonly logLevel?: LogLevel;
}

/** The per-invocation context handed to every command action. */
export class CliContext {
  readonly io: CliIO;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  #globals: GlobalOptions = {};
  #client: ApiClient | undefined;
  #logger: Logger | undefined;

  constructor(io: CliIO, signal: AbortSignal) {
    this.io = io;
    this.signal = signal;
    this.clock = io.clock ?? realClock;
  }

  /** Called by main once commander has parsed the global flags. */
  setGlobals(globals: GlobalOptions): void {
    this.#globals = globals;
  }

  get globals(): GlobalOptions {
    return this.#globals;
  }

  /** The emulator name this invocation acts on. */
  get emulatorName(): string {
    return emulatorName(this.#globals.name, this.io.env);
  }

  /** `-n`, else `default` (kubectl's namespace resolution without a kubeconfig context). */
  get namespace(): string {
    return this.#globals.namespace ?? 'default';
  }

  /** True when the user named a namespace (`apply` and `delete -f` then enforce it). */
  get explicitNamespace(): boolean {
    return this.#globals.namespace !== undefined;
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /**
   * The CLI's logger: silent unless `--log-level` asks (kubectl's `-v`), then
   * on stderr. A silent logger costs nothing (no pretty-printing worker).
   */
  logger(): Logger {
    const level = this.#globals.logLevel;
    this.#logger ??= level === undefined ? silentLogger() : createLogger({ level, destination: 2 });
    return this.#logger;
  }

  /**
   * The client of the chosen emulator. Throws a UserError naming the emulator
   * when none runs under that name (no state, or its process is gone).
   */
  client(): ApiClient {
    if (this.#client) return this.#client;
    const name = this.emulatorName;
    const state = readState(name, this.io.env);
    if (!state || !processAlive(state.pid)) {
      throw new UserError(`no emulator named "${name}" is running: start one with \`netkube up\``);
    }
    this.#client = new ApiClient({
      baseUrl: state.apiUrl,
      logger: this.logger(),
      onWarning: (text) => this.err(`Warning: ${text}\n`),
    });
    return this.#client;
  }

  /** Releases the client's connections; main calls it after every command. */
  async close(): Promise<void> {
    await this.#client?.close();
    this.#logger?.flush();
  }
}
