import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/clock.js';
import { nginx } from '../testing/cases-annotations.js';
import type { EchoApp } from '../testing/echo-app.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { type HarnessOptions, IngressHarness } from '../testing/harness.js';
import { send } from '../testing/http-target.js';
import { rawConnect, rawExchange } from '../testing/raw-client.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(
  ingresses: ReturnType<typeof ingress>[],
  extra: Partial<HarnessOptions> & { readonly replicas?: number } = {},
): Promise<IngressHarness> {
  const w = backendWorld(ingresses, { web: { replicas: extra.replicas ?? 1 } });
  h = await IngressHarness.start({
    snapshot: {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
    ...extra,
  });
  return h;
}

function page(status: string): string {
  return `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** The `web` Ingress on example.com with `nginx.ingress.kubernetes.io/` annotations. */
const WEB = (annotations: Record<string, string> = {}) =>
  ingress(
    'web',
    { rules: [rule('example.com', ['/', 'Prefix', 'web'])] },
    { annotations: nginx(annotations) },
  );

/** Steps `clock` by `stepMs` every few real milliseconds until `pending` settles. */
async function driveClock<T>(
  clock: FakeClock,
  pending: Promise<T>,
  stepMs: number,
  maxSteps = 200,
): Promise<T> {
  let settled = false;
  void pending.finally(() => {
    settled = true;
  });
  for (let i = 0; i < maxSteps && !settled; i++) {
    await new Promise((r) => setTimeout(r, 10));
    clock.step(stepMs);
  }
  return pending;
}

describe("nginx's own pages, byte for byte", () => {
  it('404 from the default backend', async () => {
    const h = await start([WEB()]);
    const raw = await rawExchange(
      h.httpPort,
      'GET / HTTP/1.1\r\nHost: unknown.test\r\nConnection: close\r\n\r\n',
    );
    const body = page('404 Not Found');
    expect(body.length).toBe(146);
    expect(raw.replace(/^Date: .*$/m, 'Date: <date>')).toBe(
      `HTTP/1.1 404 Not Found\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 146\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  it('503 when the Service has no ready endpoint, with the upstream logged', async () => {
    const ingresses = [WEB()];
    const w = backendWorld(ingresses, { web: { notReady: true } });
    h = await IngressHarness.start({
      snapshot: {
        ingresses,
        ingressClasses: [ingressClass()],
        services: w.services,
        endpointSlices: w.endpointSlices,
        secrets: [],
      },
      pods: [],
    });
    const res = await send(h, { host: 'example.com', path: '/' });
    expect(res.status).toBe(503);
    expect(res.body).toBe(page('503 Service Temporarily Unavailable'));
    expect(h.accessLog().at(-1)).toMatch(
      /"GET \/ HTTP\/1\.1" 503 190 "-" "-" \d+ 0\.\d{3} \[default-web-80\] \[\] - - - - [0-9a-f]{32}$/,
    );
  });

  it('502 after proxy_next_upstream_tries (3) attempts, round-robin reusing a failed endpoint', async () => {
    const ingresses = [WEB()];
    const w = backendWorld(ingresses, { web: { replicas: 2 } });
    h = await IngressHarness.start({
      snapshot: {
        ingresses,
        ingressClasses: [ingressClass()],
        services: w.services,
        endpointSlices: w.endpointSlices,
        secrets: [],
      },
      pods: [],
    });
    const res = await send(h, { host: 'example.com', path: '/' });
    expect(res.status).toBe(502);
    expect(res.body).toBe(page('502 Bad Gateway'));
    expect(h.accessLog().at(-1)).toContain(
      '[default-web-80] [] 10.244.10.2:8080, 10.244.10.3:8080, 10.244.10.2:8080 0, 0, 0 ',
    );
    expect(h.accessLog().at(-1)).toMatch(/ 502, 502, 502 [0-9a-f]{32}$/);
  });

  it('a refusing endpoint is skipped for the next one (proxy_next_upstream error)', async () => {
    const ingresses = [WEB()];
    const w = backendWorld(ingresses, { web: { replicas: 2 } });
    h = await IngressHarness.start({
      snapshot: {
        ingresses,
        ingressClasses: [ingressClass()],
        services: w.services,
        endpointSlices: w.endpointSlices,
        secrets: [],
      },
      pods: w.pods.slice(1),
    });
    const res = await send(h, { host: 'example.com', path: '/' });
    expect(res.status).toBe(200);
    expect(res.echo?.pod).toBe('web-1');
    expect(h.accessLog().at(-1)).toMatch(
      /10\.244\.10\.2:8080, 10\.244\.10\.3:8080 0, \d+ [\d.]+, [\d.]+ 502, 200 /,
    );
  });
});

