import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { ListenerSet, type ListenKey } from './listeners.js';

/** A free loopback port, found by binding port 0. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

const accepted: Socket[] = [];
const clients: Socket[] = [];
let set: ListenerSet | undefined;

afterEach(async () => {
  for (const s of [...clients, ...accepted]) s.destroy();
  clients.length = 0;
  accepted.length = 0;
  await set?.close();
});

describe('ListenerSet', () => {
  it('closes a listener no longer wanted without waiting for its open connections, and binds the next at once', async () => {
    set = new ListenerSet({
      logger: silentLogger(),
      onConnection: (_key, socket) => accepted.push(socket),
      onDatagram: () => {},
    });
    const [a, b] = [await freePort(), await freePort()];
    const keyA: ListenKey = { address: '127.0.0.1', port: a, protocol: 'TCP' };
    const keyB: ListenKey = { address: '127.0.0.1', port: b, protocol: 'TCP' };
    await set.reconcile([keyA]);
    // A client keeps a connection through A open (a keep-alive pool, a browser).
    clients.push(await connected(a));
    await new Promise((r) => setImmediate(r));
    expect(accepted).toHaveLength(1);
    // The Service moves to port B: A goes, B comes, while the old connection lives.
    const result = await Promise.race([
      set.reconcile([keyB]),
      new Promise((r) => setTimeout(() => r('still waiting for the old connection'), 2000)),
    ]);
    expect(result).toMatchObject({ opened: [keyB], closed: [keyA] });
    clients.push(await connected(b));
    await expect(connected(a)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The established connection through A still works.
    const echoed = new Promise((r) => accepted[0]?.once('data', r));
    clients[0]?.write('still here');
    expect(String(await echoed)).toBe('still here');
  });
});
