/**
 * Finishing a server's locations for matching.
 *
 * `ingress-nginx` mode (ingress-nginx `updateServerLocations`, the template's
 * `buildLocation` and `enforceRegexModifier`; reference §1.4, §3.1):
 * - a Prefix `/foo` (without rewrite or regex) becomes `location "/foo/"` plus
 *   an exact `location = "/foo"`, unless an Exact `/foo` already exists;
 * - locations are ordered by length, then path, descending;
 * - if any location of the server rewrites or uses regex, every location is a
 *   case-insensitive regex `~* "^<path>"`, evaluated first-match in that order.
 *
 * `spec` mode: Exact and element-wise Prefix matchers (ImplementationSpecific as
 * Prefix, or a regex with `use-regex`), ordered longest path first, Exact
 * before Prefix, then oldest Ingress. Pure.
 */
import type { Diagnostic } from './diagnostics.js';
import { compareIngresses, type DraftLocation, type DraftServer, needsRewrite } from './draft.js';
import { compileLocationRegex } from './paths.js';
import type { Location, LocationMatcher, MatchMode, Server } from './types.js';

function normalisePrefixPath(path: string): string {
  return path === '/' || path.endsWith('/') ? path : `${path}/`;
}

function expandPrefixes(locations: readonly DraftLocation[]): DraftLocation[] {
  const exact = new Set(locations.filter((l) => l.pathType === 'Exact').map((l) => l.path));
  const out: DraftLocation[] = [];
  for (const loc of locations) {
    if (loc.path === '/' || loc.pathType !== 'Prefix' || needsRewrite(loc) || loc.config.useRegex) {
      out.push(loc);
      continue;
    }
    const original = loc.path;
    loc.path = normalisePrefixPath(original);
    out.push(loc);
    if (!exact.has(original))
      out.push({ ...loc, path: original, pathType: 'Exact', generated: 'prefix-exact' });
  }
  return out;
}

function nginxOrder(locations: DraftLocation[]): DraftLocation[] {
  const byPath = [...locations].sort((a, b) => (a.path === b.path ? 0 : a.path > b.path ? -1 : 1));
  return byPath.sort((a, b) => b.path.length - a.path.length);
}

function ageOf(loc: DraftLocation) {
  const o = loc.origin;
  return o.kind === 'controller' ? undefined : o.ingress;
}

function specOrder(locations: DraftLocation[]): DraftLocation[] {
  return [...locations].sort((a, b) => {
    if (a.path.length !== b.path.length) return b.path.length - a.path.length;
    const ea = a.pathType === 'Exact' ? 0 : 1;
    const eb = b.pathType === 'Exact' ? 0 : 1;
    if (ea !== eb) return ea - eb;
    const ia = ageOf(a);
    const ib = ageOf(b);
    if (ia && ib) return compareIngresses(ia, ib, 'asc');
    return 0;
  });
}

function regexMatcher(loc: DraftLocation, diagnostics: Diagnostic[]): LocationMatcher | undefined {
  const compiled = compileLocationRegex(loc.path);
  if ('regex' in compiled) return { kind: 'regex', source: `^${loc.path}`, regex: compiled.regex };
  if (loc.origin.kind !== 'controller') {
    diagnostics.push({
      kind: 'invalid-regex',
      ingress: loc.origin.ingress,
      path: loc.path,
      message: `path ${loc.path} is not a valid regular expression (${compiled.error}); the path is not served`,
    });
  }
  return undefined;
}

function nginxMatcher(loc: DraftLocation, enforceRegex: boolean, diagnostics: Diagnostic[]) {
  if (enforceRegex) return regexMatcher(loc, diagnostics);
  if (loc.pathType === 'Exact') return { kind: 'exact', path: loc.path } as const;
  return { kind: 'prefix', path: loc.path } as const;
}

function specMatcher(loc: DraftLocation, diagnostics: Diagnostic[]): LocationMatcher | undefined {
  if (loc.pathType === 'Exact') return { kind: 'exact', path: loc.path };
  if (loc.pathType === 'ImplementationSpecific' && loc.config.useRegex) return regexMatcher(loc, diagnostics);
  return { kind: 'element-prefix', path: loc.path };
}

function freeze(loc: DraftLocation, matcher: LocationMatcher): Location {
  return {
    path: loc.path,
    ingressPath: loc.ingressPath,
    pathType: loc.pathType,
    matcher,
    origin: loc.origin,
    ...(loc.generated ? { generated: loc.generated } : {}),
    backend: loc.backend,
    config: loc.config,
    shadowed: loc.shadowed,
  };
}

/** Turns a draft server into its final form for `mode`. */
export function finishServer(draft: DraftServer, mode: MatchMode, diagnostics: Diagnostic[]): Server {
  let locations: DraftLocation[];
  let enforceRegex = false;
  if (mode === 'ingress-nginx') {
    enforceRegex = draft.locations.some((l) => needsRewrite(l) || l.config.useRegex);
    locations = nginxOrder(expandPrefixes(draft.locations));
  } else {
    locations = specOrder(draft.locations);
  }
  const out: Location[] = [];
  for (const loc of locations) {
    const matcher =
      mode === 'ingress-nginx' ? nginxMatcher(loc, enforceRegex, diagnostics) : specMatcher(loc, diagnostics);
    if (matcher) out.push(freeze(loc, matcher));
  }
  return {
    hostname: draft.hostname,
    kind: draft.kind,
    locations: out,
    enforceRegex,
    certificate: draft.certificate,
  };
}
