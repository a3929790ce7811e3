/**
 * The compiled route table of the ingress controller: what ingress-nginx
 * renders into `nginx.conf` (servers, locations, upstreams, certificates),
 * as typed data. `compileIngress` builds it, `matchRequest` walks it, the L7
 * proxy app executes it, and the tracer explains it, so they can never disagree.
 *
 * See /work/shared/reference/ingress.md (§1 matching, §2 proxying, §3
 * annotations, §4 TLS) for the behaviour and docs/ingress.md for every place
 * netkube follows ingress-nginx over the Ingress spec.
 */

import type { LocationConfig, UpstreamPolicy } from './annotations.js';
import type { Diagnostic } from './diagnostics.js';

/**
 * How paths are matched.
 * - `ingress-nginx`: exactly as ingress-nginx v1.12 renders and nginx evaluates
 *   locations (the controller image's behaviour, and the default).
 * - `spec`: the Ingress API's text read literally (reference §1.6 "spec mode"):
 *   longest path first, Exact before Prefix, element-wise Prefix, and
 *   ImplementationSpecific as Prefix.
 */
export type MatchMode = 'ingress-nginx' | 'spec';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** An Ingress, as route entries and diagnostics refer to it. */
export interface IngressRef {
  readonly namespace: string;
  readonly name: string;
  /** RFC 3339; the precedence key (oldest first). */
  readonly creationTimestamp: string;
}

/**
 * How a location tests a request path (already normalised: dot-segments
 * resolved, duplicate slashes merged, no query).
 */
export type LocationMatcher =
  /** nginx `location = "/foo"`; spec Exact. Case-sensitive, whole path. */
  | { readonly kind: 'exact'; readonly path: string }
  /** nginx `location "/foo/"`: a case-sensitive string prefix. */
  | { readonly kind: 'prefix'; readonly path: string }
  /** spec Prefix: whole path elements (`/foo` matches `/foo/bar`, not `/foobar`). */
  | { readonly kind: 'element-prefix'; readonly path: string }
  /** nginx `location ~* "^/foo"`: a case-insensitive regex anchored at the start. */
  | { readonly kind: 'regex'; readonly source: string; readonly regex: RegExp };

/** Where a location came from. */
export type LocationOrigin =
  /** A path of an Ingress rule (`spec.rules[rule].http.paths[path]`). */
  | { readonly kind: 'path'; readonly ingress: IngressRef; readonly rule: number; readonly path: number }
  /**
   * The `/` fallback of a host server, created by the oldest Ingress naming the
   * host (its `spec.defaultBackend`, or the controller's default backend).
   */
  | { readonly kind: 'server-default'; readonly ingress: IngressRef }
  /** The catch-all server's `/`: a rule-less Ingress's `defaultBackend`. */
  | { readonly kind: 'catch-all'; readonly ingress: IngressRef }
  /** The controller's own default backend (404 for everything). */
  | { readonly kind: 'controller' };

/** What a location sends requests to. */
export type BackendRef =
  /** An upstream of `RouteTable.upstreams`. */
  | { readonly kind: 'upstream'; readonly upstream: string }
  /** The controller's default backend: 404 (`upstream-default-backend`). */
  | { readonly kind: 'default-backend' };

/** One nginx `location` block. */
export interface Location {
  /** The path as nginx renders it (Prefix `/foo` becomes `/foo/` plus an exact `/foo`). */
  readonly path: string;
  /** The path as written in the Ingress ('' is `/`). */
  readonly ingressPath: string;
  readonly pathType: PathType;
  readonly matcher: LocationMatcher;
  readonly origin: LocationOrigin;
  /**
   * Set on the exact location ingress-nginx adds beside a Prefix path
   * (`location = "/foo"` next to `location "/foo/"`).
   */
  readonly generated?: 'prefix-exact';
  readonly backend: BackendRef;
  readonly config: LocationConfig;
  /** Paths of other Ingresses with the same host, path and pathType that lost to this one (oldest wins). */
  readonly shadowed: readonly ShadowedPath[];
}

