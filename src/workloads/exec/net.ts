/**
 * Networking helpers for in-pod tools: name resolution with the pod's search
 * path (so tools can print the fully qualified name they found), connecting
 * through the pod's `PodNetwork`, and one HTTP exchange. Everything goes through
 * the emulated dataplane; nothing opens a host socket.
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DnsRecord } from '../../dns/zone.js';
import { HttpReadError, type HttpResponse, readHttpResponse } from '../http/client.js';
import type { PodDnsReply } from '../types.js';
import { type ExecSystem, untilAborted } from './context.js';

/** Whether `host` is an IP literal (v4, or v6 without brackets): such a host is never resolved. */
export function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}

/**
 * The IPv4 address the emulated (single-stack IPv4) dataplane uses for an IP
 * literal: `::1` is the pod's own loopback, `::ffff:a.b.c.d` the mapped IPv4;
 * any other IPv6 address is unreachable (pods have no IPv6 route). Literals
 * never reach a resolver.
 */
export function podDataplaneAddress(ip: string): string | 'ENETUNREACH' {
  if (isIP(ip) !== 6) return ip;
  if (ip === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(ip)) return '127.0.0.1';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? 'ENETUNREACH';
}

/** The search candidates the pod's resolver tries, in order (ndots:5). */
export function searchCandidates(name: string, namespace: string, clusterDomain: string): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const search = [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
  const expanded = search.map((s) => `${name}.${s}`);
  const dots = name.split('.').length - 1;
  return dots >= 5 ? [name, ...expanded] : [...expanded, name];
}

/** A resolved name: the fully qualified name that answered and its addresses. */
export interface Resolution {
  readonly fqdn: string;
  readonly addresses: readonly string[];
}

/**
 * Resolves like the pod's stub resolver, trying each search candidate as an
 * absolute name (`PodNetwork.resolve` receives names with a trailing dot).
 * Resolves undefined for NXDOMAIN; rejects on other failures (timeouts).
 */
export async function resolveName(
  system: ExecSystem,
  name: string,
  useSearch = true,
): Promise<Resolution | undefined> {
  if (isIpLiteral(name)) return { fqdn: name, addresses: [name] };
  if (name === 'localhost') return { fqdn: 'localhost', addresses: ['127.0.0.1'] };
  const candidates = useSearch
    ? searchCandidates(name, system.pod.namespace, system.dns.clusterDomain)
    : [name.replace(/\.$/, '')];
  for (const fqdn of candidates) {
    if (fqdn === system.pod.hostname || fqdn === system.pod.fqdn) return { fqdn, addresses: [system.pod.ip] };
    try {
      const addresses = await untilAborted(system, system.network.resolve(`${fqdn}.`));
      if (addresses.length > 0) return { fqdn, addresses };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTFOUND' && code !== 'ENODATA') throw err;
    }
  }
  return undefined;
}

/** Why a connection failed, as errno names. */
export type ConnectFailure = 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH';

/** Opens a TCP connection from the pod; resolves the socket or the failure's errno. */
export async function connectFromPod(
  system: ExecSystem,
  ip: string,
  port: number,
  timeoutMs: number,
): Promise<Duplex | ConnectFailure> {
  const address = podDataplaneAddress(ip);
  if (address === 'ENETUNREACH') return address;
  try {
    return await untilAborted(system, system.network.connect(address, port, { timeoutMs }));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return 'ECONNREFUSED';
    throw err;
  }
}

/** Writes `request` and reads one response; errors keep their `HttpReadError` code. */
export async function httpExchange(
  system: ExecSystem,
  socket: Duplex,
  request: Buffer,
  options: { readonly method: string; readonly timeoutMs: number },
): Promise<HttpResponse | HttpReadError> {
  socket.write(request);
  try {
    return await untilAborted(
      system,
      readHttpResponse(socket, {
        method: options.method,
        clock: system.clock,
        headTimeoutMs: options.timeoutMs,
      }),
    );
  } catch (err) {
    if (err instanceof HttpReadError) return err;
    throw err;
  } finally {
    socket.destroy();
  }
}

/** A parsed `http://host:port/path` URL (no scheme means http). */
export interface HttpUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /** Path and query, at least `/`. */
  readonly target: string;
  /** The Host header value: host, plus `:port` when not the scheme's default. */
  readonly hostHeader: string;
}

/** Parses a URL as curl/wget accept it; undefined when malformed. */
export function parseHttpUrl(text: string): HttpUrl | undefined {
  const m =
    /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?(\[[0-9a-fA-F:.]+\]|[^/:?#]+)(?::(\d*))?([/?][^#]*)?(?:#.*)?$/.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const scheme = (m[1] ?? 'http').toLowerCase();
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = m[3] ? Number(m[3]) : defaultPort;
  if (!(port > 0 && port < 65536)) return undefined;
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  let target = m[4] ?? '/';
  if (target.startsWith('?')) target = `/${target}`;
  const hostHeader = port === defaultPort ? (m[2] ?? '') : `${m[2] ?? ''}:${port}`;
  return { scheme, host, port, target, hostHeader };
}

/**
 * Asks cluster DNS one typed question for the absolute `name` (`PodNetwork.query`).
 * Without `query`, answers A from `resolve` and other types NODATA/NXDOMAIN.
 * Rejects on failures other than a negative answer (timeouts, aborts).
 */
export async function queryDns(system: ExecSystem, name: string, type: string): Promise<PodDnsReply> {
  const absolute = name.endsWith('.') ? name : `${name}.`;
  if (system.network.query) return untilAborted(system, system.network.query(absolute, type));
  try {
    const ips = await untilAborted(system, system.network.resolve(absolute));
    if (ips.length === 0) return { rcode: 'NXDOMAIN', answers: [], authorities: [] };
    const answers: DnsRecord[] =
      type === 'A' ? ips.map((ip) => ({ type: 'A', name: absolute, ttl: 30, data: ip })) : [];
    return { rcode: 'NOERROR', answers, authorities: [] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA')
      return { rcode: 'NXDOMAIN', answers: [], authorities: [] };
    throw err;
  }
}

/** `10.0.96.10.in-addr.arpa` for `10.96.0.10`. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}