describe('timeouts (proxy-connect-timeout, proxy-read-timeout; FakeClock)', () => {
  it('504 when connecting takes longer than proxy-connect-timeout', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const h = await start([WEB({ 'proxy-connect-timeout': '2', 'proxy-next-upstream-tries': '1' })], {
      clock,
      blackholes: ['10.244.10.2'],
    });
    const t0 = clock.now();
    const res = await driveClock(clock, send(h, { host: 'example.com', path: '/' }), 250);
    expect(res.status).toBe(504);
    expect(res.body).toBe(page('504 Gateway Time-out'));
    expect(clock.now() - t0).toBeGreaterThanOrEqual(2000);
  });

  it.each([true, false])(
    'a client that stalls its body is closed without an answer, 408 in the log only (leanFront %s)',
    async (leanFront) => {
      const clock = new FakeClock(Date.UTC(2026, 0, 2));
      const h = await start([WEB({ 'proxy-send-timeout': '3' })], { clock, limits: { leanFront } });
      const conn = await rawConnect(h.httpPort);
      conn.socket.write('POST /up HTTP/1.1\r\nHost: example.com\r\nContent-Length: 10\r\n\r\nabc');
      await new Promise((r) => setTimeout(r, 50));
      const closed = conn.waitFor('\0never sent', 3000).catch(() => {});
      for (let i = 0; i < 40 && !conn.closed(); i++) {
        clock.step(250);
        await new Promise((r) => setTimeout(r, 10));
      }
      await closed;
      expect(conn.closed()).toBe(true);
      expect(conn.received()).toBe('');
      expect(h.accessLog().at(-1)).toMatch(/"POST \/up HTTP\/1\.1" 408 0 "-" "-" \d+ /);
    },
  );

  it('504 after three proxy-read-timeouts on the one pod (a failed endpoint is tried again)', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const h = await start([WEB({ 'proxy-read-timeout': '3' })], { clock });
    const t0 = clock.now();
    const res = await driveClock(clock, send(h, { host: 'example.com', path: '/hang' }), 250);
    expect(res.status).toBe(504);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(9000);
    expect(clock.now() - t0).toBeLessThan(10000);
    expect(h.accessLog().at(-1)).toMatch(
      /"GET \/hang HTTP\/1\.1" 504 .* (10\.244\.10\.2:8080), \1, \1 0, 0, 0 [\d.]+, [\d.]+, [\d.]+ 504, 504, 504 [0-9a-f]{32}$/,
    );
  });
});

