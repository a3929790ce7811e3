import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { nginx } from '../testing/cases-annotations.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { IngressHarness } from '../testing/harness.js';
import { send } from '../testing/http-target.js';
import { rawConnect, rawExchange } from '../testing/raw-client.js';
import { CASE_CLIENT_IP } from '../testing/run-cases.js';
import { clientResponseHead, upstreamRequestHead, validHeaderName } from './headers.js';
import type { ResponseHead } from './response-parser.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(ingresses: ReturnType<typeof ingress>[], leanFront = true): Promise<IngressHarness> {
  const w = backendWorld(ingresses);
  h = await IngressHarness.start({
    snapshot: {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
    limits: { leanFront },
  });
  return h;
}

const WEB = () => ingress('web', { rules: [rule('shop.example.com', ['/', 'Prefix', 'web'])] });

describe('request headers towards the pod (reference §2.1)', () => {
  it('sets Host verbatim, X-Real-IP, X-Forwarded-* and a 32-hex X-Request-ID from the connection', async () => {
    const h = await start([WEB()]);
    const res = await send(h, {
      host: 'shop.example.com:30080',
      path: '/cart',
      headers: { 'user-agent': 'curl/8.5.0' },
    });
    expect(res.echo?.headers).toMatchObject({
      host: 'shop.example.com:30080',
      'x-real-ip': CASE_CLIENT_IP,
      'x-forwarded-for': CASE_CLIENT_IP,
      'x-forwarded-host': 'shop.example.com:30080',
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
      'x-forwarded-scheme': 'http',
      'x-scheme': 'http',
      'user-agent': 'curl/8.5.0',
    });
    expect(res.echo?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.echo?.headerOrder.slice(0, 10)).toEqual([
      'Host',
      'X-Request-ID',
      'X-Real-IP',
      'X-Forwarded-For',
      'X-Forwarded-Host',
      'X-Forwarded-Port',
      'X-Forwarded-Proto',
      'X-Forwarded-Scheme',
      'X-Scheme',
      'user-agent',
    ]);
  });

  it('replaces client X-Forwarded-* and keeps the originals as X-Original-Forwarded-* (e2e forwarded_headers)', async () => {
    const h = await start([WEB()]);
    const res = await send(h, {
      host: 'shop.example.com',
      path: '/',
      headers: {
        'x-forwarded-for': '1.2.3.4',
        'x-forwarded-host': 'myhost',
        'x-forwarded-proto': 'myproto',
        'x-forwarded-port': '1234',
        'x-request-id': 'abc-123',
      },
    });
    const hd = res.echo?.headers ?? {};
    expect(hd).toMatchObject({
      'x-forwarded-for': CASE_CLIENT_IP,
      'x-forwarded-host': 'shop.example.com',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '80',
      'x-original-forwarded-for': '1.2.3.4',
      'x-original-forwarded-host': 'myhost',
      'x-request-id': 'abc-123',
    });
  });

  it('drops hop-by-hop headers, Proxy, and every header the client Connection names', async () => {
    const h = await start([WEB()]);
    const raw = await rawExchange(
      h.httpPort,
      'GET / HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: 5\r\nTE: trailers\r\nProxy: http://evil\r\nX-Kept: k\r\n\r\n',
    );
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(body.headers['x-kept']).toBe('k');
    for (const gone of ['x-secret', 'keep-alive', 'te', 'proxy', 'connection'])
      expect(body.headers[gone], gone).toBeUndefined();
  });

  it.each([true, false])(
    'ignores headers whose names nginx finds invalid (underscores_in_headers off, ignore_invalid_headers on; leanFront %s)',
    async (leanFront) => {
      const h = await start([WEB()], leanFront);
      const head =
        'GET / HTTP/1.1\r\nHost: shop.example.com\r\nX-Under_score: 1\r\n_lead: 2\r\nX.Dot: 3\r\nX!: 4\r\n' +
        'X_Forwarded_For: 9.9.9.9\r\nConnection: close\r\nX-Kept: k\r\n\r\n';
      const raw = await rawExchange(h.httpPort, head);
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { headerOrder: string[] };
      expect(body.headerOrder.slice(9)).toEqual(['X-Kept']);
      // $request_length still counts every byte of the head, as nginx reads them all.
      expect(h.accessLog().at(-1)).toContain(`"-" "-" ${head.length} `);
    },
  );

  it('upstream-vhost replaces Host; x-forwarded-prefix is sent with a rewrite', async () => {
    const h = await start([
      ingress(
        'rw',
        { rules: [rule('shop.example.com', ['/app(/|$)(.*)', 'ImplementationSpecific', 'web'])] },
        {
          annotations: nginx({
            'rewrite-target': '/$2',
            'upstream-vhost': 'internal.svc',
            'x-forwarded-prefix': '/app',
          }),
        },
      ),
    ]);
    const res = await send(h, { host: 'shop.example.com', path: '/app/x?y=1' });
    expect(res.echo?.path).toBe('/x?y=1');
    expect(res.echo?.headers.host).toBe('internal.svc');
    expect(res.echo?.headers['x-forwarded-prefix']).toBe('/app');
  });

  it('streams request bodies with their Content-Length, and chunked bodies chunked', async () => {
    const h = await start([WEB()]);
    const res = await send(h, {
      host: 'shop.example.com',
      path: '/upload',
      method: 'POST',
      body: 'hello=world',
    });
    expect(res.echo).toMatchObject({ method: 'POST', body: 'hello=world' });
    expect(res.echo?.headers['content-length']).toBe('11');
    const raw = await rawExchange(
      h.httpPort,
      'POST /c HTTP/1.1\r\nHost: shop.example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const echoed = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as {
      body: string;
      headers: Record<string, string>;
    };
    expect(echoed.body).toBe('hello world');
    expect(echoed.headers['transfer-encoding']).toBe('chunked');
  });
});

