/**
 * The compiler's working model: mutable drafts of servers and locations,
 * built in ingress-nginx's order (createServers → locations → canary merge →
 * updateServerLocations) and frozen into the `RouteTable` at the end. Internal
 * to the compiler.
 */
import type { IngressServiceBackend } from 'kubernetes-types/networking/v1.js';
import { DEFAULT_LOCATION_CONFIG, type LocationConfig, type ParsedAnnotations } from './annotations.js';
import type { IngressObject } from './ingress-class.js';
import type {
  BackendRef,
  CertificateRef,
  IngressRef,
  LocationOrigin,
  PathType,
  ServerKind,
  ShadowedPath,
  Upstream,
} from './types.js';

/** A served Ingress with its parsed annotations. */
export interface ParsedIngress {
  readonly obj: IngressObject;
  readonly ref: IngressRef;
  readonly anns: ParsedAnnotations;
}

export interface DraftLocation {
  path: string;
  readonly ingressPath: string;
  pathType: PathType;
  origin: LocationOrigin;
  backend: BackendRef;
  config: LocationConfig;
  readonly shadowed: ShadowedPath[];
  /** The server's `/` fallback, still replaceable by a Prefix `/` path (ingress-nginx `IsDefBackend`). */
  isServerDefault: boolean;
  generated?: 'prefix-exact';
}

export interface DraftServer {
  readonly hostname: string;
  readonly kind: ServerKind;
  readonly locations: DraftLocation[];
  certificate: CertificateRef | undefined;
}

/** Mutable upstreams during compilation. */
export type DraftUpstream = { -readonly [K in keyof Upstream]: Upstream[K] };

export const CATCH_ALL = '_';

/** The kind of a server name. */
export function serverKind(hostname: string): ServerKind {
  if (hostname === CATCH_ALL) return 'catch-all';
  return hostname.startsWith('*.') ? 'wildcard' : 'exact';
}

/** A server whose only location is `/` → `backend`, created by `origin`. */
export function newServer(
  hostname: string,
  backend: BackendRef,
  origin: LocationOrigin,
  config: LocationConfig,
): DraftServer {
  return {
    hostname,
    kind: serverKind(hostname),
    certificate: undefined,
    locations: [
      {
        path: '/',
        ingressPath: '/',
        pathType: 'Prefix',
        origin,
        backend,
        config,
        shadowed: [],
        isServerDefault: true,
      },
    ],
  };
}

/** The catch-all server before any Ingress: `/` → the controller's 404. */
export function newCatchAllServer(): DraftServer {
  return newServer(CATCH_ALL, { kind: 'default-backend' }, { kind: 'controller' }, DEFAULT_LOCATION_CONFIG);
}

/** The service backends of an Ingress: default backend first, then each path's. */
export function serviceBackends(ing: IngressObject): IngressServiceBackend[] {
  const out: IngressServiceBackend[] = [];
  const def = ing.spec?.defaultBackend?.service;
  if (def) out.push(def);
  for (const rule of ing.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) if (p.backend.service) out.push(p.backend.service);
  }
  return out;
}

/**
 * Whether a location rewrites (ingress-nginx `needsRewrite`): a
 * `rewrite-target` different from the location's path.
 */
export function needsRewrite(loc: { readonly path: string; readonly config: LocationConfig }): boolean {
  const t = loc.config.rewriteTarget;
  return t !== undefined && t !== '' && t !== loc.path;
}

/** Ingress order: creationTimestamp ascending; ties by `namespace/name` (descending as ingress-nginx, or ascending). */
export function compareIngresses(a: IngressRef, b: IngressRef, nameOrder: 'asc' | 'desc'): number {
  if (a.creationTimestamp !== b.creationTimestamp) return a.creationTimestamp < b.creationTimestamp ? -1 : 1;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  if (ka === kb) return 0;
  const asc = ka < kb ? -1 : 1;
  return nameOrder === 'asc' ? asc : -asc;
}
