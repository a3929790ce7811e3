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

/**
 * Validates and normalises a Host header value: undefined (no header) is the
 * empty host; an empty value is invalid, as nginx finds it.
 */
export function normaliseHost(header: string | undefined): NormalisedHost {
  if (header === undefined) return EMPTY_HOST;
  if (header === lastHeader) return lastResult;
  const result = normalise(header);
  lastHeader = header;
  lastResult = result;
  return result;
}

const EMPTY_HOST: NormalisedHost = { valid: true, host: '' };
const INVALID_HOST: NormalisedHost = { valid: false };

/**
 * nginx 1.25's `ngx_http_validate_host`, step for step: `..` anywhere, `/`,
 * a control character, space or DEL anywhere (the port included) → invalid;
 * the host ends at the first `:` (outside a leading `[`…`]` literal, which
 * ends after its `]`); then one trailing dot goes, and an empty host is
 * invalid. What follows the host is not looked at further (`h.test:abc` and
 * `[::1]x` are fine, an unclosed `[::1` is its own host); `\` and bytes
 * above 0x7f are ordinary characters. A–Z are lower-cased, nothing else.
 */
function normalise(header: string): NormalisedHost {
  const len = header.length;
  let dotPos = len;
  let hostLen = len;
  let state: 'usual' | 'literal' | 'rest' = 'usual';
  let upper = false;
  for (let i = 0; i < len; i++) {
    const c = header.charCodeAt(i);
    switch (c) {
      case 0x2e: // .
        if (dotPos === i - 1) return INVALID_HOST;
        dotPos = i;
        break;
      case 0x3a: // :
        if (state === 'usual') {
          hostLen = i;
          state = 'rest';
        }
        break;
      case 0x5b: // [
        if (i === 0) state = 'literal';
        break;
      case 0x5d: // ]
        if (state === 'literal') {
          hostLen = i + 1;
          state = 'rest';
        }
        break;
      default:
        if (c === 0x2f || c <= 0x20 || c === 0x7f) return INVALID_HOST;
        if (c >= 0x41 && c <= 0x5a) upper = true;
    }
  }
  if (dotPos === hostLen - 1) hostLen--;
  if (hostLen === 0) return INVALID_HOST;
  const host = header.slice(0, hostLen);
  return { valid: true, host: upper ? host.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : host };
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
