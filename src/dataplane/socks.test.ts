import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import {
  SOCKS_REPLY,
  type SocksConnect,
  type SocksGateway,
  type SocksRequest,
  type SocksTarget,
  socksReplyForError,
  startSocksGateway,
} from './socks.js';

async function gateway(connectFn: SocksConnect): Promise<{ server: SocksGateway; port: number }> {
  const server = await startSocksGateway({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    connect: connectFn,
  });
  return { server, port: server.address.port };
}

function readExactly(socket: ReturnType<typeof connect>, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= n) {
        socket.removeListener('data', onData);
        socket.pause();
        if (buf.length > n) socket.unshift(buf.subarray(n));
        resolve(buf.subarray(0, n));
      }
    };
    socket.on('data', onData);
    socket.resume();
    socket.once('error', reject);
  });
}

describe('SOCKS5 gateway', () => {
  const servers: SocksGateway[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('connects a domain-name target and then carries the stream', async () => {
    const seen: SocksTarget[] = [];
    const { server, port } = await gateway((req) => {
      seen.push(req.target);
      const stream = req.accept();
      stream?.socket.on('data', (d: Buffer) => stream.socket.write(`echo:${d}`));
      stream?.socket.resume();
    });
    servers.push(server);
    const c = connect(port, '127.0.0.1');
    await once(c, 'connect');
    c.write(Buffer.from([0x05, 0x01, 0x00]));
    expect([...(await readExactly(c, 2))]).toEqual([0x05, 0x00]);
    const name = Buffer.from('web.default.svc.cluster.local');
    c.write(
      Buffer.concat([Buffer.from([0x05, 0x01, 0x00, 0x03, name.length]), name, Buffer.from([0x00, 0x50])]),
    );
    const rep = await readExactly(c, 10);
    expect(rep[1]).toBe(SOCKS_REPLY.succeeded);
    c.write('hi');
    expect(String(await readExactly(c, 7))).toBe('echo:hi');
    expect(seen).toEqual([{ host: 'web.default.svc.cluster.local', port: 80, addressType: 'domain' }]);
    c.destroy();
  });

  it('passes the refusal code through and keeps serving', async () => {
    const { server, port } = await gateway((req) => req.refuse(SOCKS_REPLY.connectionRefused));
    servers.push(server);
    for (let i = 0; i < 2; i++) {
      const c = connect(port, '127.0.0.1');
      await once(c, 'connect');
      c.write(Buffer.from([0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 10, 244, 1, 7, 0x1f, 0x90]));
      const got = await readExactly(c, 12);
      expect([...got.subarray(0, 2)]).toEqual([0x05, 0x00]);
      expect(got[3]).toBe(SOCKS_REPLY.connectionRefused);
      c.destroy();
    }
  });

  it('rejects unsupported commands and garbage without crashing', async () => {
    const { server, port } = await gateway((req) => req.accept());
    servers.push(server);
    const bind = connect(port, '127.0.0.1');
    await once(bind, 'connect');
    bind.write(Buffer.from([0x05, 0x01, 0x00, 0x05, 0x02, 0x00, 0x01, 1, 2, 3, 4, 0, 80]));
    const got = await readExactly(bind, 12);
    expect(got[3]).toBe(SOCKS_REPLY.commandNotSupported);
    bind.destroy();
    const junk = connect(port, '127.0.0.1');
    await once(junk, 'connect');
    junk.write('GET / HTTP/1.1\r\n\r\n');
    await once(junk, 'close');
  });

  it('hands over what the client sent with its request and while it waited, and tells when it gives up', async () => {
    const requests: SocksRequest[] = [];
    const { server, port } = await gateway((req) => requests.push(req));
    servers.push(server);
    const c = connect(port, '127.0.0.1');
    await once(c, 'connect');
    c.write(Buffer.from([0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 10, 96, 0, 10, 0x00, 0x50, 0x61]));
    expect([...(await readExactly(c, 2))]).toEqual([0x05, 0x00]);
    c.write('b');
    await new Promise((r) => setTimeout(r, 50));
    const stream = requests[0]?.accept();
    expect(stream?.early.toString()).toBe('ab');
    expect((await readExactly(c, 10))[1]).toBe(SOCKS_REPLY.succeeded);
    expect(requests[0]?.accept()).toBeUndefined();
    c.destroy();

    const gone = connect(port, '127.0.0.1');
    await once(gone, 'connect');
    gone.write(Buffer.from([0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 10, 96, 0, 10, 0x00, 0x50]));
    await readExactly(gone, 2);
    // Killed with unread data or SO_LINGER 0: an RST. (A FIN may be a half-close: the client still waits.)
    gone.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(requests[1]?.signal.aborted).toBe(true);
    expect(requests[1]?.accept()).toBeUndefined();
  });

  it.each([
    ['ECONNREFUSED', SOCKS_REPLY.connectionRefused],
    ['ETIMEDOUT', SOCKS_REPLY.ttlExpired],
    ['EHOSTUNREACH', SOCKS_REPLY.hostUnreachable],
    ['ENOTFOUND', SOCKS_REPLY.hostUnreachable],
    ['ENETUNREACH', SOCKS_REPLY.networkUnreachable],
    ['EPERM', SOCKS_REPLY.generalFailure],
  ])('answers a connect() failing with %s with reply %i', (code, want) => {
    expect(socksReplyForError(code)).toBe(want);
  });
});
