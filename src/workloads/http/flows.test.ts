/**
 * L7 flows from simulated HTTP servers: every answered request is reported to
 * `AppContext.httpFlows` with the virtual addresses the pod saw, and nothing
 * at all is captured while the observer is disabled.
 */
import { describe, expect, it } from 'vitest';
import { NginxApp } from '../images/nginx.js';
import { createWhoami } from '../images/whoami.js';
import { clientTuple, exchange, fakeAppContext } from '../testing/fake-context.js';
import { socketPair } from '../testing/socket-pair.js';
import type { App, AppContext, HttpExchange, HttpFlowObserver } from '../types.js';
import { readHttpResponse } from './client.js';

/** An observer that keeps what it is given and lets a test wait for the n-th exchange. */
function recorder(enabled = true) {
  const seen: HttpExchange[] = [];
  let wake: () => void = () => {};
  const observer: HttpFlowObserver & { seen: HttpExchange[]; next(): Promise<HttpExchange> } = {
    enabled,
    seen,
    exchange(e) {
      seen.push(e);
      wake();
    },
    next() {
      const want = seen.length + 1;
      return new Promise((resolve) => {
        const check = () => {
          if (seen.length >= want) resolve(seen[want - 1] as HttpExchange);
        };
        wake = check;
        check();
      });
    },
  };
  return observer;
}

/** `exchange()` over a server socket that counts what it writes, as the dataplane's sockets do. */
async function countedExchange(app: App, request: string): Promise<string> {
  const { client, server } = socketPair();
  const counted = server as typeof server & { bytesWritten: number };
  counted.bytesWritten = 0;
  const write = server._write.bind(server);
  server._write = (chunk: Buffer, encoding, callback) => {
    counted.bytesWritten += chunk.length;
    write(chunk, encoding, callback);
  };
  app.handleConnection({ socket: server, tuple: clientTuple(80) });
  client.write(request);
  try {
    return (await readHttpResponse(client, { method: 'GET' })).raw.toString('latin1');
  } finally {
    client.destroy();
  }
}

function withFlows(ctx: AppContext, observer: HttpFlowObserver): AppContext {
  return { ...ctx, httpFlows: observer };
}

describe('HTTP apps report L7 exchanges', () => {
  it('whoami: method, Host, target, status, version and the tuple the pod saw', async () => {
    const flows = recorder();
    const fc = fakeAppContext({ image: 'traefik/whoami' });
    const app = createWhoami(withFlows(fc.ctx, flows), []) as App;
    const next = flows.next();
    const raw = await countedExchange(app, 'GET /api?x=1 HTTP/1.1\r\nHost: web.example\r\n\r\n');
    expect(raw.startsWith('HTTP/1.1 200 OK')).toBe(true);
    const e = await next;
    expect(e).toMatchObject({
      method: 'GET',
      target: '/api?x=1',
      host: 'web.example',
      httpVersion: '1.1',
      scheme: 'http',
      status: 200,
      tuple: clientTuple(80),
      requestBytes: 0,
    });
    expect(e.pod.name).toBe('web-0');
    expect(e.answer).toBeUndefined();
    // The body the client got: everything after the head.
    expect(e.responseBytes).toBe(raw.length - raw.indexOf('\r\n\r\n') - 4);
  });

  it('nginx: a 404 of its own is an answered request too', async () => {
    const flows = recorder();
    const fc = fakeAppContext({ image: 'nginx:1.27' });
    const app = new NginxApp(withFlows(fc.ctx, flows), [1, 27, 0], true);
    const next = flows.next();
    const raw = await exchange(app, 'HEAD /missing HTTP/1.1\r\nHost: n\r\n\r\n', { method: 'HEAD' });
    expect(raw.startsWith('HTTP/1.1 404 Not Found')).toBe(true);
    expect(await next).toMatchObject({ method: 'HEAD', target: '/missing', host: 'n', status: 404 });
  });

  it('captures nothing while the observer is disabled', async () => {
    const flows = recorder(false);
    const fc = fakeAppContext({ image: 'traefik/whoami' });
    const app = createWhoami(withFlows(fc.ctx, flows), []) as App;
    await exchange(app, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await exchange(app, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(flows.seen).toEqual([]);
  });
});
