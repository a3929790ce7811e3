/**
 * Self-signed certificates: the controller's default ("Fake") certificate,
 * generated at start as ingress-nginx's `ssl.GetFakeSSLCert` does (CN
 * "Kubernetes Ingress Controller Fake Certificate", O "Acme Co", SAN
 * `ingress.local`, RSA-2048, 365 days), and demo `kubernetes.io/tls` Secrets
 * for `netkube` (`POST …/secrets/tls-selfsigned`).
 *
 * No I/O and no clock reads (the caller passes `now`); keys come from the
 * system CSPRNG, so results are not reproducible.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import type forge from 'node-forge';
import type { KubeObject, Secret } from '../api/types.js';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export interface CertificateOptions {
  readonly commonName: string;
  readonly organization: string;
  readonly dnsNames: readonly string[];
  /** Milliseconds since the epoch: notBefore. */
  readonly now: number;
  /** @default 365 */
  readonly validDays?: number;
  /** The serial number, big-endian. @default 16 random bytes (Go's `rand.Int(2^128)`) */
  readonly serial?: Uint8Array;
}

export const FAKE_CERTIFICATE_CN = 'Kubernetes Ingress Controller Fake Certificate';

const generateRsa = promisify(generateKeyPair);

/** node-forge's `pki.getTBSCertificate`, which its type definitions omit. */
function tbsOf(pki_: typeof forge.pki, cert: forge.pki.Certificate): forge.asn1.Asn1 {
  const pki = pki_ as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  return pki.getTBSCertificate(cert);
}

/**
 * The content octets, in hex, of the DER INTEGER for the non-negative
 * big-endian number `bytes`: minimal, as DER requires and Go's encoding/asn1
 * writes it (no leading zero byte unless the next byte's high bit is set, or
 * OpenSSL refuses the certificate with "illegal padding").
 */
export function serialNumberHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const first = bytes[start] ?? 0;
  const hex = bytes.length === 0 ? '00' : Buffer.from(bytes.subarray(start)).toString('hex');
  return first >= 0x80 ? `00${hex}` : hex;
}

/**
 * Creates a self-signed RSA-2048 server certificate. Key generation runs on
 * libuv's thread pool and the signature is native, so the event loop is not
 * blocked (node-forge only assembles the DER; it is loaded on first use, so
 * it costs nothing at start).
 */
export async function selfSignedCertificate(options: CertificateOptions): Promise<PemPair> {
  const { default: forge } = await import('node-forge');
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialNumberHex(options.serial ?? randomBytes(16));
  cert.validity.notBefore = new Date(options.now);
  cert.validity.notAfter = new Date(options.now + (options.validDays ?? 365) * 86_400_000);
  const subject = [
    { name: 'organizationName', value: options.organization },
    { name: 'commonName', value: options.commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: options.dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  const tbs = Buffer.from(forge.asn1.toDer(tbsOf(forge.pki, cert)).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, privateKey).toString('binary');
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** The controller's default certificate (ingress-nginx `GetFakeSSLCert`). */
export function fakeCertificate(now: number): Promise<PemPair> {
  return selfSignedCertificate({
    commonName: FAKE_CERTIFICATE_CN,
    organization: 'Acme Co',
    dnsNames: ['ingress.local'],
    now,
  });
}

/**
 * A `kubernetes.io/tls` Secret named `name` in `namespace` whose self-signed
 * certificate covers `hosts` (CN = the first host, O = "netkube").
 */
export async function selfSignedTlsSecret(
  hosts: string | readonly string[],
  namespace: string,
  name: string,
  options: { readonly now?: number; readonly validDays?: number } = {},
): Promise<Secret & KubeObject> {
  const list = typeof hosts === 'string' ? [hosts] : [...hosts];
  const pair = await selfSignedCertificate({
    commonName: list[0] ?? name,
    organization: 'netkube',
    dnsNames: list,
    now: options.now ?? Date.now(),
    ...(options.validDays === undefined ? {} : { validDays: options.validDays }),
  });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(pair.cert).toString('base64'),
      'tls.key': Buffer.from(pair.key).toString('base64'),
    },
  };
}