describe('bad clients (reference "Bad input")', () => {
  it.each([
    { name: 'a malformed request line', bytes: 'GARBAGE\r\n\r\n', status: '400 Bad Request' },
    { name: 'an invalid Host', bytes: 'GET / HTTP/1.1\r\nHost: bad/host\r\n\r\n', status: '400 Bad Request' },
    { name: 'HTTP/1.1 without Host', bytes: 'GET / HTTP/1.1\r\n\r\n', status: '400 Bad Request' },
    {
      name: 'Content-Length with chunked',
      bytes:
        'POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      status: '400 Bad Request',
    },
  ])('$name → 400 and close', async ({ bytes, status }) => {
    const h = await start([WEB()]);
    const raw = await rawExchange(h.httpPort, bytes);
    expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 ${status}\\r\\n`));
    expect(raw).toContain('Connection: close');
    expect(raw).toContain(`<center><h1>${status}</h1></center>`);
  });

  it.each([true, false])(
    'a refused request line is logged as nginx saw it, escaped, with a generated $req_id (leanFront %s)',
    async (leanFront) => {
      const h = await start([WEB()], { limits: { leanFront } });
      await rawExchange(h.httpPort, '\r\nGAR"BAGE \\x\r\n\r\n');
      expect(h.accessLog().at(-1)).toMatch(
        / "GAR\\x22BAGE \\x5Cx" 400 \d+ "-" "-" 0 0\.000 \[\] \[\] - - - - [0-9a-f]{32}$/,
      );
      await rawExchange(h.httpPort, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x0a, 0x41]));
      expect(h.accessLog().at(-1)).toMatch(/ "\\x16\\x03\\x01\\x00\\x05" 400 /);
    },
  );

  it('a header line over 8k → 400 "Request Header Or Cookie Too Large"; a request line over 8k → 414', async () => {
    const h = await start([WEB()]);
    const big = await rawExchange(
      h.httpPort,
      `GET / HTTP/1.1\r\nHost: example.com\r\nCookie: ${'a'.repeat(9000)}\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(big).toContain('<head><title>400 Request Header Or Cookie Too Large</title></head>');
    expect(big).toContain('<center>Request Header Or Cookie Too Large</center>');
    const huge = await rawExchange(
      h.httpPort,
      `GET / HTTP/1.1\r\nHost: example.com\r\n${'X-A: b\r\n'.repeat(6000)}\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const uri = await rawExchange(
      h.httpPort,
      `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: example.com\r\n\r\n`,
    );
    expect(uri).toMatch(/^HTTP\/1\.1 414 Request-URI Too Large\r\n/);
  });

  it('a chunked body over proxy-body-size → 413', async () => {
    const h = await start([WEB({ 'proxy-body-size': '1k' })]);
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const raw = await rawExchange(
      h.httpPort,
      `POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
  });

  it('slowloris: a request head not complete within client_header_timeout is closed', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const h = await start([WEB()], { clock, limits: { clientHeaderTimeoutMs: 10_000 } });
    const conn = await rawConnect(h.httpPort);
    conn.socket.write('GET / HTTP/1.1\r\nHost: exa');
    await new Promise((r) => setTimeout(r, 50));
    clock.step(5000);
    conn.socket.write('mple.com\r\nX-Slow: 1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.closed()).toBe(false);
    clock.step(5001);
    await conn.waitFor('never-arrives', 2000).catch(() => {});
    expect(conn.closed()).toBe(true);
    expect(conn.received()).toBe('');
    expect(h.accessLog().at(-1)).toMatch(/"-" 408 0 /);
  });

  it('keepalive_requests: the last allowed request is answered with Connection: close, then the connection closes', async () => {
    const h = await start([WEB()], { limits: { keepAliveRequests: 3 } });
    const conn = await rawConnect(h.httpPort);
    for (const path of ['/1', '/2', '/3']) {
      conn.socket.write(`GET ${path} HTTP/1.1\r\nHost: example.com\r\n\r\n`);
      await conn.waitFor(`"path":"${path}"`);
    }
    await conn.waitFor('never-arrives', 2000).catch(() => {});
    expect(conn.closed()).toBe(true);
    const heads = conn.received().match(/^Connection: .*$/gm);
    expect(heads).toEqual(['Connection: keep-alive', 'Connection: keep-alive', 'Connection: close']);
    expect(h.accessLog()).toHaveLength(3);
  });

  it('an idle keep-alive connection is closed after keepalive_timeout', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const h = await start([WEB()], { clock, limits: { keepAliveTimeoutMs: 20_000 } });
    const conn = await rawConnect(h.httpPort);
    conn.socket.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
    await conn.waitFor('"pod":"web-0"');
    clock.step(19_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.closed()).toBe(false);
    clock.step(2000);
    await conn.waitFor('never-arrives', 2000).catch(() => {});
    expect(conn.closed()).toBe(true);
  });
});

/** `WEB()` plus `exact.example.com` (`Exact /ex` → Service `exact`), both fronts. */
async function startBoth(leanFront: boolean, ingresses = [WEB(), EXACT()]): Promise<IngressHarness> {
  return start(ingresses, { limits: { leanFront } });
}

const EXACT = () => ingress('exact', { rules: [rule('exact.example.com', ['/ex', 'Exact', 'exact'])] });

/** The echo pod of `service` (one replica). */
function podOf(h: IngressHarness, service: string): EchoApp {
  const pod = [...h.pods.values()].find((p) => p.identity.service === service);
  if (!pod) throw new Error(`no pod for ${service}`);
  return pod;
}

