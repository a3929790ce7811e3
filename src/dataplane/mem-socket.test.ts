import { once } from 'node:events';
import { createServer, get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { memSocketPair } from './mem-socket.js';

const CLIENT = { address: '10.244.1.5', port: 41000 };
const SERVER = { address: '10.244.2.7', port: 8080 };

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('memSocketPair', () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it('carries bytes both ways with the virtual addresses on each end', async () => {
    const { client, server } = memSocketPair(CLIENT, SERVER);
    expect([server.remoteAddress, server.remotePort, server.localPort]).toEqual(['10.244.1.5', 41000, 8080]);
    expect([client.remoteAddress, client.remotePort]).toEqual(['10.244.2.7', 8080]);
    server.on('data', (d) => server.write(String(d).toUpperCase()));
    server.on('end', () => server.end());
    client.end('ping');
    expect(await collect(client)).toBe('PING');
  });

  it('applies back-pressure until the reader drains', async () => {
    const { client, server } = memSocketPair(CLIENT, SERVER);
    const big = Buffer.alloc(64 * 1024, 1);
    let drained = 0;
    for (let i = 0; i < 64; i++) if (!client.write(big)) drained++;
    expect(drained).toBeGreaterThan(0);
    client.end();
    let total = 0;
    for await (const chunk of server) total += (chunk as Buffer).length;
    expect(total).toBe(64 * big.length);
  });

  it('delivers writes queued together (cork, or behind a full peer) as one chunk, in order', async () => {
    const { client, server } = memSocketPair(CLIENT, SERVER);
    const chunks: string[] = [];
    server.on('data', (d: Buffer) => chunks.push(String(d)));
    client.cork();
    client.write('HTTP/1.1 200 OK\r\n\r\n');
    client.write(Buffer.from('body'));
    client.uncork();
    client.write('next');
    await new Promise((r) => setImmediate(r));
    expect(chunks).toEqual(['HTTP/1.1 200 OK\r\n\r\nbody', 'next']);
    expect([client.bytesWritten, server.bytesRead]).toEqual([27, 27]);
    // Writes made while the peer is full wait, then arrive together once it reads.
    server.pause();
    const big = Buffer.alloc(64 * 1024, 1);
    while (client.write(big)) {}
    client.write('a');
    client.write('b');
    client.end();
    server.resume();
    await once(server, 'end');
    expect(chunks.join('').endsWith('ab')).toBe(true);
    expect(chunks.join('').length).toBe(server.bytesRead);
  });

  it('surfaces a reset as ECONNRESET on the peer', async () => {
    const { client, server } = memSocketPair(CLIENT, SERVER);
    const failed = once(client, 'error');
    server.resetAndDestroy();
    const [err] = (await failed) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNRESET');
  });

  it('a close without error is an orderly end for the peer', async () => {
    const { client, server } = memSocketPair(CLIENT, SERVER);
    server.end('bye');
    expect(await collect(client)).toBe('bye');
  });

  it('serves an http.Server handed the socket with emit("connection")', async () => {
    const app = createServer((req, res) =>
      res.end(`${req.socket.remoteAddress}:${req.socket.remotePort} ${req.url}`),
    );
    closers.push(() => app.close());
    const body = await new Promise<string>((resolve, reject) => {
      get(
        {
          host: SERVER.address,
          port: SERVER.port,
          path: '/hostname',
          createConnection: () => {
            const { client, server } = memSocketPair(CLIENT, SERVER);
            app.emit('connection', server);
            return client;
          },
        },
        (res) => {
          collect(res).then(resolve, reject);
        },
      ).on('error', reject);
    });
    expect(body).toBe('10.244.1.5:41000 /hostname');
  });

  it('emits timeout after idle time', async () => {
    const { client } = memSocketPair(CLIENT, SERVER);
    const t0 = Date.now();
    client.setTimeout(20);
    await once(client, 'timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    client.destroy();
  });
});
