/**
 * The top-level path router: health, version, discovery (aggregated and
 * legacy), OpenAPI, netkube's extension routes, and the resource paths. Every
 * unknown path is the apiserver's 404 `the server could not find the
 * requested resource`.
 */
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from '../discovery.js';
import { NETKUBE_API_PREFIX } from '../extensions.js';
import type { HandlerDeps } from '../handlers/deps.js';
import { handleResource } from '../handlers/resource.js';
import { handleReview } from '../handlers/reviews.js';
import { type HealthEndpoint, healthResponse } from '../health.js';
import { parseAccept } from '../http/accept.js';
import {
  methodNotAllowedError,
  notFoundPath,
  type RequestContext,
  sendJson,
  sendText,
} from '../http/respond.js';
import { openApiGroupVersion, openApiRoot } from '../openapi.js';
import { reviewForPath } from '../reviews.js';
import type { VersionInfo } from '../version.js';
import { type ExtensionRouter, serveExtension } from './extensions.js';
import { pathSegments, resolveResourcePath } from './paths.js';

export interface RouterConfig {
  readonly deps: HandlerDeps;
  readonly extensions: ExtensionRouter;
  readonly version: VersionInfo;
  /** `host:port` for legacy `serverAddressByClientCIDRs`. */
  readonly serverAddress: () => string;
}

const HEALTH = new Set(['healthz', 'livez', 'readyz']);

/** Whether the client asked for aggregated discovery v2 before anything else. */
function wantsAggregated(accept: string | undefined): boolean {
  const first = parseAccept(accept).find((r) => r.type === 'application/json' || r.type === '*/*');
  return (
    first?.params.g === 'apidiscovery.k8s.io' &&
    first.params.v === 'v2' &&
    first.params.as === 'APIGroupDiscoveryList'
  );
}

function discovery(ctx: RequestContext, config: RouterConfig, segments: readonly string[]): boolean {
  const [root, group, version] = segments;
  if (segments.length === 1) {
    if (wantsAggregated(ctx.req.headers.accept)) {
      sendJson(ctx, 200, aggregatedDiscovery(root === 'api'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
    } else {
      sendJson(ctx, 200, root === 'api' ? apiVersions(config.serverAddress()) : apiGroupList());
    }
    return true;
  }
  if (root === 'api' && segments.length === 2) {
    const list = apiResourceList('', group ?? '');
    if (!list) return false;
    sendJson(ctx, 200, list);
    return true;
  }
  if (root === 'apis' && segments.length === 2) {
    const doc = apiGroup(group ?? '');
    if (!doc) return false;
    sendJson(ctx, 200, doc);
    return true;
  }
  if (root === 'apis' && segments.length === 3) {
    const list = apiResourceList(group ?? '', version ?? '');
    if (!list) return false;
    sendJson(ctx, 200, list);
    return true;
  }
  return false;
}

function openApi(ctx: RequestContext, segments: readonly string[]): boolean {
  if (segments[1] !== 'v3') return false;
  const doc = segments.length === 2 ? openApiRoot() : openApiGroupVersion(segments.slice(2).join('/'));
  if (!doc) return false;
  sendJson(ctx, 200, doc);
  return true;
}

/** Serves one request; throws StatusErrors (the server renders them). */
export async function routeRequest(ctx: RequestContext, config: RouterConfig): Promise<void> {
  const pathname = ctx.url.pathname;
  if (pathname === NETKUBE_API_PREFIX || pathname.startsWith(`${NETKUBE_API_PREFIX}/`)) {
    const match = config.extensions.match(ctx.req.method ?? 'GET', pathname.slice(NETKUBE_API_PREFIX.length));
    await serveExtension(ctx, match, config.deps.logger);
    return;
  }
  const segments = pathSegments(pathname);
  const [root] = segments;
  if (root === undefined) throw notFoundPath();
  const isRead = ctx.req.method === 'GET' || ctx.req.method === 'HEAD';
  if (HEALTH.has(root)) {
    if (!isRead) throw methodNotAllowedError();
    const check = segments.length > 1 ? segments.slice(1).join('/') : undefined;
    const body = healthResponse(root as HealthEndpoint, check, ctx.query);
    if (body === undefined) throw notFoundPath();
    sendText(ctx, 200, body);
    return;
  }
  if (root === 'version' && segments.length === 1) {
    if (!isRead) throw methodNotAllowedError();
    sendJson(ctx, 200, config.version);
    return;
  }
  if (root === 'openapi') {
    if (isRead && openApi(ctx, segments)) return;
    throw notFoundPath();
  }
  if (root !== 'api' && root !== 'apis') throw notFoundPath();
  if (segments.length <= (root === 'api' ? 2 : 3)) {
    if (isRead && discovery(ctx, config, segments)) return;
    throw isRead ? notFoundPath() : methodNotAllowedError();
  }
  const group = root === 'api' ? '' : (segments[1] ?? '');
  const version = root === 'api' ? (segments[1] ?? '') : (segments[2] ?? '');
  const review =
    root === 'apis' && segments.length === 4 ? reviewForPath(group, version, segments[3] ?? '') : undefined;
  if (review) {
    await handleReview(ctx, config.deps, review);
    return;
  }
  const target = resolveResourcePath(group, version, segments.slice(root === 'api' ? 2 : 3));
  if (!target) throw notFoundPath();
  await handleResource(ctx, config.deps, target);
}