/** Sends `bytes` on a fresh connection; resolves with what came back once the server has closed it. */
async function untilClosed(port: number, bytes: string): Promise<string> {
  const conn = await rawConnect(port);
  conn.socket.write(bytes);
  await conn.waitFor('\0never sent', 3000);
  expect(conn.closed(), 'the controller closes the connection').toBe(true);
  return conn.received();
}

/** nginx's own answer with `status` (`505 HTTP Version Not Supported`), `Date` normalised. */
function answer(status: string): string {
  const body = page(status);
  return `HTTP/1.1 ${status}\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

describe('requests nginx refuses (ngx_http_parse.c, ngx_http_request.c)', () => {
  const CASES: readonly { readonly name: string; readonly bytes: string; readonly status: string }[] = [
    {
      name: 'two Host headers ("client sent duplicate host header")',
      bytes: 'GET / HTTP/1.1\r\nHost: example.com\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'two Host headers spelt differently',
      bytes: 'GET / HTTP/1.1\r\nHost: example.com\r\nhOST: other.test\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'TRACE ("client sent TRACE method")',
      bytes: 'TRACE / HTTP/1.1\r\nHost: example.com\r\n\r\n',
      status: '405 Not Allowed',
    },
    {
      name: 'HTTP/2.0 over HTTP/1 framing',
      bytes: 'GET / HTTP/2.0\r\nHost: example.com\r\n\r\n',
      status: '505 HTTP Version Not Supported',
    },
    {
      name: 'HTTP/3.0 (refused by Node’s parser)',
      bytes: 'GET / HTTP/3.0\r\nHost: example.com\r\n\r\n',
      status: '505 HTTP Version Not Supported',
    },
    {
      name: 'HTTP/10.0',
      bytes: 'GET / HTTP/10.0\r\nHost: example.com\r\n\r\n',
      status: '505 HTTP Version Not Supported',
    },
    {
      name: 'HTTP/2 without a minor version',
      bytes: 'GET / HTTP/2\r\nHost: example.com\r\n\r\n',
      status: '505 HTTP Version Not Supported',
    },
    {
      name: 'HTTP/0.9 with a head (a major version of 0)',
      bytes: 'GET / HTTP/0.9\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'Transfer-Encoding: gzip ("client sent unknown Transfer-Encoding")',
      bytes: 'POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      status: '501 Not Implemented',
    },
    {
      name: 'Transfer-Encoding: gzip, chunked',
      bytes:
        'POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      status: '501 Not Implemented',
    },
    {
      name: 'HTTP/1.0 with Transfer-Encoding: chunked',
      bytes:
        'POST / HTTP/1.0\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'a malformed escape in the path',
      bytes: 'GET /foo%zz HTTP/1.1\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'a truncated escape at the end of the path',
      bytes: 'GET /foo%2 HTTP/1.1\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: '%00 in the path',
      bytes: 'GET /a%00b HTTP/1.1\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'TRACE with a malformed path: the path is refused first',
      bytes: 'TRACE /foo%zz HTTP/1.1\r\nHost: example.com\r\n\r\n',
      status: '400 Bad Request',
    },
    {
      name: 'TRACE to an unknown host: refused before the default backend',
      bytes: 'TRACE / HTTP/1.1\r\nHost: nothing.test\r\n\r\n',
      status: '405 Not Allowed',
    },
  ];

  for (const leanFront of [true, false]) {
    it.each(CASES)(`$name → $status and close (leanFront ${leanFront})`, async ({ bytes, status }) => {
      const h = await startBoth(leanFront);
      const raw = await untilClosed(h.httpPort, bytes);
      expect(raw.replace(/^Date: .*$/m, 'Date: <date>')).toBe(answer(status));
      const code = status.slice(0, 3);
      expect(h.accessLog().at(-1)).toMatch(new RegExp(`" ${code} ${page(status).length} "`));
      expect(podOf(h, 'web').received).toEqual([]);
      expect(podOf(h, 'exact').received).toEqual([]);
    });
  }

  it('Transfer-Encoding: chunked in any case is a chunked body, proxied', async () => {
    const h = await start([WEB()]);
    const raw = await untilClosed(
      h.httpPort,
      'POST /up HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(podOf(h, 'web').received.map((r) => r.body)).toEqual(['abc']);
  });
});

describe('absolute-form request-targets (nginx selects the server by the request line)', () => {
  it.each([
    {
      name: 'the request line host wins over Host',
      bytes: 'GET http://exact.example.com/ex HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n',
      service: 'exact',
      path: '/ex',
      host: 'other',
    },
    {
      name: 'its port and case are dropped; the query is kept',
      bytes:
        'GET http://EXACT.example.com:8080/ex?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
      service: 'exact',
      path: '/ex?x=1',
      host: 'example.com',
    },
    {
      name: 'a host without a server goes to the catch-all, whatever Host says',
      bytes: 'GET http://nothing.test/ex HTTP/1.1\r\nHost: exact.example.com\r\nConnection: close\r\n\r\n',
      service: undefined,
      path: undefined,
      host: undefined,
    },
  ])('$name', async ({ bytes, service, path, host }) => {
    for (const leanFront of [true, false]) {
      const h = await startBoth(leanFront);
      const raw = await untilClosed(h.httpPort, bytes);
      const pod = podOf(h, 'exact');
      if (service === undefined) {
        expect(raw).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
        expect(pod.received).toEqual([]);
      } else {
        expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        // The pod gets the origin-form target and the client's Host ($best_http_host).
        expect(pod.received.map((r) => [r.service, r.path, r.host, r.headers['x-forwarded-host']])).toEqual([
          [service, path, host, host],
        ]);
        // $request is the request line as sent.
        expect(h.accessLog().at(-1)).toContain(`"${bytes.slice(0, bytes.indexOf('\r\n'))}" 200 `);
        expect(h.accessLog().at(-1)).toContain('[default-exact-80]');
      }
      await h.close();
    }
  });

  it('an invalid host in the request line → 400', async () => {
    const h = await start([WEB(), EXACT()]);
    const raw = await untilClosed(
      h.httpPort,
      'GET http://bad..host/ex HTTP/1.1\r\nHost: example.com\r\n\r\n',
    );
    expect(raw.replace(/^Date: .*$/m, 'Date: <date>')).toBe(answer('400 Bad Request'));
  });
});

describe('Expect: 100-continue (nginx sends it when it reads the body to proxy it)', () => {
  const HEAD = (host: string, length: number, path = '/') =>
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

  it.each([
    {
      name: 'a Content-Length over proxy-body-size',
      head: HEAD('example.com', 2048),
      status: '413 Request Entity Too Large',
    },
    { name: 'a permanent-redirect', head: HEAD('moved.example.com', 5), status: '301 Moved Permanently' },
  ])('$name: the answer at once, without 100 Continue', async ({ head, status }) => {
    const h = await start([
      WEB({ 'proxy-body-size': '1k' }),
      ingress(
        'moved',
        { rules: [rule('moved.example.com', ['/', 'Prefix', 'web'])] },
        { annotations: nginx({ 'permanent-redirect': 'https://elsewhere.test/' }) },
      ),
    ]);
    const raw = await untilClosed(h.httpPort, head);
    expect(raw).not.toContain('100 Continue');
    expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 ${status}\\r\\n`));
    expect(raw).toContain(`<center><h1>${status}</h1></center>`);
    expect(podOf(h, 'web').received).toEqual([]);
  });

  it('a proxied request: 100 Continue, then the body, then the answer', async () => {
    const h = await start([WEB({ 'proxy-body-size': '1k' })]);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write(HEAD('example.com', 5, '/up'));
    await conn.waitFor('\r\n\r\n');
    expect(conn.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    conn.socket.write('hello');
    await conn.waitFor('\0never sent', 3000);
    expect(conn.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(podOf(h, 'web').received.map((r) => r.body)).toEqual(['hello']);
  });

  it('the default backend (ingress-nginx proxies to its internal one): 100 Continue, then 404', async () => {
    const h = await start([WEB()]);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write(HEAD('nothing.test', 5, '/up'));
    await conn.waitFor('HTTP/1.1 100 Continue\r\n\r\n');
    conn.socket.write('hello');
    await conn.waitFor('\0never sent', 3000);
    expect(conn.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 404 Not Found\r\n/);
  });

  it('another expectation is ignored, as nginx does (no 417)', async () => {
    const h = await start([WEB()]);
    const raw = await untilClosed(
      h.httpPort,
      'POST /up HTTP/1.1\r\nHost: example.com\r\nExpect: something-else\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(podOf(h, 'web').received.map((r) => r.body)).toEqual(['hi']);
  });
});

describe("nginx's own redirects and early answers: head order and $proxy_upstream_name", () => {
  const INGRESSES = () => [
    WEB({ 'proxy-body-size': '1k' }),
    ingress('slash', { rules: [rule('slash.example.com', ['/slash/', 'Prefix', 'web'])] }),
    ingress(
      'root',
      { rules: [rule('root.example.com', ['/', 'Prefix', 'web'])] },
      { annotations: nginx({ 'app-root': '/app' }) },
    ),
    ingress(
      'moved',
      { rules: [rule('moved.example.com', ['/', 'Prefix', 'web'])] },
      { annotations: nginx({ 'permanent-redirect': 'https://elsewhere.test/' }) },
    ),
  ];
  const norm = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/^Date: .*$/m, 'Date: <date>');

  it.each([true, false])(
    'the trailing-slash 301 writes its Location before Connection; Locations set absolute come after (leanFront %s)',
    async (leanFront) => {
      const h = await start(INGRESSES(), { limits: { leanFront } });
      const get = (host: string, path: string) =>
        untilClosed(h.httpPort, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      const slash = norm(await get('slash.example.com', '/slash'));
      expect(slash).toBe(
        'HTTP/1.1 301 Moved Permanently\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 162\r\n' +
          'Location: http://slash.example.com/slash/\r\nConnection: close',
      );
      expect(h.accessLog().at(-1)).toMatch(
        /"GET \/slash HTTP\/1\.1" 301 162 "-" "-" \d+ [\d.]+ \[-\] \[\] - - - - /,
      );
      const root = norm(await get('root.example.com', '/'));
      expect(root).toBe(
        'HTTP/1.1 302 Moved Temporarily\r\nDate: <date>\r\nContent-Type: text/html\r\nContent-Length: 138\r\n' +
          'Connection: close\r\nLocation: http://root.example.com/app',
      );
      expect(h.accessLog().at(-1)).toMatch(/"GET \/ HTTP\/1\.1" 302 138 .* \[-\] \[\] - - - - /);
      const moved = norm(await get('moved.example.com', '/x'));
      expect(moved).toMatch(/\r\nConnection: close\r\nLocation: https:\/\/elsewhere\.test\/$/);
    },
  );

  it('a Content-Length over client_max_body_size: 413 logged with [-]; on the catch-all default backend, not logged', async () => {
    const h = await start(INGRESSES());
    const post = (host: string, length: number) =>
      untilClosed(
        h.httpPort,
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`,
      );
    expect(await post('example.com', 2048)).toMatch(/^HTTP\/1\.1 413 /);
    expect(h.accessLog().at(-1)).toMatch(/"POST \/ HTTP\/1\.1" 413 \d+ .* \[-\] \[\] - - - - /);
    const lines = h.accessLog().length;
    expect(await post('nothing.test', 2 * 1024 * 1024)).toMatch(/^HTTP\/1\.1 413 /);
    expect(
      await untilClosed(h.httpPort, 'GET / HTTP/1.1\r\nHost: nothing.test\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 404 /);
    expect(h.accessLog()).toHaveLength(lines);
  });
});

describe('access log $time_local', () => {
  it('is when the line is written: the end of a 4 s request', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 10, 0, 0));
    const h = await start([WEB()], { clock });
    const pending = send(h, { host: 'example.com', path: '/delay/200' });
    await new Promise((r) => setTimeout(r, 50));
    clock.step(4000);
    expect((await pending).status).toBe(200);
    expect(h.accessLog().at(-1)).toMatch(
      /^\S+ - - \[02\/Jan\/2026:10:00:04 \+0000\] "GET \/delay\/200 HTTP\/1\.1" 200 \d+ "-" "-" \d+ 4\.000 \[default-web-80\] /,
    );
  });
});
