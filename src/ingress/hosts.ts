/**
 * Host matching (reference §1.5): the `Host` header lower-cased, port and one
 * trailing dot stripped (nginx `ngx_http_validate_host`), then the server with
 * that exact name, else the wildcard server whose `*.suffix` matches with a
 * single label of word characters and hyphens (ingress-nginx renders
 * `*.foo.com` as `~^(?<subdomain>[\w-]+)\.foo\.com$`), else the catch-all `_`.
 * Pure.
 */
import type { RouteTable, Server } from './types.js';

/** A Host header after nginx's validation, or `invalid` (nginx answers 400). */
export type NormalisedHost = { readonly valid: true; readonly host: string } | { readonly valid: false };

/**
 * The last header normalised and its result: clients repeat one Host header on
 * every request of a connection (results are immutable, so sharing is safe).
 */
let lastHeader: string | undefined;
let lastResult: NormalisedHost = { valid: true, host: '' };

/** Validates and normalises a Host header value (undefined or '' → the empty host). */
export function normaliseHost(header: string | undefined): NormalisedHost {
  if (header === undefined || header === '') return { valid: true, host: '' };
  if (header === lastHeader) return lastResult;
  const result = normalise(header);
  lastHeader = header;
  lastResult = result;
  return result;
}

function normalise(header: string): NormalisedHost {
  let h = header.toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return { valid: false };
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return { valid: false };
    return { valid: true, host: h.slice(0, end + 1) };
  }
  const colon = h.indexOf(':');
  if (colon >= 0) {
    if (!/^\d*$/.test(h.slice(colon + 1))) return { valid: false };
    h = h.slice(0, colon);
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('.') || h.includes('..') || /[/\\\0\s]/.test(h)) return { valid: false };
  return { valid: true, host: h };
}

/** `a.foo.com` → `*.foo.com` when the first label is one `[\w-]+` label, else undefined. */
export function wildcardKey(host: string): string | undefined {
  const dot = host.indexOf('.');
  if (dot <= 0) return undefined;
  if (!/^[\w-]+$/.test(host.slice(0, dot))) return undefined;
  return `*${host.slice(dot)}`;
}

/** How a request's host picked its server. */
export interface ServerChoice {
  readonly server: Server;
  readonly via: 'exact' | 'wildcard' | 'catch-all';
}

/** The server for a normalised host. */
export function selectServer(table: RouteTable, host: string): ServerChoice {
  const exact = table.servers.get(host);
  if (exact) return { server: exact, via: 'exact' };
  const key = wildcardKey(host);
  const wildcard = key === undefined ? undefined : table.wildcardServers.get(key);
  if (wildcard) return { server: wildcard, via: 'wildcard' };
  return { server: table.defaultServer, via: 'catch-all' };
}

/**
 * The certificate lookup of ingress-nginx's `certificate.lua`: the lower-cased
 * name without a trailing dot, then its first label replaced by `*`. Returns
 * the server that holds a certificate for `name`, if any.
 */
export function certificateServer(table: RouteTable, name: string): Server | undefined {
  // Tables are immutable and a connection's requests repeat one host: remember the last answer.
  if (table === lastCertificate.table && name === lastCertificate.name) return lastCertificate.server;
  const server = findCertificateServer(table, name);
  lastCertificate = { table, name, server };
  return server;
}

let lastCertificate: {
  readonly table: RouteTable | undefined;
  readonly name: string;
  readonly server: Server | undefined;
} = { table: undefined, name: '', server: undefined };

function findCertificateServer(table: RouteTable, name: string): Server | undefined {
  let host = name.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  const exact = table.servers.get(host);
  if (exact?.certificate) return exact;
  if (table.wildcardServers.size === 0) return undefined;
  const dot = host.indexOf('.');
  if (dot <= 0) return undefined;
  const wildcard = table.wildcardServers.get(`*${host.slice(dot)}`);
  return wildcard?.certificate ? wildcard : undefined;
}
