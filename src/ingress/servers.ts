/**
 * Servers and locations from the served Ingresses, in ingress-nginx's order
 * (`createServers`, then the location loop of `getBackendServers`; reference
 * §1.6, §1.7):
 *
 * 1. The catch-all server `_` answers 404 from the controller's default
 *    backend, unless a rule-less Ingress has a `defaultBackend` (oldest wins).
 * 2. Each rule host gets a server on first sight (oldest Ingress first); its
 *    `/` fallback is that Ingress's `defaultBackend`, else the 404, with that
 *    Ingress's annotations.
 * 3. Every path becomes a location on its host's server; a repeated
 *    (path, pathType) keeps the oldest, except that a Prefix `/` replaces the
 *    server's fallback.
 *
 * Canary Ingresses add no server and no location (canary.ts merges them).
 * In `ingress-nginx` mode ImplementationSpecific paths are Prefix paths
 * (`k8s.SetDefaultNGINXPathType`); `spec` mode keeps the type. Pure.
 */
import type { HTTPIngressPath } from '../api/types.js';
import { DEFAULT_LOCATION_CONFIG, type LocationConfig } from './annotations.js';
import type { Diagnostic } from './diagnostics.js';
import {
  CATCH_ALL,
  type DraftLocation,
  type DraftServer,
  type DraftUpstream,
  newCatchAllServer,
  newServer,
  type ParsedIngress,
} from './draft.js';
import { strictPathTypeError } from './paths.js';
import type { BackendRef, MatchMode, PathType } from './types.js';
import { upstreamName } from './upstreams.js';

/** The catch-all server keeps redirects and rewrites off (ingress-nginx "skip for now" on the catch-all). */
function catchAllConfig(config: LocationConfig): LocationConfig {
  const d = DEFAULT_LOCATION_CONFIG;
  return {
    ...config,
    rewriteTarget: d.rewriteTarget,
    useRegex: d.useRegex,
    appRoot: d.appRoot,
    sslRedirect: d.sslRedirect,
    forceSslRedirect: d.forceSslRedirect,
    preserveTrailingSlash: d.preserveTrailingSlash,
    redirect: d.redirect,
  };
}

function defaultBackendOf(ing: ParsedIngress, upstreams: ReadonlyMap<string, DraftUpstream>): BackendRef {
  const svc = ing.obj.spec?.defaultBackend?.service;
  if (!svc) return { kind: 'default-backend' };
  const name = upstreamName(ing.ref.namespace, svc);
  return upstreams.has(name) ? { kind: 'upstream', upstream: name } : { kind: 'default-backend' };
}

/** Step 1 and 2: the servers and their `/` fallbacks. */
export function createServers(
  ingresses: readonly ParsedIngress[],
  upstreams: ReadonlyMap<string, DraftUpstream>,
): Map<string, DraftServer> {
  const servers = new Map<string, DraftServer>([[CATCH_ALL, newCatchAllServer()]]);
  for (const ing of ingresses) {
    if (ing.anns.canary) continue;
    const backend = defaultBackendOf(ing, upstreams);
    const rules = ing.obj.spec?.rules ?? [];
    const root = (servers.get(CATCH_ALL) as DraftServer).locations[0] as DraftLocation;
    if (backend.kind === 'upstream' && rules.length === 0 && root.origin.kind === 'controller') {
      root.backend = backend;
      root.origin = { kind: 'catch-all', ingress: ing.ref };
      root.config = catchAllConfig(ing.anns.location);
      root.isServerDefault = false;
    }
    for (const rule of rules) {
      const host = (rule.host ?? '').toLowerCase() || CATCH_ALL;
      if (servers.has(host)) continue;
      servers.set(
        host,
        newServer(host, backend, { kind: 'server-default', ingress: ing.ref }, ing.anns.location),
      );
    }
  }
  return servers;
}

