/**
 * The `nginx.ingress.kubernetes.io/*` annotations of one Ingress, parsed into
 * the settings netkube emulates (reference §3; ingress-nginx
 * `internal/ingress/annotations/*`). Location settings apply to every path of
 * the Ingress ("annotations are applied to all the paths in the Ingress");
 * upstream settings (load balancing, affinity) apply to its backends. Unknown
 * keys, known-but-not-emulated keys and invalid values come back as
 * diagnostics. Pure.
 */
import { isIPv6 } from 'node:net';
import { type Cidr, parseCidr } from '../util/ipv4.js';
import { EMULATED_ANNOTATIONS, KNOWN_ANNOTATIONS } from './annotation-keys.js';
import { firstValidationError, LOAD_BALANCE_ALGORITHMS, type LoadBalance } from './annotation-validation.js';
import { ANNOTATION_PREFIX, AnnotationReader, parseNginxSize } from './annotation-values.js';
import type { Diagnostic } from './diagnostics.js';
import type { IngressRef } from './types.js';

export type BackendProtocol = 'HTTP' | 'HTTPS' | 'AUTO_HTTP' | 'GRPC' | 'GRPCS' | 'FCGI';
const BACKEND_PROTOCOLS: readonly BackendProtocol[] = ['HTTP', 'HTTPS', 'AUTO_HTTP', 'GRPC', 'GRPCS', 'FCGI'];

/** Settings of a location (nginx `location` block), from its Ingress's annotations. */
export interface LocationConfig {
  readonly rewriteTarget: string | undefined;
  readonly useRegex: boolean;
  readonly appRoot: string | undefined;
  /** @default true */
  readonly sslRedirect: boolean;
  readonly forceSslRedirect: boolean;
  readonly preserveTrailingSlash: boolean;
  readonly xForwardedPrefix: string | undefined;
  readonly backendProtocol: BackendProtocol;
  /** `client_max_body_size` in bytes; 0 is unlimited. @default 1m */
  readonly proxyBodySize: number;
  /** Seconds. @default 5 */
  readonly proxyConnectTimeout: number;
  /** Seconds between two reads from the upstream. @default 60 */
  readonly proxyReadTimeout: number;
  /** Seconds between two writes to the upstream. @default 60 */
  readonly proxySendTimeout: number;
  /** @default 3 */
  readonly proxyNextUpstreamTries: number;
  readonly upstreamVhost: string | undefined;
  /** `permanent-redirect` (301) or `temporal-redirect` (302): answered without proxying. */
  readonly redirect: { readonly url: string; readonly code: number } | undefined;
  /** Proxy to the Service's ClusterIP instead of its endpoints. */
  readonly serviceUpstream: boolean;
  readonly allowlist: readonly Cidr[] | undefined;
  readonly denylist: readonly Cidr[] | undefined;
  /**
   * Why every location of this Ingress answers 503 (ingress-nginx `Denied`:
   * an annotation parser returned a `LocationDeniedError`, and nginx.tmpl
   * renders `return 503;`), or undefined.
   */
  readonly denied: string | undefined;
  /**
   * This Ingress asks for cookie affinity: its paths set the cookie (an
   * upstream shared with Ingresses without affinity is sticky only on these).
   */
  readonly sessionAffinity: boolean;
}

/** Cookie session affinity (reference §3.5). */
export interface AffinityConfig {
  readonly mode: 'balanced' | 'persistent';
  readonly canaryBehavior: 'sticky' | 'legacy';
  readonly cookieName: string;
  readonly cookiePath: string | undefined;
  readonly maxAge: string | undefined;
  readonly expires: string | undefined;
  readonly secure: boolean | undefined;
  readonly domain: string | undefined;
  readonly sameSite: string | undefined;
  readonly changeOnFailure: boolean;
}

/** How an upstream picks an endpoint: affinity, then `upstream-hash-by`, then `load-balance`. */
export interface UpstreamPolicy {
  /**
   * `chash`, `chashsubset`, `sticky_balanced` and `sticky_persistent` are
   * accepted as ingress-nginx accepts them; without `upstream-hash-by` or
   * `affinity` netkube balances them round-robin.
   */
  readonly loadBalance: LoadBalance;
  readonly hashBy: string | undefined;
  readonly affinity: AffinityConfig | undefined;
}

/** A canary Ingress's settings (present only with `canary: "true"`). */
export interface CanaryConfig {
  readonly header: string | undefined;
  readonly headerValue: string | undefined;
  readonly headerPattern: string | undefined;
  readonly cookie: string | undefined;
  readonly weight: number;
  readonly weightTotal: number;
}

