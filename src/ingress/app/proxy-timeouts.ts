/**
 * nginx's proxy timeouts for one exchange, on the injected clock: while the
 * request body is being sent, `proxy-send-timeout` between two writes (a
 * client that stops sending its body instead hits `client_body_timeout`: the
 * connection closes without an answer, 408 in the log); afterwards `proxy-read-timeout` between two reads from the upstream.
 * One timer, re-armed for what is left of the window when it fires early.
 */
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { LocationConfig } from '../annotations.js';
import type { UpstreamConnection } from './upstream-connection.js';

export type TimeoutKind = 'client-body' | 'upstream';

export class ExchangeTimer {
  readonly #clock: Clock;
  readonly #config: LocationConfig;
  readonly #onTimeout: (kind: TimeoutKind) => void;
  #conn: UpstreamConnection | undefined;
  #timer: TimerHandle | undefined;
  #bodyDoneAt = 0;
  #lastBodyAt = 0;

  constructor(clock: Clock, config: LocationConfig, onTimeout: (kind: TimeoutKind) => void) {
    this.#clock = clock;
    this.#config = config;
    this.#onTimeout = onTimeout;
  }

  /** A new exchange on `conn`, starting at `now`; `bodyDone` when the request has no body. */
  begin(conn: UpstreamConnection, bodyDone: boolean, now: number): void {
    this.#conn = conn;
    this.#bodyDoneAt = bodyDone ? now : 0;
    this.#lastBodyAt = now;
  }

  /** Whether the request body is still being sent. */
  get sending(): boolean {
    return this.#bodyDoneAt === 0;
  }

  bodyProgress(): void {
    this.#lastBodyAt = this.#clock.now();
  }

  bodyDone(): void {
    this.#bodyDoneAt = this.#clock.now();
  }

  /** Starts watching (call once the exchange is under way). */
  arm(): void {
    this.#set(this.#window());
  }

  stop(): void {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #window(): number {
    return (this.sending ? this.#config.proxySendTimeout : this.#config.proxyReadTimeout) * 1000;
  }

  #set(ms: number): void {
    this.stop();
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(1, ms));
  }

  #fire(): void {
    this.#timer = undefined;
    const conn = this.#conn;
    if (!conn) return;
    const now = this.#clock.now();
    const sending = this.sending;
    const since = sending ? this.#lastBodyAt : Math.max(conn.lastRead, this.#bodyDoneAt);
    const limit = this.#window();
    if (now - since < limit) {
      this.#set(limit - (now - since));
      return;
    }
    this.#onTimeout(sending && conn.socket.writableLength === 0 ? 'client-body' : 'upstream');
  }
}
