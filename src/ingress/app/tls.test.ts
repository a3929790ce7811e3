import type { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CERTIFICATE_CN } from '../certs.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { IngressHarness } from '../testing/harness.js';
import { send } from '../testing/http-target.js';
import { rawExchange } from '../testing/raw-client.js';
import { caseSecret } from '../testing/run-cases.js';
import type { SecretObject } from '../tls-config.js';

let h: IngressHarness | undefined;
let shop: SecretObject;
let wild: SecretObject;

beforeAll(async () => {
  [shop, wild] = await Promise.all([
    caseSecret({ name: 'shop-tls', hosts: ['shop.example.com'] }),
    caseSecret({ name: 'apps-tls', hosts: ['*.apps.example.com'] }),
  ]);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<IngressHarness> {
  const ingresses = [
    ingress('shop', {
      rules: [rule('shop.example.com', ['/', 'Prefix', 'shop'])],
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    }),
    ingress('apps', {
      rules: [rule('*.apps.example.com', ['/', 'Prefix', 'apps'])],
      tls: [{ hosts: ['*.apps.example.com'], secretName: 'apps-tls' }],
    }),
    ingress('plain', { rules: [rule('plain.example.com', ['/', 'Prefix', 'plain'])] }),
  ];
  const w = backendWorld(ingresses);
  h = await IngressHarness.start({
    snapshot: {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [shop, wild],
    },
    pods: w.pods,
  });
  return h;
}

/** The certificate the controller presents for `servername` (none: no SNI). */
function peerCertificate(port: number, servername?: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? { servername } : {}) },
      () => {
        const cert = socket.getPeerX509Certificate();
        socket.destroy();
        if (cert) resolve(cert);
        else reject(new Error('no certificate'));
      },
    );
    socket.on('error', reject);
  });
}

describe('TLS termination with SNI (reference §4)', () => {
  it('presents the Secret matching the SNI name exactly', async () => {
    const h = await start();
    const cert = await peerCertificate(h.httpsPort, 'shop.example.com');
    expect(cert.subjectAltName).toBe('DNS:shop.example.com');
    expect(cert.checkHost('shop.example.com')).toBe('shop.example.com');
  });

  it('falls back from the name to its wildcard (first label replaced by *)', async () => {
    const h = await start();
    const cert = await peerCertificate(h.httpsPort, 'team-a.apps.example.com');
    expect(cert.subjectAltName).toBe('DNS:*.apps.example.com');
  });

  it.each([
    { name: 'an unknown name', servername: 'unknown.example.com' },
    { name: 'a host without tls', servername: 'plain.example.com' },
    { name: 'no SNI at all', servername: undefined },
  ])('serves the Fake Certificate for $name', async ({ servername }) => {
    const h = await start();
    const cert = await peerCertificate(h.httpsPort, servername);
    expect(cert.subject).toBe(`O=Acme Co\nCN=${FAKE_CERTIFICATE_CN}`);
    expect(cert.subjectAltName).toBe('DNS:ingress.local');
  });

  it('routes by Host after terminating, with HTTPS forwarded headers and HSTS', async () => {
    const h = await start();
    const res = await send(h, { host: 'shop.example.com', path: '/checkout', scheme: 'https' });
    expect(res.status).toBe(200);
    expect(res.echo?.headers).toMatchObject({
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      'x-scheme': 'https',
    });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const plain = await send(h, { host: 'plain.example.com', path: '/', scheme: 'https' });
    expect(plain.status).toBe(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('HTTP on the TLS host redirects (308); plain HTTP on the HTTPS port is a 400', async () => {
    const h = await start();
    const res = await send(h, { host: 'shop.example.com', path: '/checkout' });
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('https://shop.example.com/checkout');
    const raw = await rawExchange(h.httpsPort, 'GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('<center>The plain HTTP request was sent to HTTPS port</center>');
  });
});
