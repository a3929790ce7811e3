import { describe, expect, it } from 'vitest';
import { firstValidationError } from './annotation-validation.js';
import { parseAnnotations } from './annotations.js';
import { compileIngress } from './compile.js';
import { matchRequest } from './match.js';
import { backendWorld, ingress, ingressClass, rule } from './testing/fixtures.js';

const REF = { namespace: 'default', name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' };
const A = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [`nginx.ingress.kubernetes.io/${k}`, v]));

function serve(annotations: Record<string, string>, path = '/') {
  const ings = [
    ingress('web', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] }, { annotations: A(annotations) }),
  ];
  const w = backendWorld(ings);
  const t = compileIngress({
    ingresses: ings,
    ingressClasses: [ingressClass()],
    services: w.services,
    endpointSlices: w.endpointSlices,
    secrets: [],
  });
  return { table: t, action: matchRequest(t, { host: 'a.test', path, clientIP: '10.1.2.3' }).action };
}

describe('LocationDenied annotations (503, never fail open)', () => {
  it.each([
    { name: 'invalid whitelist-source-range', anns: { 'whitelist-source-range': 'notacidr' } },
    {
      name: 'one bad entry in allowlist-source-range',
      anns: { 'allowlist-source-range': '10.0.0.0/8,nope' },
    },
    { name: 'invalid denylist-source-range', anns: { 'denylist-source-range': '300.1.1.1' } },
    { name: 'auth-type without auth-secret', anns: { 'auth-type': 'basic' } },
    { name: 'unknown auth-type', anns: { 'auth-type': 'kerberos', 'auth-secret': 's' } },
  ])('$name denies every location with 503', ({ anns }) => {
    const { action } = serve(anns);
    expect(action).toMatchObject({ kind: 'error', status: 503, reason: 'location-denied' });
  });

  it('words the denial as ipallowlist does', () => {
    const p = parseAnnotations(A({ 'whitelist-source-range': 'notacidr' }), REF);
    expect(p.location.denied).toBe(
      'annotation nginx.ingress.kubernetes.io/whitelist-source-range contains invalid value',
    );
    expect(p.location.allowlist).toBeUndefined();
  });

  it('keeps valid ranges (IPv6 ones included) working', () => {
    expect(serve({ 'allowlist-source-range': '10.0.0.0/8, ::1/128' }).action.kind).toBe('proxy');
    expect(serve({ 'allowlist-source-range': '192.168.0.0/16' }).action).toMatchObject({ status: 403 });
  });
});

describe('ValidationError annotations (the Ingress is not served)', () => {
  it.each([
    { key: 'load-balance', value: 'least_conn' },
    { key: 'upstream-hash-by', value: '$arg_u;x' },
    { key: 'upstream-hash-by-subset', value: 'yes' },
    { key: 'upstream-hash-by-subset-size', value: 'three' },
    { key: 'upstream-vhost', value: 'a b"c' },
    { key: 'x-forwarded-prefix', value: '/x;y' },
  ])('$key: $value', ({ key, value }) => {
    const msg = `annotation nginx.ingress.kubernetes.io/${key} contains invalid value`;
    expect(firstValidationError(A({ [key]: value }))).toBe(msg);
    const { table, action } = serve({ [key]: value });
    expect(table.served).toEqual([]);
    expect(table.ignored).toEqual([{ ingress: expect.objectContaining({ name: 'web' }), reason: msg }]);
    expect(action.kind).toBe('default-backend');
  });

  it.each(['round_robin', 'ewma', 'chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent', ' ewma '])(
    'accepts load-balance %j',
    (value) => {
      const p = parseAnnotations(A({ 'load-balance': value }), REF);
      expect(p.validationError).toBeUndefined();
      expect(p.upstream.loadBalance).toBe(value.trim());
      expect(p.diagnostics).toEqual([]);
    },
  );

  it('accepts valid hash-by, vhost and prefix values', () => {
    expect(
      firstValidationError(
        A({
          'upstream-hash-by': '$request_uri$host',
          'upstream-hash-by-subset': 'true',
          'upstream-hash-by-subset-size': '3',
          'upstream-vhost': 'api.internal:8080',
          'x-forwarded-prefix': '/api/$1',
        }),
      ),
    ).toBeUndefined();
  });
});
