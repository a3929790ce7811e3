/**
 * An in-memory pair of connected stream sockets, shaped like the duplexes the
 * dataplane hands to simulated apps (see `PodConnection` in ../types.ts). Used by
 * workloads' tests, benchmarks and the fake pod network; the dataplane has its own.
 *
 * Semantics follow TCP closely enough for HTTP servers and clients: `end()` is a
 * FIN (the peer reads EOF, half-open allowed), `destroy()` closes both directions
 * and the peer sees EOF, `resetAndDestroy()` is an RST (the peer errors with
 * `ECONNRESET`).
 */
import { Duplex } from 'node:stream';

/** One end of a `socketPair()`. */
export class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  #peerEnded = false;

  constructor(local: { address: string; port: number }, remote: { address: string; port: number }) {
    super({ allowHalfOpen: true });
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.#peerEnded) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      return;
    }
    peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finPeer();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#finPeer();
    callback(error);
  }

  /** TCP RST: the peer gets `ECONNRESET` and both ends are destroyed. */
  resetAndDestroy(): this {
    const peer = this.peer;
    if (peer && !peer.destroyed) {
      peer.#peerEnded = true;
      peer.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    }
    this.destroy();
    return this;
  }

  /** Like `net.Socket.destroySoon`: end the writable side, destroy once flushed. */
  destroySoon(): void {
    if (this.writableFinished) this.destroy();
    else this.end(() => this.destroy());
  }

  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  #finPeer(): void {
    const peer = this.peer;
    if (peer && !peer.#peerEnded && !peer.destroyed) {
      peer.#peerEnded = true;
      peer.push(null);
    }
  }
}

/**
 * Creates two connected sockets: `client` writes arrive at `server` and back.
 * Addresses are informational (apps must use the virtual tuple, never these).
 */
export function socketPair(
  client: { address: string; port: number } = { address: '127.0.0.1', port: 40000 },
  server: { address: string; port: number } = { address: '127.0.0.1', port: 80 },
): { client: MemorySocket; server: MemorySocket } {
  const c = new MemorySocket(client, server);
  const s = new MemorySocket(server, client);
  c.peer = s;
  s.peer = c;
  return { client: c, server: s };
}
