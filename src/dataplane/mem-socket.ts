/**
 * An in-memory TCP connection: two `MemSocket` ends that behave like connected
 * `net.Socket`s (addresses, half-close, back-pressure, idle timeouts,
 * `resetAndDestroy`). Pod-to-pod traffic and connections the emulator itself
 * opens into the virtual network ride on these; a simulated app cannot tell them
 * from a real accepted socket, which is what lets one `http.Server` per app serve
 * both the NodePort fast path and the virtual network.
 */
import { Duplex } from 'node:stream';
import { endUnlessFinished } from '../util/stream-end.js';

export interface SocketAddresses {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** The error a peer sees when the other end resets the connection. */
export function connectionResetError(): NodeJS.ErrnoException {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}

export class MemSocket extends Duplex {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily = 'IPv4';
  readonly localFamily = 'IPv4';
  readonly connecting = false;
  readonly pending = false;
  bytesRead = 0;
  bytesWritten = 0;
  #peer: MemSocket | undefined;
  /** A write callback waiting for the peer to drain its read buffer. */
  #blocked: (() => void) | undefined;
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(addresses: SocketAddresses) {
    super({ allowHalfOpen: true });
    this.localAddress = addresses.localAddress;
    this.localPort = addresses.localPort;
    this.remoteAddress = addresses.remoteAddress;
    this.remotePort = addresses.remotePort;
  }

  /** Connects two ends; called once by `memSocketPair`. */
  static link(a: MemSocket, b: MemSocket): void {
    a.#peer = b;
    b.#peer = a;
  }

  get readyState(): string {
    if (this.destroyed) return 'closed';
    if (this.writableEnded) return this.readableEnded ? 'closed' : 'readOnly';
    return this.readableEnded ? 'writeOnly' : 'open';
  }

  override _read(): void {
    const peer = this.#peer;
    const resume = peer ? peer.#blocked : undefined;
    if (peer && resume) {
      peer.#blocked = undefined;
      resume();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    if (!peer || peer.destroyed || peer.readableEnded) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
      return;
    }
    this.bytesWritten += chunk.length;
    peer.bytesRead += chunk.length;
    this.#touch();
    peer.#touch();
    if (peer.push(chunk)) callback();
    else this.#blocked = () => callback();
  }

  /**
   * Writes queued together (a corked HTTP head and body, or writes made while the
   * peer was full) reach the peer as one chunk, as they would leave in one segment
   * of a real connection: one 'data' event for the peer instead of one per write.
   */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    const first = chunks[0];
    if (!first) {
      callback();
      return;
    }
    const data = chunks.length === 1 ? first.chunk : Buffer.concat(chunks.map((c) => c.chunk));
    this._write(data, first.encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    if (peer && !peer.destroyed) peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#clearTimer();
    const peer = this.#peer;
    this.#peer = undefined;
    const resume = this.#blocked;
    this.#blocked = undefined;
    resume?.();
    if (peer && !peer.destroyed) {
      peer.#peer = undefined;
      const resumePeer = peer.#blocked;
      peer.#blocked = undefined;
      resumePeer?.();
      // Closing a socket sends a FIN whether or not it was destroyed with an error, as
      // the kernel does; only resetAndDestroy sends an RST. Later writes by the peer fail
      // with EPIPE because the link is gone.
      if (!peer.readableEnded) peer.push(null);
    }
    callback(error);
  }

  /** Closes the connection with an RST: the peer sees ECONNRESET. */
  resetAndDestroy(): this {
    const peer = this.#peer;
    this.#peer = undefined;
    if (peer && !peer.destroyed) {
      peer.#peer = undefined;
      peer.destroy(connectionResetError());
    }
    this.destroy();
    return this;
  }

  /** Quiet once finished: Node's HTTP server ends its socket twice (see `endUnlessFinished`). */
  // biome-ignore lint/suspicious/noExplicitAny: Duplex#end's own signature
  override end(chunk?: any, encoding?: any, cb?: any): this {
    endUnlessFinished.call(this, chunk, encoding, cb);
    return this;
  }

  /** Half-close then close once flushed (net.Socket#destroySoon). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /** Idle timeout as `net.Socket#setTimeout`: emits 'timeout' after `ms` without traffic. */
  setTimeout(ms: number, callback?: () => void): this {
    this.#timeoutMs = ms;
    if (callback) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#clearTimer();
    if (ms > 0) {
      this.#timer = setTimeout(() => this.emit('timeout'), ms);
      this.#timer.unref();
    }
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: this.localPort };
  }

  #touch(): void {
    if (this.#timer && this.#timeoutMs > 0) this.#timer.refresh();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Makes a connected pair: `client` is the connecting side (its remote is the
 * server address), `server` is handed to the listening app.
 */
export function memSocketPair(
  client: { address: string; port: number },
  server: { address: string; port: number },
): {
  client: MemSocket;
  server: MemSocket;
} {
  const c = new MemSocket({
    localAddress: client.address,
    localPort: client.port,
    remoteAddress: server.address,
    remotePort: server.port,
  });
  const s = new MemSocket({
    localAddress: server.address,
    localPort: server.port,
    remoteAddress: client.address,
    remotePort: client.port,
  });
  MemSocket.link(c, s);
  return { client: c, server: s };
}

/**
 * A connected pair across NAT: the client end sees the tuple it dialled
 * (`original`), the server end the translated one (`seen`), as the two ends of
 * a DNATed and masqueraded connection do.
 */
export function natSocketPair(
  original: {
    readonly src: { readonly ip: string; readonly port: number };
    readonly dst: { readonly ip: string; readonly port: number };
  },
  seen: {
    readonly src: { readonly ip: string; readonly port: number };
    readonly dst: { readonly ip: string; readonly port: number };
  },
): { client: MemSocket; server: MemSocket } {
  const client = new MemSocket({
    localAddress: original.src.ip,
    localPort: original.src.port,
    remoteAddress: original.dst.ip,
    remotePort: original.dst.port,
  });
  const server = new MemSocket({
    localAddress: seen.dst.ip,
    localPort: seen.dst.port,
    remoteAddress: seen.src.ip,
    remotePort: seen.src.port,
  });
  MemSocket.link(client, server);
  return { client, server };
}
