import { describe, expect, it } from 'vitest';
import { clientTuple, exchange, fakeAppContext, normaliseDate } from '../testing/fake-context.js';
import { socketPair } from '../testing/socket-pair.js';
import type { App } from '../types.js';
import { createWhoami } from './whoami.js';

function start(argv: string[] = [], env: Record<string, string> = {}) {
  const fc = fakeAppContext({ image: 'traefik/whoami', env });
  const app = createWhoami(fc.ctx, argv);
  if ('kind' in app) throw new Error(app.message);
  return { ...fc, app: app as App };
}

const CURL = 'GET / HTTP/1.1\r\nHost: 10.244.1.5\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n';

describe('traefik/whoami', () => {
  it('GET / prints the whoami text with the virtual RemoteAddr and Go Request.Write dump', async () => {
    const { app, logs } = start();
    const raw = normaliseDate(await exchange(app, CURL));
    const body =
      'Hostname: web-0\nIP: 127.0.0.1\nIP: ::1\nIP: 10.244.1.5\nRemoteAddr: 10.244.0.7:41234\n' +
      'GET / HTTP/1.1\r\nHost: 10.244.1.5\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n';
    expect(raw).toBe(
      `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
    );
    expect(logs).toEqual(['2026/01/02 03:04:05 Starting up on port 80']);
  });

  it('sorts extra headers, defaults User-Agent, keeps the query, prints Name first', async () => {
    const { app } = start(['--name=iamfoo', '-port', '8080']);
    const raw = await exchange(
      app,
      'GET /x?a=1 HTTP/1.1\r\nHost: h\r\nX-B: 2\r\nAccept: */*\r\nx-a: 1\r\n\r\n',
      { port: 8080 },
    );
    expect(raw.split('\r\n\r\n').slice(1).join('\r\n\r\n')).toBe(
      'Name: iamfoo\nHostname: web-0\nIP: 127.0.0.1\nIP: ::1\nIP: 10.244.1.5\nRemoteAddr: 10.244.0.7:41234\n' +
        'GET /x?a=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nAccept: */*\r\nX-A: 1\r\nX-B: 2\r\n\r\n',
    );
    expect(app.listens).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('/api answers Go-encoded JSON with sorted headers', async () => {
    const { app } = start(['--name', 'n']);
    const raw = normaliseDate(
      await exchange(app, 'GET /api HTTP/1.1\r\nHost: h:80\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n'),
    );
    const body =
      '{"hostname":"web-0","ip":["127.0.0.1","::1","10.244.1.5"],"headers":{"Accept":["*/*"],"User-Agent":["curl/8.5.0"]},' +
      '"url":"/api","host":"h:80","method":"GET","name":"n","remoteAddr":"10.244.0.7:41234"}\n';
    expect(raw).toBe(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: <date>\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  });

  it('/bench and /health, with POST changing the health status', async () => {
    const { app, logs } = start();
    expect(normaliseDate(await exchange(app, 'GET /bench HTTP/1.1\r\nHost: h\r\n\r\n'))).toBe(
      'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\nDate: <date>\r\nContent-Length: 1\r\n\r\n1',
    );
    expect(
      normaliseDate(await exchange(app, 'POST /health HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n500')),
    ).toBe('HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n');
    expect(logs).toContain('Update health check status code [500]');
    expect(normaliseDate(await exchange(app, 'GET /health HTTP/1.1\r\nHost: h\r\n\r\n'))).toBe(
      'HTTP/1.1 500 Internal Server Error\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
    expect(
      normaliseDate(await exchange(app, 'POST /health HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc')),
    ).toBe(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: <date>\r\nContent-Length: 53\r\n\r\n' +
        "invalid character 'a' looking for beginning of value\n",
    );
  });

  it.each([
    { size: '', want: '' },
    { size: '1', want: '' },
    { size: '2', want: '||' },
    { size: '10', want: '|ABCDEFGH|' },
    { size: '30', want: '|ABCDEFGHIJKLMNOPQRSTUVWXYZ-A|' },
  ])('/data?size=$size', async ({ size, want }) => {
    const { app } = start();
    const raw = await exchange(app, `GET /data?size=${size} HTTP/1.1\r\nHost: h\r\n\r\n`);
    expect(raw.split('\r\n\r\n')[1]).toBe(want);
  });

  it('/data over 512 bytes goes out chunked: 512 bytes first, as io.Copy sniffs', async () => {
    const { app } = start();
    const raw = await exchange(app, 'GET /data?size=1&unit=KB HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(raw).toMatch(
      /^HTTP\/1\.1 200 OK\r\nDate: .*\r\nContent-Type: text\/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n\|ABC/,
    );
    expect(raw).toContain('\r\n200\r\n');
    expect(raw.endsWith('|\r\n0\r\n\r\n')).toBe(true);
  });

  it('logs every request twice with --verbose, with the virtual client address', async () => {
    const { app, logs } = start(['--verbose']);
    await exchange(app, 'GET /bench?x=1 HTTP/1.1\r\nHost: h\r\n\r\n');
    const line =
      '2026/01/02 03:04:05 10.244.0.7:41234 - - [02/Jan/2026:03:04:05 +0000] "GET /bench HTTP/1.1" - -';
    expect(logs.slice(1)).toEqual([line, line]);
  });

  it('bad flags exit 2 with the Go flag usage', () => {
    const fc = fakeAppContext();
    expect(createWhoami(fc.ctx, ['--bogus'])).toEqual({
      kind: 'start-failure',
      exitCode: 2,
      message:
        'flag provided but not defined: -bogus\nUsage of /whoami:\n' +
        '  -cacert string\n    \tgive me a CA chain, enforces mutual TLS\n' +
        '  -cert string\n    \tgive me a certificate\n' +
        '  -key string\n    \tgive me a key\n' +
        '  -name string\n    \tgive me a name\n' +
        '  -port string\n    \tgive me a port number (default "80")\n' +
        '  -verbose\n    \tEnable verbose logging',
    });
  });

  it('answers malformed HTTP with 400 and keeps serving other connections', async () => {
    const { app } = start();
    const { client, server } = socketPair();
    app.handleConnection({ socket: server, tuple: clientTuple(80) });
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((r) => client.on('end', r));
    client.write('THIS IS NOT HTTP\r\n\r\n');
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    );
    expect(await exchange(app, 'GET /bench HTTP/1.1\r\nHost: h\r\n\r\n')).toContain('\r\n\r\n1');
  });

  it('serves keep-alive requests on one connection', async () => {
    const { app } = start();
    const { client, server } = socketPair();
    app.handleConnection({ socket: server, tuple: clientTuple(80) });
    let text = '';
    client.on('data', (c: Buffer) => {
      text += c.toString();
    });
    client.write(
      'GET /bench HTTP/1.1\r\nHost: h\r\n\r\nGET /bench HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    await new Promise((r) => client.on('end', r));
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(text).toContain('Connection: close\r\n');
  });
});

describe('whoami /echo WebSocket', () => {
  it('upgrades and echoes messages, printing the bytes as whoami does', async () => {
    const { WebSocket } = await import('ws');
    const { app, logs } = start();
    const { client, server } = socketPair();
    app.handleConnection({ socket: server, tuple: clientTuple(80) });
    const ws = new WebSocket('ws://10.244.1.5/echo', { createConnection: () => client as never });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (data: Buffer) => resolve(data.toString()));
      ws.on('error', reject);
    });
    ws.terminate();
    expect(reply).toBe('hi');
    expect(logs).toContain('Received b:104,105,');
  });

  it('answers gorilla’s handshake error to a plain GET /echo', async () => {
    const { app } = start();
    const raw = normaliseDate(await exchange(app, 'GET /echo HTTP/1.1\r\nHost: h\r\n\r\n'));
    expect(raw).toBe(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nSec-Websocket-Version: 13\r\nX-Content-Type-Options: nosniff\r\nDate: <date>\r\nContent-Length: 12\r\n\r\nBad Request\n',
    );
  });
});
