/**
 * The examples/ingress-* walkthroughs, checked: each README's requests are
 * sent through the controller app to the examples' real simulated pods, and
 * must answer what the README says.
 */
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../util/clock.js';
import { exampleWorld } from './testing/example-world.js';
import { IngressHarness } from './testing/harness.js';
import { send } from './testing/http-target.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(dir: string): Promise<IngressHarness> {
  const w = await exampleWorld(dir, realClock);
  h = await IngressHarness.start({ snapshot: w.snapshot, pods: [], apps: w.apps });
  return h;
}

describe('examples/ingress-fanout', () => {
  it('/foo reaches foo-app pods in turn, /bar the bar-app pod, anything else 404', async () => {
    const h = await start('examples/ingress-fanout');
    const foo = [
      await send(h, { host: '127.0.10.2', path: '/foo' }),
      await send(h, { host: '127.0.10.2', path: '/foo' }),
    ];
    expect(foo.map((r) => r.status)).toEqual([200, 200]);
    expect(foo.map((r) => r.body)).toEqual(['foo-app-7c9d8f5b6d-ax0q', 'foo-app-7c9d8f5b6d-bx0q']);
    expect((await send(h, { host: '127.0.10.2', path: '/bar' })).body).toBe('bar-app-7c9d8f5b6d-ax1q');
    expect((await send(h, { host: '127.0.10.2', path: '/baz' })).status).toBe(404);
    // The catch-all 404 is not logged (ingress-nginx keeps the default server out of the access log).
    expect(h.accessLog().at(-1)).toMatch(
      /"GET \/bar HTTP\/1\.1" 200 23 .* \[default-bar-service-8080\] \[\] 10\.244\.2\.10:8080 23 /,
    );
  });
});

describe('examples/ingress-host', () => {
  it('routes shop.example.com by path and leaves other hosts to the 404', async () => {
    const h = await start('examples/ingress-host');
    expect((await send(h, { host: 'shop.example.com', path: '/' })).body).toBe('welcome to the shop\n');
    expect((await send(h, { host: 'shop.example.com', path: '/cart' })).body).toBe('your cart is empty\n');
    expect((await send(h, { host: 'shop.example.com', path: '/cart/items/7' })).body).toBe(
      'your cart is empty\n',
    );
    expect((await send(h, { host: 'shop.example.com', path: '/cartography' })).body).toBe(
      'welcome to the shop\n',
    );
    expect((await send(h, { host: '127.0.10.2', path: '/cart' })).status).toBe(404);
  });
});

describe('examples/ingress-tls', () => {
  it('serves the Secret certificate by SNI, redirects HTTP with 308 and proxies HTTPS to whoami', async () => {
    const h = await start('examples/ingress-tls');
    const cert = await new Promise<string | undefined>((resolve, reject) => {
      const s = connect(
        { host: '127.0.0.1', port: h.httpsPort, servername: 'shop.example.com', rejectUnauthorized: false },
        () => {
          resolve(s.getPeerX509Certificate()?.subject);
          s.destroy();
        },
      );
      s.on('error', reject);
    });
    expect(cert).toBe('O=netkube\nCN=shop.example.com');
    const http = await send(h, { host: 'shop.example.com', path: '/' });
    expect(http.status).toBe(308);
    expect(http.headers.location).toBe('https://shop.example.com');
    const https = await send(h, {
      host: 'shop.example.com:30443',
      path: '/',
      scheme: 'https',
      servername: 'shop.example.com',
    });
    expect(https.status).toBe(200);
    expect(https.body).toMatch(/^Hostname: secure-shop-7c9d8f5b6d-[ab]x0q\r?\n/);
    expect(https.body).toContain('X-Forwarded-Proto: https');
    expect(https.body).toContain('X-Forwarded-Port: 443');
  });
});
