/**
 * Which certificate each host server presents (reference §4; ingress-nginx
 * `createServers` TLS loop and `extractTLSSecretName`). For each rule host, the
 * oldest non-canary Ingress with a `tls` section decides: the `secretName` of
 * the first entry listing the host, else a Secret of that Ingress whose
 * certificate covers the host. No name, a missing or invalid Secret, or a
 * certificate not covering the host → the default certificate (which still
 * turns on the HTTPS redirect, as in ingress-nginx). Pure (certificate parsing
 * is CPU only).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KubeObject, Secret } from '../api/types.js';
import type { Diagnostic } from './diagnostics.js';
import { CATCH_ALL, type DraftServer, type ParsedIngress } from './draft.js';
import type { CertificateRef } from './types.js';

export type SecretObject = Secret & KubeObject;

/** A parsed `tls.crt`/`tls.key` pair, or why it is unusable. */
export type TlsSecretInfo =
  | { readonly ok: true; readonly names: readonly string[]; readonly notAfter: string }
  | { readonly ok: false; readonly reason: string };

function decode(secret: SecretObject, key: string): string | undefined {
  const b64 = secret.data?.[key];
  if (b64 !== undefined) return Buffer.from(b64, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

/** Parses a TLS Secret: the certificate's DNS names (SANs, then CN) if the pair is usable. */
export function inspectTlsSecret(secret: SecretObject): TlsSecretInfo {
  const crt = decode(secret, 'tls.crt');
  const key = decode(secret, 'tls.key');
  if (!crt || !key) return { ok: false, reason: 'it has no tls.crt or tls.key' };
  try {
    const cert = new X509Certificate(crt);
    if (!cert.checkPrivateKey(createPrivateKey(key))) {
      return { ok: false, reason: 'tls.key does not match tls.crt' };
    }
    const sans = (cert.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4).toLowerCase());
    const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1]?.toLowerCase();
    return { ok: true, names: cn ? [...sans, cn] : sans, notAfter: cert.validTo };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Whether a certificate name covers `host` (exact, or `*.x` for one label; a wildcard host needs the same wildcard). */
export function certificateCovers(names: readonly string[], host: string): boolean {
  const h = host.toLowerCase();
  return names.some((n) => {
    if (n === h) return true;
    if (!n.startsWith('*.') || h.startsWith('*.')) return false;
    const suffix = n.slice(1);
    if (!h.endsWith(suffix)) return false;
    const label = h.slice(0, -suffix.length);
    return label.length > 0 && !label.includes('.');
  });
}

type SecretLookup = (namespace: string, name: string) => TlsSecretInfo | undefined;

function secretNameFor(host: string, ing: ParsedIngress, lookup: SecretLookup): string {
  const tls = ing.obj.spec?.tls ?? [];
  for (const entry of tls) {
    if ((entry.hosts ?? []).some((h) => h.toLowerCase() === host)) return entry.secretName ?? '';
  }
  for (const entry of tls) {
    if (!entry.secretName) continue;
    const info = lookup(ing.ref.namespace, entry.secretName);
    if (info?.ok && certificateCovers(info.names, host)) return entry.secretName;
  }
  return '';
}

function certificateFor(
  host: string,
  ing: ParsedIngress,
  lookup: SecretLookup,
  diagnostics: Diagnostic[],
): CertificateRef {
  const name = secretNameFor(host, ing, lookup);
  if (name === '') return { kind: 'default', why: 'no-secret-name' };
  const ns = ing.ref.namespace;
  const info = lookup(ns, name);
  const secret = `${ns}/${name}`;
  const warn = (problem: 'secret-missing' | 'secret-invalid' | 'host-not-covered', message: string) =>
    diagnostics.push({ kind: 'tls', ingress: ing.ref, secret, problem, message });
  if (!info) {
    warn(
      'secret-missing',
      `Error getting SSL certificate "${secret}": secret not found. Using default certificate`,
    );
    return { kind: 'default', why: 'secret-missing' };
  }
  if (!info.ok) {
    warn(
      'secret-invalid',
      `SSL certificate "${secret}" is not valid (${info.reason}). Using default certificate`,
    );
    return { kind: 'default', why: 'secret-invalid' };
  }
  if (!certificateCovers(info.names, host)) {
    warn(
      'host-not-covered',
      `SSL certificate "${secret}" does not contain a Common Name or Subject Alternative Name for server "${host}". Using default certificate`,
    );
    return { kind: 'default', why: 'host-not-covered' };
  }
  return { kind: 'secret', namespace: ns, name };
}

/** Sets `certificate` on every host server that has TLS configured. */
export function assignCertificates(
  servers: ReadonlyMap<string, DraftServer>,
  ingresses: readonly ParsedIngress[],
  secrets: readonly SecretObject[],
  diagnostics: Diagnostic[],
): void {
  const byKey = new Map<string, SecretObject>();
  for (const s of secrets) byKey.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  const parsed = new Map<string, TlsSecretInfo | undefined>();
  const lookup: SecretLookup = (ns, name) => {
    const key = `${ns}/${name}`;
    if (!parsed.has(key)) {
      const s = byKey.get(key);
      parsed.set(key, s ? inspectTlsSecret(s) : undefined);
    }
    return parsed.get(key);
  };
  for (const ing of ingresses) {
    if (ing.anns.canary || (ing.obj.spec?.tls ?? []).length === 0) continue;
    for (const rule of ing.obj.spec?.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      const server = servers.get(host || CATCH_ALL);
      if (!host || !server || server.certificate) continue;
      server.certificate = certificateFor(host, ing, lookup, diagnostics);
    }
  }
}
