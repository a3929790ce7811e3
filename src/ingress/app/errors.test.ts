import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/clock.js';
import { nginx } from '../testing/cases-annotations.js';
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

  it('502 after trying every endpoint that refuses, each attempt in the log', async () => {
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
    expect(h.accessLog().at(-1)).toContain('[default-web-80] [] 10.244.10.2:8080, 10.244.10.3:8080 0, 0 ');
    expect(h.accessLog().at(-1)).toMatch(/ 502, 502 [0-9a-f]{32}$/);
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

  it('504 when the pod does not answer within proxy-read-timeout', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const h = await start([WEB({ 'proxy-read-timeout': '3' })], { clock });
    const t0 = clock.now();
    const res = await driveClock(clock, send(h, { host: 'example.com', path: '/hang' }), 250);
    expect(res.status).toBe(504);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(clock.now() - t0).toBeLessThan(4000);
    expect(h.accessLog().at(-1)).toMatch(/"GET \/hang HTTP\/1\.1" 504 .* 504 [0-9a-f]{32}$/);
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
