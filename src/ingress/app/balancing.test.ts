import { afterEach, describe, expect, it } from 'vitest';
import type { IngressObject } from '../ingress-class.js';
import { nginx } from '../testing/cases-annotations.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { IngressHarness } from '../testing/harness.js';
import { send } from '../testing/http-target.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(annotations: Record<string, string>, replicas: number): Promise<IngressHarness> {
  const ingresses = [
    ingress(
      'web',
      { rules: [rule('example.com', ['/', 'Prefix', 'web'])] },
      { annotations: nginx(annotations) },
    ),
  ];
  return startWorld(ingresses, replicas);
}

/** The controller in front of `ingresses`, each backend Service with `replicas` pods. */
async function startWorld(ingresses: IngressObject[], replicas: number): Promise<IngressHarness> {
  const w = backendWorld(ingresses, { web: { replicas } });
  h = await IngressHarness.start({
    snapshot: {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    pods: w.pods,
  });
  return h;
}

async function pods(
  h: IngressHarness,
  n: number,
  headers: Record<string, string> = {},
  path = '/',
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push((await send(h, { host: 'example.com', path, headers })).echo?.pod ?? '-');
  return out;
}

describe('load balancing (reference §2.4)', () => {
  it('round-robins over the ready endpoints in order', async () => {
    const h = await start({}, 3);
    expect(await pods(h, 6)).toEqual(['web-0', 'web-1', 'web-2', 'web-0', 'web-1', 'web-2']);
  });

  it('conformance load_balancing: 10 replicas, 100 requests, every pod answers', async () => {
    const h = await start({}, 10);
    expect(new Set(await pods(h, 100)).size).toBe(10);
  });

  it('upstream-hash-by $request_uri sends one URI to one pod', async () => {
    const h = await start({ 'upstream-hash-by': '$request_uri' }, 4);
    const a = await pods(h, 5, {}, '/a');
    const b = await pods(h, 5, {}, '/other/path');
    expect(new Set(a).size).toBe(1);
    expect(new Set(b).size).toBe(1);
  });

  it('ewma spreads over the pods without failing', async () => {
    const h = await start({ 'load-balance': 'ewma' }, 3);
    const seen = await pods(h, 30);
    expect(seen.every((p) => p.startsWith('web-'))).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it('follows endpoint changes without a restart', async () => {
    const h = await start({}, 1);
    expect(await pods(h, 1)).toEqual(['web-0']);
    const ingresses = h.view.ingresses();
    const w = backendWorld(ingresses, { web: { notReady: true } });
    h.update({
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    });
    expect((await send(h, { host: 'example.com', path: '/' })).status).toBe(503);
  });
});

describe('cookie affinity (reference §3.5)', () => {
  it('sets INGRESSCOOKIE once and keeps the session on one pod', async () => {
    const h = await start({ affinity: 'cookie' }, 3);
    const first = await send(h, { host: 'example.com', path: '/shop' });
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^INGRESSCOOKIE=[^;|]+\|[0-9a-f]{32}; Path=\/; HttpOnly$/);
    const value = cookie.split(';')[0] ?? '';
    const again = await Promise.all(
      [1, 2, 3, 4].map(() => send(h, { host: 'example.com', path: '/shop', headers: { cookie: value } })),
    );
    expect(new Set(again.map((r) => r.echo?.pod))).toEqual(new Set([first.echo?.pod]));
    expect(again.every((r) => r.headers['set-cookie'] === undefined)).toBe(true);
  });

  it('honours session-cookie-name, -path, -max-age and sets Secure on HTTPS', async () => {
    const h = await start(
      {
        affinity: 'cookie',
        'session-cookie-name': 'route',
        'session-cookie-path': '/app',
        'session-cookie-max-age': '172800',
      },
      2,
    );
    const res = await send(h, { host: 'example.com', path: '/', scheme: 'https' });
    expect(res.headers['set-cookie']?.[0]).toMatch(
      /^route=[^;]+; Max-Age=172800; Path=\/app; Secure; HttpOnly$/,
    );
  });

  it('persistent mode re-picks (and re-cookies) when the cookie names a gone pod', async () => {
    const h = await start({ affinity: 'cookie', 'affinity-mode': 'persistent' }, 2);
    const res = await send(h, {
      host: 'example.com',
      path: '/',
      headers: { cookie: 'INGRESSCOOKIE=nosuchpod|x' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.[0]).toMatch(
      /^INGRESSCOOKIE=[0-9a-f]{32}\|[0-9a-f]{32}; Path=\/; HttpOnly$/,
    );
  });
});

describe('backend-protocol and the keepalive cache', () => {
  it('an HTTPS location never reuses a plain connection another location left to the same pod', async () => {
    const ingresses = [
      ingress('plain', { rules: [rule('plain.example.com', ['/', 'Prefix', 'web'])] }),
      ingress(
        'tls',
        { rules: [rule('tls.example.com', ['/', 'Prefix', 'web'])] },
        { annotations: nginx({ 'backend-protocol': 'HTTPS' }) },
      ),
    ];
    h = await startWorld(ingresses, 1);
    const statuses: number[] = [];
    for (const host of ['tls', 'plain', 'plain', 'tls', 'tls'])
      statuses.push((await send(h, { host: `${host}.example.com`, path: '/' })).status);
    // The pod speaks plain HTTP: TLS to it fails every time (502), however warm the cache.
    expect(statuses).toEqual([502, 200, 200, 502, 502]);
  });
});