export interface ParsedAnnotations {
  /**
   * The error of an annotation whose parser returns a `ValidationError`
   * (`annotation <key> contains invalid value`): ingress-nginx's `Extract`
   * fails, its webhook denies the Ingress and the store skips it.
   */
  readonly validationError: string | undefined;
  readonly location: LocationConfig;
  readonly upstream: UpstreamPolicy;
  readonly canary: CanaryConfig | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** The settings of an Ingress without annotations (ingress-nginx defaults, config.go). */
export const DEFAULT_LOCATION_CONFIG: LocationConfig = {
  rewriteTarget: undefined,
  useRegex: false,
  appRoot: undefined,
  sslRedirect: true,
  forceSslRedirect: false,
  preserveTrailingSlash: false,
  xForwardedPrefix: undefined,
  backendProtocol: 'HTTP',
  proxyBodySize: 1024 * 1024,
  proxyConnectTimeout: 5,
  proxyReadTimeout: 60,
  proxySendTimeout: 60,
  proxyNextUpstreamTries: 3,
  upstreamVhost: undefined,
  redirect: undefined,
  serviceUpstream: false,
  allowlist: undefined,
  denylist: undefined,
  denied: undefined,
  sessionAffinity: false,
};

export const DEFAULT_UPSTREAM_POLICY: UpstreamPolicy = {
  loadBalance: 'round_robin',
  hashBy: undefined,
  affinity: undefined,
};

function isAbsolutePath(v: string): boolean {
  return v.startsWith('/') && !v.startsWith('//');
}

function isIPv6Range(text: string): boolean {
  const [addr, bits, extra] = text.split('/');
  if (extra !== undefined || !addr || !isIPv6(addr)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= 128);
}

/**
 * A source-range list, or `denied` when it does not parse: ingress-nginx's
 * ipallowlist/ipdenylist turn the failed `ValidateCIDRs` into a
 * `LocationDeniedError` (the location answers 503), never into "no restriction".
 */
type CidrResult = { readonly cidrs: readonly Cidr[] } | { readonly denied: string } | undefined;

function cidrList(r: AnnotationReader, key: string): CidrResult {
  const v = r.raw(key);
  if (v === undefined || v === '') return undefined;
  const out: Cidr[] = [];
  for (const part of v.split(',')) {
    const text = part.trim();
    // IPv6 ranges are valid upstream; no IPv4 client falls in them.
    if (isIPv6Range(text)) continue;
    const cidr = parseCidr(text.includes('/') ? text : `${text}/32`, { loose: true });
    if (!cidr) {
      r.denied(key, v);
      return { denied: `annotation ${ANNOTATION_PREFIX}${key} contains invalid value` };
    }
    out.push(cidr);
  }
  return { cidrs: out };
}

/**
 * Basic/digest auth is not emulated, but its denials are: an `auth-type`
 * other than basic/digest, or one without `auth-secret`, denies the location
 * (auth `Parse` returns a `LocationDeniedError`).
 */
function authDenied(r: AnnotationReader): string | undefined {
  const type = r.raw('auth-type');
  if (type === undefined || type === '') return undefined;
  if (!/^(basic|digest)$/.test(type)) return 'location denied, reason: invalid authentication type';
  const secret = r.raw('auth-secret');
  if (secret === undefined || secret === '')
    return 'error reading secret name from annotation: ingress rule without annotations';
  return undefined;
}

function parseRedirect(r: AnnotationReader): LocationConfig['redirect'] {
  const permanent = r.string('permanent-redirect');
  if (permanent) return { url: permanent, code: r.int('permanent-redirect-code', 301, 300) };
  const temporal = r.string('temporal-redirect');
  if (temporal) return { url: temporal, code: r.int('temporal-redirect-code', 302, 300) };
  return undefined;
}

function parseBackendProtocol(r: AnnotationReader): BackendProtocol {
  const p = r.oneOf('backend-protocol', BACKEND_PROTOCOLS, 'HTTP', 'upper');
  return p === 'AUTO_HTTP' ? 'HTTP' : p;
}

function parseLocation(r: AnnotationReader): LocationConfig {
  const d = DEFAULT_LOCATION_CONFIG;
  const allow = cidrList(
    r,
    r.raw('allowlist-source-range') ? 'allowlist-source-range' : 'whitelist-source-range',
  );
  const deny = cidrList(r, 'denylist-source-range');
  const denied =
    (allow && 'denied' in allow ? allow.denied : undefined) ??
    (deny && 'denied' in deny ? deny.denied : undefined) ??
    authDenied(r);
  const size = r.raw('proxy-body-size');
  const bodySize = size === undefined ? undefined : parseNginxSize(size);
  return {
    rewriteTarget: r.string('rewrite-target'),
    useRegex: r.bool('use-regex', false),
    appRoot: r.string('app-root', isAbsolutePath),
    sslRedirect: r.bool('ssl-redirect', d.sslRedirect),
    forceSslRedirect: r.bool('force-ssl-redirect', d.forceSslRedirect),
    preserveTrailingSlash: r.bool('preserve-trailing-slash', d.preserveTrailingSlash),
    xForwardedPrefix: r.string('x-forwarded-prefix'),
    backendProtocol: parseBackendProtocol(r),
    proxyBodySize:
      size === undefined
        ? d.proxyBodySize
        : (bodySize ?? r.invalid('proxy-body-size', size, '1m', d.proxyBodySize)),
    proxyConnectTimeout: r.int('proxy-connect-timeout', d.proxyConnectTimeout, 0),
    proxyReadTimeout: r.int('proxy-read-timeout', d.proxyReadTimeout, 0),
    proxySendTimeout: r.int('proxy-send-timeout', d.proxySendTimeout, 0),
    proxyNextUpstreamTries: r.int('proxy-next-upstream-tries', d.proxyNextUpstreamTries, 0),
    upstreamVhost: r.string('upstream-vhost'),
    redirect: parseRedirect(r),
    serviceUpstream: r.bool('service-upstream', false),
    allowlist: allow && 'cidrs' in allow ? allow.cidrs : undefined,
    denylist: deny && 'cidrs' in deny ? deny.cidrs : undefined,
    denied,
    sessionAffinity: r.raw('affinity') === 'cookie',
  };
}

function parseAffinity(r: AnnotationReader): AffinityConfig | undefined {
  const type = r.raw('affinity');
  if (type === undefined || type === '') return undefined;
  if (type !== 'cookie') return r.invalid('affinity', type, 'no affinity', undefined);
  const secure = r.raw('session-cookie-secure');
  return {
    mode: r.oneOf('affinity-mode', ['balanced', 'persistent'] as const, 'balanced', 'lower'),
    canaryBehavior: r.oneOf('affinity-canary-behavior', ['sticky', 'legacy'] as const, 'sticky', 'lower'),
    cookieName: r.string('session-cookie-name') ?? 'INGRESSCOOKIE',
    cookiePath: r.string('session-cookie-path'),
    maxAge: r.string('session-cookie-max-age', (v) => /^\d+$/.test(v)),
    expires: r.string('session-cookie-expires', (v) => /^\d+$/.test(v)),
    secure: secure === undefined ? undefined : r.bool('session-cookie-secure', false),
    domain: r.string('session-cookie-domain'),
    sameSite: r.string('session-cookie-samesite', (v) => /^(None|Lax|Strict)$/.test(v)),
    changeOnFailure: r.bool('session-cookie-change-on-failure', false),
  };
}

function parseUpstream(r: AnnotationReader): UpstreamPolicy {
  return {
    loadBalance: LOAD_BALANCE_ALGORITHMS.find((a) => a === r.raw('load-balance')?.trim()) ?? 'round_robin',
    hashBy: r.raw('upstream-hash-by') || undefined,
    affinity: parseAffinity(r),
  };
}

function parseCanary(r: AnnotationReader): CanaryConfig | undefined {
  if (!r.bool('canary', false)) return undefined;
  const weight = r.int('canary-weight', 0, 0);
  const total = r.int('canary-weight-total', 100, 1);
  return {
    header: r.string('canary-by-header'),
    headerValue: r.string('canary-by-header-value'),
    headerPattern: r.string('canary-by-header-pattern'),
    cookie: r.string('canary-by-cookie'),
    weight,
    weightTotal: total,
  };
}

function keyDiagnostics(annotations: Readonly<Record<string, string>>, ingress: IngressRef): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const full of Object.keys(annotations).sort()) {
    if (!full.startsWith(ANNOTATION_PREFIX)) continue;
    const key = full.slice(ANNOTATION_PREFIX.length);
    if (!KNOWN_ANNOTATIONS.has(key)) {
      out.push({
        kind: 'unknown-annotation',
        ingress,
        annotation: full,
        message: `annotation ${full} is not known to ingress-nginx and is ignored`,
      });
    } else if (!EMULATED_ANNOTATIONS.has(key)) {
      out.push({
        kind: 'unsupported-annotation',
        ingress,
        annotation: full,
        message: `annotation ${full} is not emulated by netkube and has no effect`,
      });
    }
  }
  return out;
}

/** Parses an Ingress's annotations. Never throws; problems are diagnostics. */
export function parseAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  ingress: IngressRef,
): ParsedAnnotations {
  const all = annotations ?? {};
  const r = new AnnotationReader(all, ingress);
  const validationError = firstValidationError(all);
  const location = parseLocation(r);
  const upstream = parseUpstream(r);
  const canary = parseCanary(r);
  const diagnostics = [...keyDiagnostics(all, ingress), ...r.diagnostics];
  if (location.backendProtocol !== 'HTTP' && location.backendProtocol !== 'HTTPS') {
    diagnostics.push({
      kind: 'unsupported-annotation',
      ingress,
      annotation: `${ANNOTATION_PREFIX}backend-protocol`,
      message: `backend-protocol ${location.backendProtocol} is not emulated by netkube; proxying with HTTP/1.1`,
    });
  }
  return { validationError, location, upstream, canary, diagnostics };
}
