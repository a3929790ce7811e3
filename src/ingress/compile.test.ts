import { describe, expect, it } from 'vitest';
import { compileIngress } from './compile.js';
import { dumpRouteTable } from './dump.js';
import { matchRequest } from './match.js';
import { nginx } from './testing/cases-annotations.js';
import { backendWorld, ingress, ingressClass, type PathInput, rule } from './testing/fixtures.js';
import type { MatchMode } from './types.js';

function table(ingresses: ReturnType<typeof ingress>[], mode: MatchMode = 'ingress-nginx') {
  const w = backendWorld(ingresses);
  return compileIngress(
    {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    },
    { mode },
  );
}

function route(t: ReturnType<typeof table>, path: string, host = 'example.com'): string {
  const a = matchRequest(t, { host, path }).action;
  if (a.kind === 'proxy') return a.upstream.service.name;
  if (a.kind === 'redirect') return `${a.status} ${a.location}`;
  return a.kind === 'default-backend' ? '404' : String(a.status);
}

describe('spec mode (the Ingress API text read literally)', () => {
  const one = (paths: PathInput[]) =>
    table([ingress('web', { rules: [rule('example.com', ...paths)] })], 'spec');
  it.each([
    { paths: [['/foo/', 'Exact', 'a']] as PathInput[], path: '/foo', want: '404' },
    { paths: [['/foo/', 'Prefix', 'a']] as PathInput[], path: '/foo', want: 'a' },
    { paths: [['/aaa/bbb/', 'Prefix', 'a']] as PathInput[], path: '/aaa/bbb', want: 'a' },
    { paths: [['/foo', 'ImplementationSpecific', 'a']] as PathInput[], path: '/foobar', want: '404' },
    {
      paths: [
        ['/foo', 'Exact', 'exact'],
        ['/foo/', 'Prefix', 'longer'],
      ] as PathInput[],
      path: '/foo',
      want: 'longer',
    },
    {
      paths: [
        ['/foo', 'Prefix', 'prefix'],
        ['/foo', 'Exact', 'exact'],
      ] as PathInput[],
      path: '/foo',
      want: 'exact',
    },
  ])('$paths.0.1 $paths.0.0 … vs $path → $want', ({ paths, path, want }) => {
    expect(route(one(paths), path)).toBe(want);
  });

  it('use-regex applies only to the Ingress that asks for it (no contagion)', () => {
    const t = table(
      [
        ingress(
          're',
          { rules: [rule('example.com', ['/id/[0-9]+', 'ImplementationSpecific', 're'])] },
          {
            annotations: nginx({ 'use-regex': 'true' }),
          },
        ),
        ingress('plain', { rules: [rule('example.com', ['/bar', 'Prefix', 'bar'])] }, { age: 5 }),
      ],
      'spec',
    );
    expect(route(t, '/id/42')).toBe('re');
    expect(route(t, '/BAR')).toBe('404');
  });
});

describe('matchRequest explains its choice', () => {
  it('names the server, every location considered and why the winner won', () => {
    const t = table([
      ingress('shop', {
        rules: [rule('shop.example.com', ['/', 'Prefix', 'shop'], ['/cart', 'Prefix', 'cart'])],
      }),
      ingress('dup', { rules: [rule('shop.example.com', ['/cart', 'Prefix', 'cart-v2'])] }, { age: 10 }),
    ]);
    const d = matchRequest(t, { host: 'shop.example.com', path: '/cart/items?x=1' });
    expect(d.serverVia).toBe('exact');
    expect(d.location?.origin).toMatchObject({ kind: 'path', ingress: { name: 'shop' }, rule: 0, path: 1 });
    expect(d.location?.shadowed.map((s) => s.ingress.name)).toEqual(['dup']);
    expect(d.considered.map((v) => `${v.outcome} ${v.location.matcher.kind} ${v.location.path}`)).toEqual([
      'won prefix /cart/',
      'no-match exact /cart',
      'lost prefix /',
    ]);
    expect(d.steps).toEqual([
      'host shop.example.com → server shop.example.com (exact)',
      'prefix "/cart/" is the longest matching prefix',
      'proxy to default-cart-80 (1 endpoint(s))',
    ]);
    expect(t.diagnostics.map((x) => x.kind)).toEqual(['path-conflict']);
  });

  it('skips the explanation when asked (the proxy hot path)', () => {
    const t = table([ingress('web', { rules: [rule('example.com', ['/', 'Prefix', 'web'])] })]);
    const d = matchRequest(t, { host: 'example.com', path: '/' }, { explain: false });
    expect(d.steps).toEqual([]);
    expect(d.considered).toEqual([]);
    expect(d.action.kind).toBe('proxy');
  });
});

describe('compileIngress', () => {
  it('renders a realistic cluster as ingress-nginx would (golden)', async () => {
    const t = table([
      ingress('fanout', {
        rules: [rule('example.com', ['/foo', 'Prefix', 'foo'], ['/bar', 'Prefix', 'bar'])],
      }),
      ingress(
        'shop',
        { defaultBackend: 'shop', rules: [rule('shop.example.com', ['/cart', 'Exact', 'cart'])] },
        { age: 1 },
      ),
      ingress(
        'wild',
        { rules: [rule('*.apps.example.com', ['/', 'ImplementationSpecific', 'apps'])] },
        { age: 2 },
      ),
      ingress(
        'api',
        {
          rules: [
            rule(
              'api.example.com',
              ['/v1(/|$)(.*)', 'ImplementationSpecific', 'api'],
              ['/health', 'Exact', 'api'],
            ),
          ],
        },
        { age: 3, annotations: nginx({ 'rewrite-target': '/$2', 'use-regex': 'true' }) },
      ),
      ingress(
        'canary',
        { rules: [rule('example.com', ['/foo', 'Prefix', 'foo-canary'])] },
        {
          age: 4,
          annotations: nginx({ canary: 'true', 'canary-weight': '20' }),
        },
      ),
      ingress('catch', { defaultBackend: 'fallback' }, { age: 5 }),
      ingress('late', { rules: [rule('example.com', ['/foo', 'Prefix', 'late'])] }, { age: 6 }),
    ]);
    await expect(dumpRouteTable(t)).toMatchFileSnapshot('__golden__/realistic.routes.txt');
  });
});