/** A path that lost to an older Ingress's identical path. */
export interface ShadowedPath {
  readonly ingress: IngressRef;
  readonly rule: number;
  readonly path: number;
}

export type ServerKind = 'exact' | 'wildcard' | 'catch-all';

/** One nginx `server` block: a host and its locations in match order. */
export interface Server {
  /** `foo.com`, `*.foo.com`, or `_` for the catch-all server. */
  readonly hostname: string;
  readonly kind: ServerKind;
  /** Locations in the order they are evaluated. */
  readonly locations: readonly Location[];
  /**
   * Every location is a case-insensitive regex (some Ingress on this host uses
   * `use-regex` or `rewrite-target`; reference §3.1 "contagion").
   */
  readonly enforceRegex: boolean;
  /** The certificate the server presents, if TLS is configured for it. */
  readonly certificate: CertificateRef | undefined;
}

/** Which certificate a host serves. */
export type CertificateRef =
  /** A `kubernetes.io/tls` Secret. */
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string }
  /** The controller's default ("Fake") certificate; `why` says why no Secret is used. */
  | {
      readonly kind: 'default';
      readonly why: 'no-secret-name' | 'secret-missing' | 'secret-invalid' | 'host-not-covered';
    };

/** A ready endpoint of an upstream (a pod IP and target port, or an ExternalName host). */
export interface UpstreamEndpoint {
  readonly address: string;
  readonly port: number;
  /** The pod behind the endpoint (EndpointSlice `targetRef`), when known. */
  readonly pod?: { readonly namespace: string; readonly name: string };
  readonly nodeName?: string;
}

/** Why an upstream has no endpoints: every value answers 503. */
export type UpstreamProblem = 'service-missing' | 'port-missing' | 'no-ready-endpoints';

/** An nginx upstream: one (Service, port) of an Ingress backend. */
export interface Upstream {
  /** `<namespace>-<service>-<port>`, as ingress-nginx names upstreams. */
  readonly name: string;
  readonly service: { readonly namespace: string; readonly name: string; readonly port: number | string };
  /** Ready endpoints, in EndpointSlice order. */
  readonly endpoints: readonly UpstreamEndpoint[];
  readonly problem: UpstreamProblem | undefined;
  /** The Service's ClusterIP and port, for `service-upstream`. */
  readonly clusterIP: { readonly ip: string; readonly port: number } | undefined;
  readonly policy: UpstreamPolicy;
  /** The canary upstream merged into this one (ingress-nginx `alternativeBackends[0]`). */
  readonly alternative: string | undefined;
  /** Set on canary upstreams: when they take a request (reference §3.4). */
  readonly canary: CanaryPolicy | undefined;
}

/** A canary Ingress's traffic-shaping policy. */
export interface CanaryPolicy {
  readonly ingress: IngressRef;
  readonly header: string | undefined;
  readonly headerValue: string | undefined;
  readonly headerPattern: string | undefined;
  readonly cookie: string | undefined;
  readonly weight: number;
  readonly weightTotal: number;
}

/** The compiled configuration of one ingress controller. */
export interface RouteTable {
  readonly mode: MatchMode;
  /** Exact host servers by lower-case hostname. */
  readonly servers: ReadonlyMap<string, Server>;
  /** Wildcard servers by `*.suffix`. */
  readonly wildcardServers: ReadonlyMap<string, Server>;
  /** The catch-all server `_`. */
  readonly defaultServer: Server;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** Ingresses this controller serves, oldest first. */
  readonly served: readonly IngressRef[];
  /** Ingresses of other (or no) classes, and why. */
  readonly ignored: readonly { readonly ingress: IngressRef; readonly reason: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** `namespace/name`. */
export function refKey(ref: { readonly namespace: string; readonly name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}
