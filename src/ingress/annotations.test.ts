import { describe, expect, it } from 'vitest';
import { EMULATED_ANNOTATIONS, KNOWN_ANNOTATIONS } from './annotation-keys.js';
import { parseNginxSize } from './annotation-values.js';
import { parseAnnotations } from './annotations.js';

const REF = { namespace: 'default', name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' };
const A = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [`nginx.ingress.kubernetes.io/${k}`, v]));

describe('parseAnnotations', () => {
  it('every emulated key is one ingress-nginx knows', () => {
    for (const k of EMULATED_ANNOTATIONS) expect(KNOWN_ANNOTATIONS.has(k), k).toBe(true);
  });

  it('uses ingress-nginx defaults without annotations', () => {
    const p = parseAnnotations(undefined, REF);
    expect(p.location).toMatchObject({
      sslRedirect: true,
      forceSslRedirect: false,
      proxyBodySize: 1024 * 1024,
      proxyConnectTimeout: 5,
      proxyReadTimeout: 60,
      proxySendTimeout: 60,
      proxyNextUpstreamTries: 3,
      backendProtocol: 'HTTP',
    });
    expect(p.upstream).toEqual({ loadBalance: 'round_robin', hashBy: undefined, affinity: undefined });
    expect(p.canary).toBeUndefined();
    expect(p.diagnostics).toEqual([]);
  });

  it('parses the emulated keys', () => {
    const p = parseAnnotations(
      A({
        'rewrite-target': '/$2',
        'use-regex': 'true',
        'ssl-redirect': 'false',
        'proxy-body-size': '8m',
        'proxy-read-timeout': '3600',
        affinity: 'cookie',
        'session-cookie-name': 'route',
        'affinity-mode': 'persistent',
        'load-balance': 'ewma',
        canary: 'true',
        'canary-weight': '30',
        'backend-protocol': 'https',
      }),
      REF,
    );
    expect(p.location).toMatchObject({
      rewriteTarget: '/$2',
      useRegex: true,
      sslRedirect: false,
      proxyBodySize: 8 * 1024 * 1024,
      proxyReadTimeout: 3600,
      backendProtocol: 'HTTPS',
      sessionAffinity: true,
    });
    expect(p.upstream.affinity).toMatchObject({
      cookieName: 'route',
      mode: 'persistent',
      canaryBehavior: 'sticky',
    });
    expect(p.upstream.loadBalance).toBe('ewma');
    expect(p.canary).toMatchObject({ weight: 30, weightTotal: 100 });
  });

  it('reports unknown, not-emulated and invalid annotations and keeps the defaults', () => {
    const p = parseAnnotations(
      A({
        'enable-magic': 'true',
        'enable-cors': 'true',
        'ssl-redirect': 'yes',
        'proxy-read-timeout': 'ten',
        'backend-protocol': 'GRPC',
      }),
      REF,
    );
    expect(p.location.sslRedirect).toBe(true);
    expect(p.location.proxyReadTimeout).toBe(60);
    expect(p.diagnostics.map((d) => `${d.kind}: ${d.message}`)).toEqual([
      'unsupported-annotation: annotation nginx.ingress.kubernetes.io/enable-cors is not emulated by netkube and has no effect',
      'unknown-annotation: annotation nginx.ingress.kubernetes.io/enable-magic is not known to ingress-nginx and is ignored',
      'invalid-annotation: nginx.ingress.kubernetes.io/ssl-redirect is invalid ("yes"), defaulting to true',
      'invalid-annotation: nginx.ingress.kubernetes.io/proxy-read-timeout is invalid ("ten"), defaulting to 60',
      'unsupported-annotation: backend-protocol GRPC is not emulated by netkube; proxying with HTTP/1.1',
    ]);
  });

  it('ignores annotations outside the nginx.ingress.kubernetes.io/ prefix', () => {
    expect(parseAnnotations({ 'kubernetes.io/ingress.class': 'nginx', 'x/y': 'z' }, REF).diagnostics).toEqual(
      [],
    );
  });
});

describe('parseNginxSize', () => {
  it.each([
    { v: '0', want: 0 },
    { v: '512', want: 512 },
    { v: '8k', want: 8192 },
    { v: '1m', want: 1048576 },
    { v: '1G', want: 1073741824 },
    { v: '1.5m', want: undefined },
    { v: 'big', want: undefined },
  ])('$v → $want', ({ v, want }) => {
    expect(parseNginxSize(v)).toBe(want);
  });
});