function pathTypeOf(p: HTTPIngressPath, mode: MatchMode): PathType {
  const t = (p.pathType ?? 'ImplementationSpecific') as PathType;
  return mode === 'ingress-nginx' && t === 'ImplementationSpecific' ? 'Prefix' : t;
}

interface PathEntry {
  readonly ing: ParsedIngress;
  readonly server: DraftServer;
  readonly rule: number;
  readonly index: number;
  readonly path: string;
  readonly pathType: PathType;
  readonly upstream: string;
}

function placePath(e: PathEntry, diagnostics: Diagnostic[]): void {
  const { server, ing } = e;
  for (const loc of server.locations) {
    // "Same paths but different types are allowed" (ingress-nginx breaks out of
    // its loop here, which can render a duplicate nginx location; netkube keeps
    // looking for a same-type location instead).
    if (loc.path !== e.path || loc.pathType !== e.pathType) continue;
    if (loc.isServerDefault) {
      loc.backend = { kind: 'upstream', upstream: e.upstream };
      loc.origin = { kind: 'path', ingress: ing.ref, rule: e.rule, path: e.index };
      loc.config = ing.anns.location;
      loc.isServerDefault = false;
      return;
    }
    loc.shadowed.push({ ingress: ing.ref, rule: e.rule, path: e.index });
    const winner = loc.origin.kind === 'path' ? loc.origin.ingress : ing.ref;
    diagnostics.push({
      kind: 'path-conflict',
      ingress: ing.ref,
      host: server.hostname,
      path: e.path,
      pathType: e.pathType,
      winner,
      message: `Location "${e.path}" (${e.pathType}) on host "${server.hostname}" is already served by Ingress ${winner.namespace}/${winner.name}, which is older; this path is ignored`,
    });
    return;
  }
  server.locations.push({
    path: e.path,
    ingressPath: e.path,
    pathType: e.pathType,
    origin: { kind: 'path', ingress: ing.ref, rule: e.rule, path: e.index },
    backend: { kind: 'upstream', upstream: e.upstream },
    config: ing.anns.location,
    shadowed: [],
    isServerDefault: false,
  });
}

function checkPath(ing: ParsedIngress, host: string, p: HTTPIngressPath, diagnostics: Diagnostic[]): void {
  const message = strictPathTypeError(p.path ?? '', p.pathType ?? 'ImplementationSpecific');
  if (message) {
    diagnostics.push({
      kind: 'invalid-path',
      ingress: ing.ref,
      host,
      path: p.path ?? '',
      pathType: p.pathType ?? '',
      message,
    });
  }
}

/** Step 3: every path of every non-canary Ingress, oldest first. */
export function addLocations(
  servers: Map<string, DraftServer>,
  ingresses: readonly ParsedIngress[],
  upstreams: ReadonlyMap<string, DraftUpstream>,
  mode: MatchMode,
  diagnostics: Diagnostic[],
): void {
  for (const ing of ingresses) {
    (ing.obj.spec?.rules ?? []).forEach((rule, r) => {
      const host = (rule.host ?? '').toLowerCase() || CATCH_ALL;
      const server = servers.get(host) ?? (servers.get(CATCH_ALL) as DraftServer);
      (rule.http?.paths ?? []).forEach((p, i) => {
        if (!ing.anns.canary) checkPath(ing, host, p, diagnostics);
        const svc = p.backend.service;
        if (!svc) return;
        const upstream = upstreamName(ing.ref.namespace, svc);
        if (ing.anns.canary || upstreams.get(upstream)?.canary) return;
        const path = p.path || '/';
        placePath(
          { ing, server, rule: r, index: i, path, pathType: pathTypeOf(p, mode), upstream },
          diagnostics,
        );
      });
    });
  }
}

/** The pathType a canary path is merged by (same conversion as main paths). */
export function canaryPathType(p: HTTPIngressPath, mode: MatchMode): PathType {
  return pathTypeOf(p, mode);
}
