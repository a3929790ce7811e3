/**
 * Location selection inside one server, with the reasons every location won,
 * lost or did not match.
 *
 * `ingress-nginx` mode evaluates as nginx's `find_config` phase does: an exact
 * location equal to the URI wins outright; then a prefix location equal to the
 * URI; then, if a proxied location is the URI plus `/`, nginx answers 301 to
 * it (its `auto_redirect`); then the longest matching prefix. On a regex
 * server, the first matching regex in order wins.
 *
 * `spec` mode: the first matching location in precedence order (longest path,
 * Exact before Prefix, oldest Ingress). Pure.
 */
import { matchesPath } from './paths.js';
import type { Location, MatchMode, Server } from './types.js';

/** What happened to one location while choosing. */
export interface LocationVerdict {
  readonly location: Location;
  readonly matched: boolean;
  /** `won`: chosen; `lost`: matched but another won; `no-match`: the path did not match. */
  readonly outcome: 'won' | 'lost' | 'no-match';
  readonly reason: string;
}

/** The chosen location, or nginx's trailing-slash redirect. */
export type LocationSelection =
  | { readonly kind: 'location'; readonly location: Location; readonly verdicts: readonly LocationVerdict[] }
  | {
      readonly kind: 'trailing-slash';
      readonly location: Location;
      readonly verdicts: readonly LocationVerdict[];
    }
  | { readonly kind: 'none'; readonly verdicts: readonly LocationVerdict[] };

function describe(loc: Location): string {
  switch (loc.matcher.kind) {
    case 'exact':
      return `exact "${loc.path}"`;
    case 'prefix':
      return `prefix "${loc.path}"`;
    case 'element-prefix':
      return `element-wise prefix "${loc.path}"`;
    case 'regex':
      return `regex ~* "${loc.matcher.source}"`;
    default:
      return 'location';
  }
}

const NONE: readonly LocationVerdict[] = [];

function verdicts(
  explain: boolean,
  server: Server,
  uri: string,
  winner: Location | undefined,
  why: (loc: Location) => string,
): readonly LocationVerdict[] {
  if (!explain) return NONE;
  return server.locations.map((location) => {
    const matched = matchesPath(location.matcher, uri);
    if (location === winner) return { location, matched, outcome: 'won', reason: why(location) };
    if (!matched)
      return {
        location,
        matched,
        outcome: 'no-match',
        reason: `${describe(location)} does not match ${uri}`,
      };
    return {
      location,
      matched,
      outcome: 'lost',
      reason: winner ? `${describe(location)} matches but ${describe(winner)} takes precedence` : 'matches',
    };
  });
}

function selectRegex(server: Server, uri: string, explain: boolean): LocationSelection {
  const winner = server.locations.find((l) => matchesPath(l.matcher, uri));
  const v = verdicts(
    explain,
    server,
    uri,
    winner,
    (l) => `${describe(l)} is the first regex to match (regex server: longest path first)`,
  );
  return winner ? { kind: 'location', location: winner, verdicts: v } : { kind: 'none', verdicts: v };
}

/** The first location of `kind` whose path is `path` (plain loops: this runs for every request). */
function firstWithPath(
  locations: readonly Location[],
  path: string,
  kind: 'exact' | 'prefix' | 'not-regex',
): Location | undefined {
  for (const l of locations) {
    const k = l.matcher.kind;
    if (kind === 'not-regex' ? k === 'regex' : k !== kind) continue;
    if ((kind === 'exact' ? (l.matcher as { path: string }).path : l.path) === path) return l;
  }
  return undefined;
}

function selectNginx(server: Server, uri: string, explain: boolean): LocationSelection {
  if (server.enforceRegex) return selectRegex(server, uri, explain);
  const exact = firstWithPath(server.locations, uri, 'exact');
  if (exact) {
    return {
      kind: 'location',
      location: exact,
      verdicts: verdicts(explain, server, uri, exact, (l) => `${describe(l)} equals the path`),
    };
  }
  const equal = firstWithPath(server.locations, uri, 'prefix');
  if (equal) {
    return {
      kind: 'location',
      location: equal,
      verdicts: verdicts(explain, server, uri, equal, (l) => `${describe(l)} equals the path`),
    };
  }
  // nginx's auto_redirect applies to exact and prefix locations alike (the
  // static location tree flags the node, ngx_http_core_find_static_location).
  const slash = firstWithPath(server.locations, `${uri}/`, 'not-regex');
  if (slash) {
    const v = verdicts(
      explain,
      server,
      uri,
      slash,
      (l) => `nginx redirects ${uri} to ${l.path} (proxied location ending in "/")`,
    );
    return { kind: 'trailing-slash', location: slash, verdicts: v };
  }
  let best: Location | undefined;
  for (const l of server.locations) {
    if (l.matcher.kind !== 'prefix') continue;
    if (matchesPath(l.matcher, uri) && (!best || l.path.length > best.path.length)) best = l;
  }
  const v = verdicts(explain, server, uri, best, (l) => `${describe(l)} is the longest matching prefix`);
  return best ? { kind: 'location', location: best, verdicts: v } : { kind: 'none', verdicts: v };
}

function selectSpec(server: Server, uri: string, explain: boolean): LocationSelection {
  const winner = server.locations.find((l) => matchesPath(l.matcher, uri));
  const v = verdicts(
    explain,
    server,
    uri,
    winner,
    (l) => `${describe(l)} matches: longest path, Exact before Prefix, then the oldest Ingress`,
  );
  return winner ? { kind: 'location', location: winner, verdicts: v } : { kind: 'none', verdicts: v };
}

/**
 * Chooses the location of `server` for the normalised path `uri`. With
 * `explain` false the verdicts are left empty (the proxy's hot path).
 */
export function selectLocation(
  server: Server,
  uri: string,
  mode: MatchMode,
  explain = true,
): LocationSelection {
  return mode === 'ingress-nginx' ? selectNginx(server, uri, explain) : selectSpec(server, uri, explain);
}
