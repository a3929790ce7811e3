import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nginx } from '../testing/cases-annotations.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { IngressHarness } from '../testing/harness.js';
import { rawConnect, rawExchange } from '../testing/raw-client.js';

const harnesses: IngressHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

const INGRESSES = [
  ingress('web', { rules: [rule('example.com', ['/', 'Prefix', 'web'], ['/dir/', 'Prefix', 'web'])] }),
  ingress(
    'small',
    { rules: [rule('small.example.com', ['/', 'Prefix', 'web'])] },
    { annotations: nginx({ 'proxy-body-size': '8' }) },
  ),
];

async function start(leanFront: boolean): Promise<IngressHarness> {
  const w = backendWorld(INGRESSES);
  const h = await IngressHarness.start({
    snapshot: {
      ingresses: INGRESSES,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
    limits: { leanFront },
  });
  harnesses.push(h);
  return h;
}

const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: example.com\r\n${extra}\r\n`;
const CLOSE = 'Connection: close\r\n';

/** Date, request ids and upstream source ports vary from run to run. */
function normalise(text: string): string {
  return text
    .replace(/^Date: .*$/gm, 'Date: <date>')
    .replace(/[0-9a-f]{32}/g, '<id>')
    .replace(/"remote":"[^"]*"/g, '"remote":"<remote>"')
    .replace(/\[\d{2}\/\w{3}\/\d{4}:[\d:]+ \+0000\]/g, '[<time>]')
    .replace(/ \d+\.\d{3}( |,)/g, ' <s>$1');
}

/** Connections that exercise both paths: each is one write, answered until the server closes. */
const SCRIPTS: readonly { readonly name: string; readonly bytes: string }[] = [
  { name: 'keep-alive GETs, then close', bytes: GET('/a') + GET('/b?x=1') + GET('/c', CLOSE) },
  { name: 'HEAD', bytes: `HEAD /h HTTP/1.1\r\nHost: example.com\r\n${CLOSE}\r\n` },
  {
    name: 'POST with a body, then a GET',
    bytes: `POST /p HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello${GET('/after', CLOSE)}`,
  },
  {
    name: 'a body to the default backend is skipped before the next request',
    bytes: `POST /x HTTP/1.1\r\nHost: nothing.test\r\nContent-Length: 3\r\n\r\nabc${GET('/next', CLOSE)}`,
  },
  { name: 'HTTP/1.1 without Host', bytes: 'GET / HTTP/1.1\r\n\r\n' },
  { name: 'an invalid Host', bytes: 'GET / HTTP/1.1\r\nHost: bad/host\r\n\r\n' },
  { name: 'the trailing-slash redirect', bytes: GET('/dir', CLOSE) },
  { name: 'a chunked pod response, re-chunked', bytes: GET('/chunked', CLOSE) },
  { name: 'a close-delimited pod response, chunked', bytes: GET('/eof', CLOSE) },
  { name: 'a pod status', bytes: GET('/status/503', CLOSE) },
  {
    name: 'Content-Length over proxy-body-size → 413',
    bytes: 'POST / HTTP/1.1\r\nHost: small.example.com\r\nContent-Length: 9\r\n\r\n123456789',
  },
  {
    name: 'lean, then a chunked body (Node), then more',
    bytes: `${GET('/one')}POST /two HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n${GET('/three', CLOSE)}`,
  },
  { name: 'HTTP/1.0', bytes: 'GET /old HTTP/1.0\r\nHost: example.com\r\n\r\n' },
  { name: 'a malformed request', bytes: 'GARBAGE\r\n\r\n' },
  { name: 'a header line over 8k', bytes: GET('/big', `Cookie: ${'c'.repeat(9000)}\r\n`) },
];

describe('the lean front answers exactly as Node’s http.Server path does', () => {
  it.each(SCRIPTS)('$name', async ({ bytes }) => {
    const [lean, node] = [await start(true), await start(false)];
    const [a, b] = [await rawExchange(lean.httpPort, bytes), await rawExchange(node.httpPort, bytes)];
    expect(a).toMatch(/^HTTP\/1\.1 /);
    expect(normalise(a)).toBe(normalise(b));
    expect(lean.accessLog().map(normalise)).toEqual(node.accessLog().map(normalise));
  });
});

describe('lean front connections', () => {
  it('serves pipelined requests in order, one at a time, on one upstream connection', async () => {
    const h = await start(true);
    const raw = await rawExchange(h.httpPort, GET('/1') + GET('/2') + GET('/3', CLOSE));
    expect(raw.match(/"path":"\/\d"/g)).toEqual(['"path":"/1"', '"path":"/2"', '"path":"/3"']);
    const pod = h.pods.get('10.244.10.2:8080');
    expect(new Set(pod?.received.map((r) => r.remote)).size).toBe(1);
  });

  it('a body split across writes reaches the pod whole; the next request follows it', async () => {
    const h = await start(true);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write('POST /up HTTP/1.1\r\nHost: example.com\r\nContent-Le');
    await new Promise((r) => setTimeout(r, 20));
    conn.socket.write('ngth: 11\r\n\r\nhello');
    await new Promise((r) => setTimeout(r, 20));
    conn.socket.write(` world${GET('/next')}`);
    await conn.waitFor('"path":"/next"');
    const pod = h.pods.get('10.244.10.2:8080');
    expect(pod?.received.map((r) => [r.path, r.body])).toEqual([
      ['/up', 'hello world'],
      ['/next', ''],
    ]);
    conn.socket.destroy();
  });

  it('falls back to Node for a WebSocket upgrade after serving a request', async () => {
    const h = await start(true);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write(GET('/first'));
    await conn.waitFor('"path":"/first"');
    conn.socket.write(
      'GET /ws HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await conn.waitFor('HTTP/1.1 101 Switching Protocols');
    expect(conn.received()).toMatch(/\r\nUpgrade: websocket\r\n/);
    conn.socket.destroy();
  });

  it('WebSockets still work on a fresh connection', async () => {
    const h = await start(true);
    const ws = new WebSocket(`ws://127.0.0.1:${h.httpPort}/ws`, { headers: { host: 'example.com' } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (m) => {
        resolve(String(m));
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(reply).toBe('web-0: hi');
  });

  it('a client that goes away mid-request is logged as 499', async () => {
    const h = await start(true);
    const conn = await rawConnect(h.httpPort);
    conn.socket.write(GET('/hang'));
    await new Promise((r) => setTimeout(r, 50));
    conn.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.accessLog().at(-1)).toMatch(/"GET \/hang HTTP\/1\.1" 499 0 /);
  });

  it('end of stream: a complete request is answered before closing; a partial one gets 400', async () => {
    for (const leanFront of [true, false]) {
      const h = await start(leanFront);
      const answered = await new Promise<string>((resolve) => {
        void rawConnect(h.httpPort).then((conn) => {
          conn.socket.end(`${GET('/last')}GET /cut HTTP/1.1\r\nHo`);
          void conn.waitFor('never', 1000).catch(() => {});
          conn.socket.on('close', () => resolve(conn.received()));
        });
      });
      expect(answered, `leanFront ${leanFront}`).toMatch(
        /"path":"\/last"[\s\S]*HTTP\/1\.1 400 Bad Request\r\n/,
      );
      expect(h.accessLog().at(-1)).toMatch(/"-" 400 150 /);
    }
  });
});
