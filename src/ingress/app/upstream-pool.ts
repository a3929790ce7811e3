/**
 * The upstream keepalive cache (nginx `keepalive 320; keepalive_timeout 60s;
 * keepalive_requests 10000` in ingress-nginx's `upstream_balancer`): idle
 * connections per endpoint, most recently used first, reused for the next
 * request to that endpoint; new ones are opened through the pod's
 * `PodNetwork`, so they take the dataplane's path like any pod traffic.
 */
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Clock } from '../../util/clock.js';
import type { PodNetwork } from '../../workloads/types.js';
import { UpstreamConnection } from './upstream-connection.js';

export interface UpstreamPoolConfig {
  readonly network: PodNetwork;
  readonly clock: Clock;
  /** Idle connections kept in total. @default 320 */
  readonly maxIdle?: number;
  /** @default 60_000 */
  readonly idleTimeoutMs?: number;
  /** @default 10_000 */
  readonly maxRequests?: number;
}

/** An error opening a connection, with the errno a socket would have. */
export interface ConnectError extends Error {
  readonly code?: string;
}

export class UpstreamPool {
  readonly #config: UpstreamPoolConfig;
  readonly #idle = new Map<string, UpstreamConnection[]>();
  readonly #idleTls = new Map<string, UpstreamConnection[]>();
  #idleCount = 0;
  readonly #maxIdle: number;
  readonly #idleTimeoutMs: number;
  readonly #maxRequests: number;

  constructor(config: UpstreamPoolConfig) {
    this.#config = config;
    this.#maxIdle = config.maxIdle ?? 320;
    this.#idleTimeoutMs = config.idleTimeoutMs ?? 60_000;
    this.#maxRequests = config.maxRequests ?? 10_000;
  }

  /**
   * An idle connection to `endpoint` speaking TLS or not as `https` says, if
   * one is cached and alive (`now`: the caller's clock reading). A location
   * with `backend-protocol: HTTPS` never gets a plain connection another
   * location left, nor the other way round.
   */
  takeIdle(endpoint: string, now: number, https = false): UpstreamConnection | undefined {
    const list = (https ? this.#idleTls : this.#idle).get(endpoint);
    if (!list) return undefined;
    while (list.length > 0) {
      const conn = list.pop() as UpstreamConnection;
      this.#idleCount--;
      if (conn.idle && now - conn.idleSince < this.#idleTimeoutMs) return conn;
      conn.destroy();
    }
    return undefined;
  }

  /**
   * Opens a new connection (TLS when `https`, without certificate checks as
   * nginx's `proxy_ssl_verify off`). Rejects with the socket errno, or
   * `ETIMEDOUT` after `timeoutMs`.
   */
  async open(address: string, port: number, timeoutMs: number, https: boolean): Promise<UpstreamConnection> {
    const { network, clock } = this.#config;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        reject(Object.assign(new Error(`connect ETIMEDOUT ${address}:${port}`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
    });
    const connecting = network.connect(address, port, { timeoutMs });
    try {
      let socket: Duplex = await Promise.race([connecting, timeout]);
      if (https) socket = await Promise.race([startTls(socket), timeout]);
      return new UpstreamConnection(`${address}:${port}`, socket, () => clock.now(), https);
    } catch (err) {
      connecting.then(
        (s) => s.destroy(),
        () => {},
      );
      throw err;
    } finally {
      if (timer) clock.clearTimeout(timer);
    }
  }

  /** Returns a connection after its exchange: cached if reusable, else closed. */
  release(conn: UpstreamConnection): void {
    if (!conn.reusable || conn.requests >= this.#maxRequests || this.#maxIdle === 0) {
      conn.destroy();
      return;
    }
    const idle = conn.tls ? this.#idleTls : this.#idle;
    let list = idle.get(conn.endpoint);
    if (!list) {
      list = [];
      idle.set(conn.endpoint, list);
    }
    list.push(conn);
    this.#idleCount++;
    if (this.#idleCount > this.#maxIdle) this.#evictOne();
  }

  /** Idle connections cached now (for tests and metrics). */
  get idleCount(): number {
    return this.#idleCount;
  }

  /** Closes every cached connection. */
  closeAll(): void {
    for (const idle of [this.#idle, this.#idleTls]) {
      for (const list of idle.values()) for (const c of list) c.destroy();
      idle.clear();
    }
    this.#idleCount = 0;
  }

  #evictOne(): void {
    let oldest: { list: UpstreamConnection[]; conn: UpstreamConnection } | undefined;
    for (const list of [...this.#idle.values(), ...this.#idleTls.values()]) {
      const conn = list[0];
      if (conn && (!oldest || conn.idleSince < oldest.conn.idleSince)) oldest = { list, conn };
    }
    if (!oldest) return;
    oldest.list.shift();
    this.#idleCount--;
    oldest.conn.destroy();
  }
}

function startTls(socket: Duplex): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, rejectUnauthorized: false });
    tls.once('secureConnect', () => resolve(tls));
    tls.once('error', reject);
  });
}
