/**
 * A raw TCP client for tests that send bytes no HTTP library would (malformed
 * requests, oversized heads, slowloris trickles) and read the answer verbatim.
 */
import { connect, type Socket } from 'node:net';

/** Sends `bytes` and resolves with everything received until the server closes (or `timeoutMs`). */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const done = () => {
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on('error', () => {});
    socket.on('connect', () => socket.write(bytes));
  });
}

/** An open raw connection: write at will, read what arrived, learn when it closed. */
export interface RawConnection {
  readonly socket: Socket;
  received(): string;
  closed(): boolean;
  /** Resolves once `text` has been received (or rejects after `timeoutMs`). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

export function rawConnect(port: number): Promise<RawConnection> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    const waiters: (() => void)[] = [];
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      for (const w of waiters.splice(0)) w();
    });
    socket.on('close', () => {
      closed = true;
      for (const w of waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    socket.on('connect', () =>
      resolve({
        socket,
        received: () => data,
        closed: () => closed,
        waitFor(text, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(
              () =>
                fail(new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(data)}`)),
              timeoutMs,
            );
            const check = () => {
              if (data.includes(text) || closed) {
                clearTimeout(timer);
                ok();
              } else waiters.push(check);
            };
            check();
          });
        },
      }),
    );
  });
}
