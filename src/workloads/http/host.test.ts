import { describe, expect, it } from 'vitest';
import { parseGoFlags } from '../go/flag.js';
import { goDuration, goQuote, goTimeString } from '../go/format.js';
import { parsePflags } from '../go/pflag.js';
import { createWhoami } from '../images/whoami.js';
import { clientTuple, exchange, fakeAppContext, normaliseDate } from '../testing/fake-context.js';
import { socketPair } from '../testing/socket-pair.js';
import type { App } from '../types.js';
import { detectContentType } from './go-response.js';

function whoami(): App {
  const app = createWhoami(fakeAppContext().ctx, []);
  if ('kind' in app) throw new Error(app.message);
  return app;
}

describe('Go wire format over the shared host', () => {
  it('sends no Node-added headers (the exact-head override still works on this Node)', async () => {
    const raw = await exchange(whoami(), 'GET /bench HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(raw).not.toMatch(/Keep-Alive|Transfer-Encoding/);
    expect(raw.split('\r\n').filter((l) => l.startsWith('Connection:'))).toEqual(['Connection: keep-alive']);
  });

  it('HTTP/1.0: status line 1.0, no Connection header unless keep-alive was asked', async () => {
    expect(normaliseDate(await exchange(whoami(), 'GET /bench HTTP/1.0\r\n\r\n'))).toBe(
      // The handler's `Connection: keep-alive` is dropped: Go closes HTTP/1.0 connections without keep-alive.
      'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nDate: <date>\r\nContent-Length: 1\r\n\r\n1',
    );
    expect(
      normaliseDate(await exchange(whoami(), 'GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')),
    ).toBe('HTTP/1.0 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
  });

  it('HTTP/1.1 without Host is refused before the handler, as Go does', async () => {
    const { client, server } = socketPair();
    whoami().handleConnection({ socket: server, tuple: clientTuple(80) });
    let text = '';
    client.on('data', (d: Buffer) => (text += d));
    client.write('GET / HTTP/1.1\r\n\r\n');
    await new Promise((r) => client.on('end', r));
    expect(text).toBe(
      'HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header',
    );
  });

  it("takes request heads up to Go's 1 MiB MaxHeaderBytes, and answers 431 beyond", async () => {
    const line = (n: number) => `X-${n}: ${'b'.repeat(7000)}\r\n`;
    const head = (lines: number) =>
      `GET /bench HTTP/1.1\r\nHost: h\r\n${Array.from({ length: lines }, (_, i) => line(i)).join('')}\r\n`;
    // 28 KB: over Node's default 16 KiB, far under Go's limit.
    expect(await exchange(whoami(), head(4))).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const { client, server } = socketPair();
    whoami().handleConnection({ socket: server, tuple: clientTuple(80) });
    let text = '';
    client.on('data', (d: Buffer) => (text += d));
    client.write(head(160)); // 1.1 MB
    await new Promise((r) => client.on('end', r));
    expect(text).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large',
    );
  });

  it('ServeMux cleans paths with a 301', async () => {
    expect(normaliseDate(await exchange(whoami(), 'GET //bench/../api HTTP/1.1\r\nHost: h\r\n\r\n'))).toBe(
      'HTTP/1.1 301 Moved Permanently\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /api\r\nDate: <date>\r\nContent-Length: 39\r\n\r\n<a href="/api">Moved Permanently</a>.\n\n',
    );
  });

  it.each([
    { body: '<html><body>', want: 'text/html; charset=utf-8' },
    { body: '{"a":1}', want: 'text/plain; charset=utf-8' },
    { body: '\x00\x01binary', want: 'application/octet-stream' },
    { body: '<?xml version="1.0"?>', want: 'text/xml; charset=utf-8' },
  ])('DetectContentType($body)', ({ body, want }) => {
    expect(detectContentType(Buffer.from(body, 'latin1'))).toBe(want);
  });
});

describe('Go formatting and flag parsing', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500ns'],
    [0.0123, '12.3µs'],
    [1.5, '1.5ms'],
    [2500, '2.5s'],
    [90_000, '1m30s'],
    [7_200_000, '2h0m0s'],
  ])('goDuration(%s) = %s', (ms, want) => expect(goDuration(ms)).toBe(want));

  it('quotes and time strings', () => {
    expect(goQuote('a"b\n\x01é')).toBe('"a\\"b\\n\\x01é"');
    expect(goTimeString(Date.UTC(2025, 0, 2, 3, 4, 5, 120), 12_345.678)).toBe(
      '2025-01-02 03:04:05.12 +0000 UTC m=+12.345678000',
    );
  });

  it('Go flag: bool forms, -- terminator, bad values', () => {
    const defs = [
      { name: 'v', kind: 'bool' as const, usage: 'verbose', defaultValue: 'false' },
      { name: 'n', kind: 'int' as const, usage: 'count', defaultValue: '1' },
    ];
    expect(parseGoFlags('/p', defs, ['-v', '--n=0x10', 'rest', '-v=false'])).toEqual({
      ok: true,
      values: { v: true, n: 16 },
      args: ['rest', '-v=false'],
    });
    expect(parseGoFlags('/p', defs, ['-n', 'x'])).toEqual({
      ok: false,
      exitCode: 2,
      output:
        'invalid value "x" for flag -n: parse error\nUsage of /p:\n  -n int\n    \tcount (default 1)\n  -v\tverbose\n',
    });
    expect(parseGoFlags('/p', defs, ['-h'])).toMatchObject({ ok: false, exitCode: 0 });
  });

  it('pflag: shorthands, interspersed args, normalised names', () => {
    const defs = [{ name: 'http-port', kind: 'int' as const, usage: 'port', defaultValue: '8080' }];
    expect(parsePflags(defs, ['--http_port', '9', 'x', '-v', '3'])).toMatchObject({
      ok: true,
      args: ['x'],
      values: { 'http-port': 9, v: 3 },
    });
    expect(parsePflags(defs, ['-z'])).toEqual({ ok: false, error: "unknown shorthand flag: 'z' in -z" });
    expect(parsePflags(defs, ['--http-port'])).toEqual({
      ok: false,
      error: 'flag needs an argument: --http-port',
    });
  });
});
