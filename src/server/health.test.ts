import { afterEach, describe, expect, it } from 'vitest';
import { healthChecks, healthResponse } from './health.js';
import { startTestServer, type TestServer } from './server.test-helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('health endpoints', () => {
  it('readyz?verbose lists the v1.32 checks in order, then "readyz check passed"', () => {
    const text = healthResponse('readyz', undefined, new URLSearchParams('verbose')) ?? '';
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '[+]ping ok',
      '[+]log ok',
      '[+]etcd ok',
      '[+]etcd-readiness ok',
      '[+]informer-sync ok',
      '[+]poststarthook/start-apiserver-admission-initializer ok',
    ]);
    expect(lines.slice(-6)).toEqual([
      '[+]autoregister-completion ok',
      '[+]poststarthook/apiservice-openapi-controller ok',
      '[+]poststarthook/apiservice-openapiv3-controller ok',
      '[+]shutdown ok',
      'readyz check passed',
      '',
    ]);
    expect(lines).toContain('[+]poststarthook/rbac/bootstrap-roles ok');
    expect(lines).toContain('[+]poststarthook/apiservice-status-local-available-controller ok');
  });

  it.each([
    ['livez', 'livez check passed'],
    ['healthz', 'healthz check passed'],
  ] as const)('%s?verbose has no readiness-only checks', (endpoint, last) => {
    const text = healthResponse(endpoint, undefined, new URLSearchParams('verbose=true')) ?? '';
    expect(text.startsWith('[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/')).toBe(true);
    expect(text.endsWith(`[+]poststarthook/apiservice-openapiv3-controller ok\n${last}\n`)).toBe(true);
    expect(healthChecks(endpoint)).not.toContain('shutdown');
    expect(healthChecks(endpoint)).not.toContain('informer-sync');
  });

  it('exclude marks a check, warns about unknown names; a single check answers ok', () => {
    const text = healthResponse('livez', undefined, new URLSearchParams('verbose&exclude=etcd&exclude=nope'));
    expect(text).toContain('[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n');
    expect(text).toContain(
      'warn: some health checks cannot be excluded: no matches for "nope"\nlivez check passed\n',
    );
    expect(healthResponse('livez', undefined, new URLSearchParams('exclude=etcd'))).toBe('ok');
    expect(healthResponse('readyz', 'poststarthook/rbac/bootstrap-roles', new URLSearchParams())).toBe('ok');
    expect(healthResponse('livez', 'shutdown', new URLSearchParams())).toBeUndefined();
  });

  it('over HTTP: verbose text, single checks, 404 for an unknown check', async () => {
    t = await startTestServer();
    expect(await (await t.request('GET', '/readyz')).text()).toBe('ok');
    const verbose = await t.request('GET', '/readyz?verbose');
    expect(verbose.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await verbose.text()).toMatch(/^\[\+\]ping ok\n[\s\S]*\[\+\]shutdown ok\nreadyz check passed\n$/);
    expect(await (await t.request('GET', '/livez/etcd')).text()).toBe('ok');
    expect((await t.request('GET', '/livez/nope')).status).toBe(404);
  });
});
