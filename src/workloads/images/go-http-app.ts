/**
 * Base of the images written in Go (agnhost, whoami, http-echo): connections go
 * to the shared Go-dialect HTTP host, requests to `route`, and `shutdown` is
 * `http.Server.Shutdown`: idle connections close at once, in-flight requests
 * finish with `Connection: close`, then the returned promise settles.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { goLogTime } from '../go/format.js';
import type { GoRequest } from '../http/go-request.js';
import { type GoResponseWriter, goBadRequest, goError } from '../http/go-response.js';
import { type GoHandler, serveGo } from '../http/go-serve.js';
import {
  acceptHttp,
  type BadRequestKind,
  GO_MAX_HEADER_BYTES,
  type HttpEndpoint,
  type HttpHostOptions,
} from '../http/host.js';
import type { PodConnection, VirtualTuple } from '../types.js';
import { SimulatedApp } from './base.js';

const GO_HOST: HttpHostOptions = {
  keepAliveTimeoutMs: 0,
  upgrades: false,
  maxHeaderBytes: GO_MAX_HEADER_BYTES,
};

/** An HTTP server written in Go. */
export abstract class GoHttpApp extends SimulatedApp implements HttpEndpoint {
  #busy: Map<Duplex, number> | undefined;
  #shutdown: { resolve: () => void } | undefined;
  #shuttingDown = false;

  /** The image's handler (its `ServeMux`). */
  protected abstract route(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): void | Promise<void>;

  /** Whether requests pass through `ServeMux` path cleaning. */
  protected get muxed(): boolean {
    return true;
  }

  /** Name and options of the shared host (whoami needs upgrades). */
  protected get host(): { readonly name: string; readonly options: HttpHostOptions } {
    return { name: 'go', options: GO_HOST };
  }

  protected serve(conn: PodConnection): void {
    if (this.#shuttingDown) {
      conn.socket.destroy();
      return;
    }
    acceptHttp(conn, this, this.host.name, this.host.options, this.ctx);
  }

  /** `route` as a handler, made once (not a closure per request). */
  readonly #route: GoHandler = (w, r, raw) => this.route(w, r, raw);
  readonly #now = (): number => this.ctx.clock.now();
  readonly #onPanic = (text: string): void => this.logf(text);

  handleRequest(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.runGo(req, res, tuple, this.#route);
  }

  internalError(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple): void {
    this.runGo(req, res, tuple, (w) => goError(w, 'Internal Server Error', 500));
  }

  badRequest(kind: BadRequestKind): string {
    return goBadRequest(kind);
  }

  /** Go's `log.Printf` to the container log (a message with newlines spans several lines). */
  protected logf(text: string): void {
    const lines = `${goLogTime(this.ctx.clock.now())} ${text}`.replace(/\n$/, '').split('\n');
    for (const line of lines) this.ctx.log(line);
  }

  /** Serves one request with `handler`, tracking it for graceful shutdown. */
  protected runGo(req: IncomingMessage, res: ServerResponse, tuple: VirtualTuple, handler: GoHandler): void {
    const socket = req.socket;
    if (!this.#busy) this.#busy = new Map();
    const busy = this.#busy;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (busy.get(socket) ?? 1) - 1;
      if (n > 0) busy.set(socket, n);
      else busy.delete(socket);
      if (this.#shuttingDown && n <= 0) {
        socket.end();
        this.#checkDrained();
      }
    });
    serveGo(req, res, tuple, handler, {
      now: this.#now,
      mux: this.muxed,
      onPanic: this.#onPanic,
      shuttingDown: this.#shuttingDown,
    });
  }

  /**
   * `Server.Shutdown` with a timeout: resolves `true` when every request has
   * finished, `false` when the timeout came first (`context deadline exceeded`).
   */
  protected shutdown(timeoutMs: number): Promise<boolean> {
    this.#shuttingDown = true;
    for (const socket of this.trackedSockets()) if (!this.#busy?.has(socket)) socket.destroy();
    return new Promise((resolve) => {
      const timer = this.setTimer(() => {
        this.#shutdown = undefined;
        resolve(false);
      }, timeoutMs);
      this.#shutdown = {
        resolve: () => {
          this.clearTimer(timer);
          resolve(true);
        },
      };
      this.#checkDrained();
    });
  }

  protected get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #checkDrained(): void {
    if (this.#shutdown && (this.#busy?.size ?? 0) === 0) {
      const s = this.#shutdown;
      this.#shutdown = undefined;
      s.resolve();
    }
  }
}