describe('response heads as nginx writes them (reference §2.2)', () => {
  it('hides the pod Server and Date, adds its own Date and no Server, keeps the rest in order', async () => {
    const h = await start([WEB()]);
    const raw = await rawExchange(
      h.httpPort,
      'GET / HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n',
    );
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
    expect(head[0]).toBe('HTTP/1.1 200 OK');
    expect(head.map((l) => l.split(':')[0])).toEqual([
      'HTTP/1.1 200 OK',
      'Date',
      'Content-Type',
      'Content-Length',
      'Connection',
      'X-Pod',
    ]);
    expect(head).toContain('Connection: close');
    expect(raw).not.toMatch(/^Server:/m);
  });

  it.each([
    // [request path, the pod's status line, which the client gets as is]
    ['/status/418?reason=I%27m%20a%20teapot', "HTTP/1.1 418 I'm a teapot"],
    ['/status/425', 'HTTP/1.1 425 Too Early'],
    ['/status/431', 'HTTP/1.1 431 Request Header Fields Too Large'],
    ['/status/451', 'HTTP/1.1 451 Unavailable For Legal Reasons'],
    ['/status/299', 'HTTP/1.1 299 unknown'],
    ['/status/599?reason=Custom%20Failure', 'HTTP/1.1 599 Custom Failure'],
    ['/status/599?reason=', 'HTTP/1.1 599 '],
    ['/status/200?reason=Fine%20Thanks', 'HTTP/1.1 200 Fine Thanks'],
    ['/status/503', 'HTTP/1.1 503 Service Unavailable'],
  ])("passes the pod's status line through (nginx status_line): %s", async (path, line) => {
    for (const leanFront of [true, false]) {
      const h = await start([WEB()], leanFront);
      const raw = await rawExchange(
        h.httpPort,
        `GET ${path} HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n`,
      );
      expect(raw.slice(0, raw.indexOf('\r\n')), `leanFront ${leanFront}`).toBe(line);
      expect(raw).toMatch(
        /\r\nDate: [^\r]+ GMT\r\nContent-Type: application\/json\r\nContent-Length: \d+\r\n/,
      );
      await h.close();
    }
  });

  it('keeps the upstream status line on every response of a kept-alive connection', async () => {
    const h = await start([WEB()]);
    const conn = await rawConnect(h.httpPort);
    for (const n of [1, 2, 3]) {
      conn.socket.write(`GET /status/418?n=${n} HTTP/1.1\r\nHost: shop.example.com\r\n\r\n`);
      await conn.waitFor(`"path":"/status/418?n=${n}"`);
    }
    expect(conn.received().match(/^HTTP\/1\.1 .*$/gm)).toEqual([
      "HTTP/1.1 418 I'm a Teapot",
      "HTTP/1.1 418 I'm a Teapot",
      "HTTP/1.1 418 I'm a Teapot",
    ]);
    conn.socket.destroy();
  });

  it('re-chunks a chunked pod response for HTTP/1.1 clients and closes for HTTP/1.0 ones', async () => {
    const h = await start([WEB()]);
    const v11 = await rawExchange(
      h.httpPort,
      'GET /chunked HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n',
    );
    expect(v11).toMatch(/^Transfer-Encoding: chunked$/m);
    expect(v11.endsWith('0\r\n\r\n')).toBe(true);
    const v10 = await rawExchange(h.httpPort, 'GET /eof HTTP/1.0\r\nHost: shop.example.com\r\n\r\n');
    expect(v10).toMatch(/^Connection: close$/m);
    expect(v10).not.toMatch(/Transfer-Encoding/);
    expect(v10).toContain('"pod":"web-0"');
  });

  it('keeps client connections alive and reuses upstream keepalive connections', async () => {
    const h = await start([WEB()]);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write('GET /a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n');
    await conn.waitFor('"path":"/a"');
    conn.socket.write('GET /b HTTP/1.1\r\nHost: shop.example.com\r\n\r\n');
    await conn.waitFor('"path":"/b"');
    expect(conn.received().match(/HTTP\/1\.1 200 OK\r\n/g)).toHaveLength(2);
    expect(conn.closed()).toBe(false);
    conn.socket.destroy();
    const pod = h.pods.get('10.244.10.2:8080');
    expect(pod?.received.map((r) => r.path)).toEqual(['/a', '/b']);
    expect(new Set(pod?.received.map((r) => r.remote)).size).toBe(1);
  });
});

