import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { FAKE_CERTIFICATE_CN, selfSignedCertificate, serialNumberHex } from './certs.js';

describe('serialNumberHex', () => {
  it.each([
    { bytes: [0x12, 0x34], hex: '1234' },
    { bytes: [0x80, 0x01], hex: '008001' },
    { bytes: [0x00, 0x7f, 0xff], hex: '7fff' },
    { bytes: [0x00, 0x00, 0x80], hex: '0080' },
    { bytes: [0x00, 0x00, 0x00], hex: '00' },
    { bytes: [], hex: '00' },
  ])('encodes $bytes minimally as $hex', ({ bytes, hex }) => {
    expect(serialNumberHex(Uint8Array.from(bytes))).toBe(hex);
  });
});

describe('selfSignedCertificate', () => {
  // Random serials starting 00 00 7x once in ~512 certificates produced a
  // non-minimal INTEGER that OpenSSL refuses ("illegal padding"): every
  // leading-zero shape must load.
  it.each([
    [0x00, 0x00, 0x12],
    [0x00, 0x91],
    [0x00, 0x00, 0x00, 0x00],
    [0xff, 0xee],
  ])('builds a certificate OpenSSL loads for serial %j', async (...serial) => {
    const pair = await selfSignedCertificate({
      commonName: FAKE_CERTIFICATE_CN,
      organization: 'Acme Co',
      dnsNames: ['ingress.local'],
      now: Date.UTC(2026, 0, 1),
      serial: Uint8Array.from(serial),
    });
    expect(() => createSecureContext({ cert: pair.cert, key: pair.key })).not.toThrow();
    const x509 = new X509Certificate(pair.cert);
    expect(x509.subject).toBe(`O=Acme Co\nCN=${FAKE_CERTIFICATE_CN}`);
    expect(x509.subjectAltName).toBe('DNS:ingress.local');
    expect(BigInt(`0x${x509.serialNumber}`)).toBe(BigInt(`0x${Buffer.from(serial).toString('hex') || '0'}`));
    expect(x509.validFrom).toBe('Jan  1 00:00:00 2026 GMT');
  });
});
