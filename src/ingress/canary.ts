/**
 * Canary Ingresses (reference §3.4; ingress-nginx `mergeAlternativeBackends`
 * and `balancer.lua route_to_alternative_balancer`).
 *
 * Compile time: a canary Ingress's upstream becomes the alternative of the
 * upstream serving the same host, path and pathType (its `defaultBackend`: of
 * the catch-all server's locations). A canary with no such main location is
 * dropped. Request time: affinity, then header, then cookie, then weight. Pure.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from './diagnostics.js';
import { CATCH_ALL, type DraftServer, type DraftUpstream, type ParsedIngress } from './draft.js';
import { canaryPathType } from './servers.js';
import type { MatchMode, Upstream } from './types.js';
import { upstreamName } from './upstreams.js';

function canMerge(primary: DraftUpstream | undefined, alt: DraftUpstream): primary is DraftUpstream {
  return primary !== undefined && primary.name !== alt.name && primary.canary === undefined;
}

function merge(ing: ParsedIngress, primary: DraftUpstream, alt: DraftUpstream): void {
  if (primary.alternative === alt.name) return;
  if (ing.anns.upstream.affinity?.canaryBehavior !== 'legacy')
    alt.policy = { ...alt.policy, affinity: primary.policy.affinity };
  primary.alternative ??= alt.name;
}

function unmerged(ing: ParsedIngress, alt: string, why: string): Diagnostic {
  return {
    kind: 'canary-unmerged',
    ingress: ing.ref,
    message: `unable to find real backend for alternative backend ${alt} (${why}); the canary receives no traffic`,
  };
}

function mergeInto(
  ing: ParsedIngress,
  server: DraftServer,
  alt: DraftUpstream,
  upstreams: Map<string, DraftUpstream>,
  matches: (path: string, pathType: string) => boolean,
): boolean {
  let merged = false;
  for (const loc of server.locations) {
    const primary = loc.backend.kind === 'upstream' ? upstreams.get(loc.backend.upstream) : undefined;
    if (primary?.name === alt.name) return true;
    if (canMerge(primary, alt) && matches(loc.path, loc.pathType)) {
      merge(ing, primary, alt);
      merged = true;
    }
  }
  return merged;
}

/** Merges every canary Ingress into its main upstreams; unmerged canary upstreams are deleted. */
export function mergeCanaries(
  servers: ReadonlyMap<string, DraftServer>,
  ingresses: readonly ParsedIngress[],
  upstreams: Map<string, DraftUpstream>,
  mode: MatchMode,
  diagnostics: Diagnostic[],
): void {
  const canaries = ingresses.filter((i) => i.anns.canary);
  const haveMain = canaries.length < ingresses.length;
  for (const ing of canaries) {
    const def = ing.obj.spec?.defaultBackend?.service;
    if (def) {
      const alt = upstreams.get(upstreamName(ing.ref.namespace, def));
      const catchAll = servers.get(CATCH_ALL) as DraftServer;
      if (alt && !(haveMain && mergeInto(ing, catchAll, alt, upstreams, () => true))) {
        diagnostics.push(unmerged(ing, alt.name, 'no main Ingress serves the catch-all server'));
        upstreams.delete(alt.name);
      }
    }
    for (const rule of ing.obj.spec?.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase() || CATCH_ALL;
      for (const p of rule.http?.paths ?? []) {
        if (!p.backend.service) continue;
        const alt = upstreams.get(upstreamName(ing.ref.namespace, p.backend.service));
        if (!alt) continue;
        const server = servers.get(host);
        const type = canaryPathType(p, mode);
        const ok =
          haveMain &&
          server !== undefined &&
          mergeInto(ing, server, alt, upstreams, (path, t) => path === p.path && t === type);
        if (!ok) {
          diagnostics.push(
            unmerged(ing, alt.name, `no main Ingress serves ${host}${p.path ?? ''} (${type})`),
          );
          upstreams.delete(alt.name);
        }
      }
    }
  }
}

/** The affinity cookie's backend key of an upstream: `md5(md5(name) .. name)` (sticky.lua). */
export function backendKey(upstream: string): string {
  const inner = createHash('md5').update(upstream).digest('hex');
  return createHash('md5')
    .update(inner + upstream)
    .digest('hex');
}

/** What a canary decision reads from the request. */
export interface CanaryRequest {
  /** The first value of a request header (name in any case). */
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
}

/** Why a request went to the canary or stayed on the main upstream. */
export interface CanaryVerdict {
  readonly canary: boolean;
  readonly by: 'affinity' | 'header' | 'cookie' | 'weight';
  readonly detail: string;
}

function affinitized(up: Upstream, req: CanaryRequest): boolean {
  const a = up.policy.affinity;
  if (!a) return false;
  const value = req.cookie(a.cookieName);
  if (value === undefined) return false;
  const parts = value.split('|');
  return parts.length > 1 && parts[1] === backendKey(up.name);
}

function byHeader(policy: NonNullable<Upstream['canary']>, req: CanaryRequest): CanaryVerdict | undefined {
  if (!policy.header) return undefined;
  const value = req.header(policy.header);
  if (value === undefined) return undefined;
  const d = (detail: string, canary: boolean): CanaryVerdict => ({ canary, by: 'header', detail });
  if (policy.headerValue) {
    return value === policy.headerValue
      ? d(`${policy.header}: ${value} equals canary-by-header-value`, true)
      : undefined;
  }
  if (policy.headerPattern) {
    try {
      if (new RegExp(policy.headerPattern).test(value))
        return d(`${policy.header}: ${value} matches canary-by-header-pattern`, true);
    } catch {
      return d(`canary-by-header-pattern ${policy.headerPattern} is not a valid regex`, false);
    }
    return undefined;
  }
  if (value === 'always') return d(`${policy.header}: always`, true);
  if (value === 'never') return d(`${policy.header}: never`, false);
  return undefined;
}

/**
 * Decides between `primary` and its canary `alt` for one request. `roll` is a
 * number in [0, 1) for the weight draw (`math.random(total) <= weight`).
 */
export function routeToCanary(
  primary: Upstream,
  alt: Upstream,
  req: CanaryRequest,
  roll: number,
): CanaryVerdict {
  if (affinitized(primary, req))
    return { canary: false, by: 'affinity', detail: 'affinity cookie names the main upstream' };
  if (affinitized(alt, req))
    return { canary: true, by: 'affinity', detail: 'affinity cookie names the canary upstream' };
  const policy = alt.canary;
  if (!policy) return { canary: false, by: 'weight', detail: 'no traffic-shaping policy' };
  const header = byHeader(policy, req);
  if (header) return header;
  if (policy.cookie) {
    const c = req.cookie(policy.cookie);
    if (c === 'always') return { canary: true, by: 'cookie', detail: `cookie ${policy.cookie}=always` };
    if (c === 'never') return { canary: false, by: 'cookie', detail: `cookie ${policy.cookie}=never` };
  }
  const total = Math.max(policy.weightTotal, 100);
  const draw = Math.floor(roll * total) + 1;
  return {
    canary: draw <= policy.weight,
    by: 'weight',
    detail: `weight ${policy.weight}/${total}, drew ${draw}`,
  };
}