describe('upstreamRequestHead (pure)', () => {
  it('keeps the first X-Forwarded-For/-Host as X-Original-*, drops what any Connection header names', () => {
    const head = upstreamRequestHead({
      method: 'GET',
      target: '/p',
      rawHeaders: [
        'X-Forwarded-For',
        '1.1.1.1',
        'Connection',
        'keep-alive, X-A',
        'x-forwarded-for',
        '2.2.2.2',
        'X-A',
        'a',
        'CONNECTION',
        'x-b',
        'X-B',
        'b',
        'X-Forwarded-Host',
        'first',
        'X-Forwarded-Host',
        'second',
        'X-Kept',
        'k',
        'Keep-Alive',
        '5',
      ],
      host: 'shop.example.com',
      upgrade: undefined,
      requestId: 'rid',
      remoteAddr: '10.0.0.9',
      port: 80,
      scheme: 'http',
      xForwardedPrefix: undefined,
      body: undefined,
    });
    expect(head.split('\r\n')).toEqual([
      'GET /p HTTP/1.1',
      'Host: shop.example.com',
      'X-Request-ID: rid',
      'X-Real-IP: 10.0.0.9',
      'X-Forwarded-For: 10.0.0.9',
      'X-Forwarded-Host: shop.example.com',
      'X-Forwarded-Port: 80',
      'X-Forwarded-Proto: http',
      'X-Forwarded-Scheme: http',
      'X-Scheme: http',
      'X-Original-Forwarded-For: 1.1.1.1',
      'X-Original-Forwarded-Host: first',
      'X-Kept: k',
      '',
      '',
    ]);
  });
});

