/**
 * What the proxy derives from the client request for one upstream attempt:
 * the balancer's view of the request (nginx variables, cookies) and the
 * request body's framing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseCookies } from '../request-info.js';
import type { Location } from '../types.js';
import type { PickRequest } from './balancers.js';

/** The request fields the balancers and the body framing read (a `ClientRequest` or Node's `IncomingMessage`). */
export interface RequestFields {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

/** The body of a client request: a length, chunked, or none. */
export function requestBody(req: RequestFields): number | 'chunked' | undefined {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined && /chunked\s*$/i.test(te)) return 'chunked';
  const cl = req.headers['content-length'];
  if (cl === undefined) return undefined;
  const n = Number(cl);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function query(url: string, name: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  for (const part of url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)) === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return '';
}

/** The balancer's view of a request (nginx variables for `upstream-hash-by`, affinity cookie inputs). */
export function pickRequest(
  req: RequestFields,
  loc: Location,
  remoteAddr: string,
  host: string,
  scheme: 'http' | 'https',
): PickRequest {
  let cookies: Record<string, string> | undefined;
  const cookie = (name: string) => {
    cookies ??= parseCookies(req.headers.cookie);
    return cookies[name];
  };
  const url = req.url ?? '/';
  return {
    cookie,
    sticky: loc.config.sessionAffinity,
    secure: scheme === 'https',
    locationPath: loc.ingressPath,
    variable(name) {
      switch (name) {
        case 'request_uri':
          return url;
        case 'uri':
          return url.split('?')[0] ?? url;
        case 'args':
        case 'query_string':
          return url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
        case 'remote_addr':
        case 'binary_remote_addr':
          return remoteAddr;
        case 'host':
          return host;
        case 'scheme':
          return scheme;
        case 'request_method':
          return req.method ?? 'GET';
        default:
          break;
      }
      if (name.startsWith('http_')) {
        const v = req.headers[name.slice(5).replace(/_/g, '-')];
        return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
      }
      if (name.startsWith('cookie_')) return cookie(name.slice(7)) ?? '';
      if (name.startsWith('arg_')) return query(url, name.slice(4));
      return '';
    },
  };
}
