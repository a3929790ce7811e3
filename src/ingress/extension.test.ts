import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import type { KubeObject, Secret } from '../api/types.js';
import { newFixture } from '../controllers/runtime/testing.js';
import type { ExtensionRequest, ExtensionResult } from '../server/extensions.js';
import { ingressExtensionRoutes } from './extension.js';
import { backendWorld, ingress, ingressClass, rule } from './testing/fixtures.js';

function request(params: Record<string, string>, body: unknown): ExtensionRequest {
  return {
    params,
    query: new URLSearchParams(),
    body,
    raw: {} as ExtensionRequest['raw'],
    signal: new AbortController().signal,
  };
}

async function call(
  route: ReturnType<typeof ingressExtensionRoutes>[number],
  req: ExtensionRequest,
): Promise<ExtensionResult> {
  return route.handle(req, {} as Parameters<typeof route.handle>[1]);
}

describe('ingress extension routes', () => {
  it('POST …/secrets/tls-selfsigned creates a kubernetes.io/tls Secret covering the hosts', async () => {
    const f = newFixture();
    const [create] = ingressExtensionRoutes({ registry: f.registry, store: f.store, clock: f.clock });
    const res = await call(
      create!,
      request({ ns: 'default' }, { name: 'shop-tls', hosts: ['shop.example.com', '*.example.org'] }),
    );
    expect(res).toMatchObject({ kind: 'json', status: 201 });
    const secret = f.store.get<Secret & KubeObject>('secrets', 'default', 'shop-tls') as Secret & KubeObject;
    expect(secret.type).toBe('kubernetes.io/tls');
    const cert = new X509Certificate(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64'));
    expect(cert.subjectAltName).toBe('DNS:shop.example.com, DNS:*.example.org');
    expect(cert.checkHost('shop.example.com')).toBe('shop.example.com');
    expect(cert.checkHost('a.example.org')).toBe('*.example.org');
    await expect(
      call(create!, request({ ns: 'default' }, { name: 'shop-tls', hosts: ['x.test'] })),
    ).rejects.toMatchObject({ httpCode: 409 });
  });

  it.each([
    { name: 'no name', body: { hosts: ['a.test'] }, message: 'name is required' },
    { name: 'no hosts', body: { name: 'x' }, message: 'hosts must list at least one host' },
    { name: 'bad host', body: { name: 'x', hosts: ['a_b.test'] }, message: 'invalid host "a_b.test"' },
  ])('POST with $name is a 400', async ({ body, message }) => {
    const f = newFixture();
    const [create] = ingressExtensionRoutes({ registry: f.registry, store: f.store, clock: f.clock });
    const err = await call(create!, request({ ns: 'default' }, body)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toContain(message);
  });

  it('GET /ingress/routes renders the compiled route table', async () => {
    const f = newFixture();
    const ing = ingress('web', { rules: [rule('shop.example.com', ['/cart', 'Prefix', 'cart'])] });
    const world = backendWorld([ing]);
    f.store.create('ingressclasses.networking.k8s.io', ingressClass());
    f.store.create('ingresses.networking.k8s.io', ing);
    for (const s of world.services) f.store.create('services', s);
    for (const s of world.endpointSlices) f.store.create('endpointslices.discovery.k8s.io', s);
    const [, routes] = ingressExtensionRoutes({ registry: f.registry, store: f.store, clock: f.clock });
    const res = await call(routes!, request({}, undefined));
    expect(res.kind).toBe('text');
    const text = (res as { body: string }).body;
    expect(text).toContain('server shop.example.com (exact)');
    expect(text).toContain('location "/cart/" -> default-cart-80');
    expect(text).toContain('upstream default-cart-80 endpoints=10.244.10.2:8080');
  });
});