describe('client headers nginx ignores', () => {
  it.each([
    ['X-Under_score', false],
    ['_', false],
    ['X.Dot', false],
    ["X!#$%&'*+^`|~", false],
    ['X-\u00e9', false],
    ['', false],
    ['X-Ok-09', true],
    ['host', true],
  ])('%j → %s', (name, want) => expect(validHeaderName(name)).toBe(want));

  it('the upstream head carries exactly the client headers with valid names that are not replaced (property)', () => {
    const NAME = fc.string({ unit: fc.constantFrom(...'aZ9-_.!~'), minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(NAME, fc.string({ unit: fc.constantFrom(...'ab1 '), maxLength: 3 })), {
          maxLength: 8,
        }),
        (pairs) => {
          const rawHeaders = pairs.flatMap(([n, v]) => [`X${n}`, v]);
          const head = upstreamRequestHead({
            method: 'GET',
            target: '/',
            rawHeaders,
            host: 'h',
            upgrade: undefined,
            requestId: 'rid',
            remoteAddr: '10.0.0.9',
            port: 80,
            scheme: 'http',
            xForwardedPrefix: undefined,
            body: undefined,
          });
          const lines = head.split('\r\n').slice(10, -2);
          const want = pairs.filter(([n]) => /^[A-Za-z0-9-]+$/.test(`X${n}`)).map(([n, v]) => `X${n}: ${v}`);
          expect(lines).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('clientResponseHead', () => {
  const upstream: ResponseHead = {
    status: 200,
    reason: 'OK',
    statusLine: 'HTTP/1.1 200 OK',
    httpVersion: '1.1',
    headers: [
      ['Date', 'Sun, 22 Nov 2026 01:00:00 GMT'],
      ['Content-Type', 'text/plain'],
      ['X-App', 'echo'],
      ['Server', 'pod'],
    ],
    contentLength: 2,
    chunked: false,
    close: false,
    headBytes: 0,
  };
  const framing = { contentLength: 2, chunked: false, keepAlive: true };
  const at = (s: number) => Date.UTC(2026, 10, 22, 1, 0, s);

  it('writes the current second for every response of one upstream head, and extra lines after it', () => {
    const heads = [0, 0, 1, 1, 3].map((s) => clientResponseHead(upstream, framing, at(s) + 250, []));
    expect(heads.map((h) => /Date: ([^\r]*)/.exec(h)?.[1])).toEqual([
      'Sun, 22 Nov 2026 01:00:00 GMT',
      'Sun, 22 Nov 2026 01:00:00 GMT',
      'Sun, 22 Nov 2026 01:00:01 GMT',
      'Sun, 22 Nov 2026 01:00:01 GMT',
      'Sun, 22 Nov 2026 01:00:03 GMT',
    ]);
    expect(heads[4]).toBe(
      'HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 01:00:03 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nX-App: echo',
    );
    expect(clientResponseHead(upstream, framing, at(3), [['Set-Cookie', 'a=1']])).toBe(
      `${heads[4]}\r\nSet-Cookie: a=1`,
    );
    expect(clientResponseHead(upstream, framing, at(3), [])).toBe(heads[4]);
    expect(clientResponseHead(upstream, { ...framing, keepAlive: false }, at(3), [])).toContain(
      'Connection: close',
    );
  });

  it.each([
    ["HTTP/1.1 418 I'm a teapot", 418],
    ['HTTP/1.1 451 Unavailable For Legal Reasons', 451],
    ['HTTP/1.1 299 Fine', 299],
    ['HTTP/1.1 200 Okay-ish', 200],
    ['HTTP/1.1 200', 200],
  ])("sends the upstream's status line as is: %s", (statusLine, status) => {
    const head = { ...upstream, status, statusLine };
    expect(clientResponseHead(head, framing, at(3), [])).toBe(
      `${statusLine}\r\nDate: Sun, 22 Nov 2026 01:00:03 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nX-App: echo`,
    );
  });
});
