/**
 * The real sockets of the emulated nodes: one TCP listener (or UDP socket) per
 * (address, port, protocol) that some Service makes reachable — NodePorts on
 * every node address, LoadBalancer IPs, loopback externalIPs. `reconcile`
 * opens what is newly wanted and closes what is no longer wanted; the handlers
 * receive accepted sockets and datagrams untouched (the proxy decision is the
 * caller's). Listeners bind only the exact loopback address they are given.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log/index.js';
import type { L4Protocol } from '../workloads/types.js';

export interface ListenKey {
  readonly address: string;
  readonly port: number;
  readonly protocol: L4Protocol;
}

export function listenKeyString(key: ListenKey): string {
  return `${key.protocol}/${key.address}:${key.port}`;
}

export interface ListenFailure {
  readonly key: ListenKey;
  /** `EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`, `EMFILE`… */
  readonly code: string;
  readonly message: string;
}

export interface ListenerSetConfig {
  readonly logger: Logger;
  /** Called for every accepted TCP connection. Must not throw. */
  readonly onConnection: (key: ListenKey, socket: Socket) => void;
  /** Called for every UDP datagram; `reply` sends from the socket the datagram arrived on. */
  readonly onDatagram: (
    key: ListenKey,
    message: Buffer,
    remote: RemoteInfo,
    reply: (data: Buffer) => void,
  ) => void;
  /** How many binds run at once while reconciling. @default 512 */
  readonly concurrency?: number;
}

interface Open {
  readonly key: ListenKey;
  /**
   * Stops listening. With `drain`, resolves once every accepted connection has
   * ended too (Node's `server.close` callback); without, as soon as the address
   * is free, leaving established connections to go on, as conntrack keeps a
   * node's established flows after kube-proxy removes a rule.
   */
  readonly close: (drain: boolean) => Promise<void>;
}

export class ListenerSet {
  readonly #config: ListenerSetConfig;
  #open = new Map<string, Open>();
  #failed = new Map<string, ListenFailure>();
  /** Serialises reconciles so two never interleave. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(config: ListenerSetConfig) {
    this.#config = config;
  }

  /** Keys currently bound. */
  get bound(): ListenKey[] {
    return [...this.#open.values()].map((o) => o.key);
  }

  /** Keys that are wanted but could not be bound, with why. */
  get failures(): ListenFailure[] {
    return [...this.#failed.values()];
  }

  isBound(key: ListenKey): boolean {
    return this.#open.has(listenKeyString(key));
  }

  /**
   * Makes the bound set equal to `desired` (failed binds are retried on every
   * reconcile). Resolves with what changed; never rejects.
   */
  reconcile(
    desired: readonly ListenKey[],
  ): Promise<{ opened: ListenKey[]; closed: ListenKey[]; failed: ListenFailure[] }> {
    return this.#serialised(desired, false);
  }

  /** Closes every listener, and waits for the connections they accepted to end. */
  async close(): Promise<void> {
    await this.#serialised([], true);
  }

  #serialised(desired: readonly ListenKey[], drain: boolean) {
    const run = this.#chain.then(() => this.#reconcile(desired, drain));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #reconcile(desired: readonly ListenKey[], drain: boolean) {
    const want = new Map(desired.map((k) => [listenKeyString(k), k]));
    const closed: ListenKey[] = [];
    const toClose: Open[] = [];
    for (const [id, open] of this.#open) {
      if (!want.has(id)) {
        toClose.push(open);
        this.#open.delete(id);
        closed.push(open.key);
      }
    }
    for (const id of this.#failed.keys()) if (!want.has(id)) this.#failed.delete(id);
    await Promise.all(toClose.map((o) => o.close(drain)));
    const toOpen = [...want.entries()].filter(([id]) => !this.#open.has(id));
    const opened: ListenKey[] = [];
    const failed: ListenFailure[] = [];
    const limit = this.#config.concurrency ?? 512;
    for (let i = 0; i < toOpen.length; i += limit) {
      await Promise.all(
        toOpen.slice(i, i + limit).map(async ([id, key]) => {
          try {
            this.#open.set(id, await this.#bind(key));
            this.#failed.delete(id);
            opened.push(key);
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            const failure = { key, code: e.code ?? 'UNKNOWN', message: e.message };
            this.#failed.set(id, failure);
            failed.push(failure);
          }
        }),
      );
    }
    if (opened.length || closed.length || failed.length) {
      this.#config.logger.debug(
        { opened: opened.length, closed: closed.length, failed: failed.length },
        'Listeners reconciled',
      );
    }
    return { opened, closed, failed };
  }

  #bind(key: ListenKey): Promise<Open> {
    return key.protocol === 'UDP' ? this.#bindUdp(key) : this.#bindTcp(key);
  }

  #bindTcp(key: ListenKey): Promise<Open> {
    const server: Server = createServer({ noDelay: true, pauseOnConnect: false }, (socket) =>
      this.#config.onConnection(key, socket),
    );
    server.maxConnections = 65536;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: key.address, port: key.port, backlog: 4096, exclusive: true }, () => {
        server.removeListener('error', reject);
        server.on('error', (err) =>
          this.#config.logger.warn({ listener: listenKeyString(key), err: err.message }, 'Listener error'),
        );
        resolve({
          key,
          close: (drain) =>
            new Promise<void>((done) => {
              // The listening socket is closed at once; the callback waits for accepted ones.
              server.close(() => {
                if (drain) done();
              });
              if (!drain) setImmediate(done);
            }),
        });
      });
    });
  }

  #bindUdp(key: ListenKey): Promise<Open> {
    const socket: UdpSocket = createSocket({ type: 'udp4', reuseAddr: false });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (msg, remote) => {
        this.#config.onDatagram(key, msg, remote, (data) => socket.send(data, remote.port, remote.address));
      });
      socket.bind({ address: key.address, port: key.port, exclusive: true }, () => {
        socket.removeListener('error', reject);
        socket.on('error', (err) =>
          this.#config.logger.warn({ listener: listenKeyString(key), err: err.message }, 'UDP socket error'),
        );
        resolve({ key, close: () => new Promise<void>((done) => socket.close(() => done())) });
      });
    });
  }
}
