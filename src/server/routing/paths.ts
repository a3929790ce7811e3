/**
 * The Kubernetes REST path grammar (apiserver `RequestInfoFactory`), resolved
 * against the resource table:
 *
 *   /api/v1/<resource>[/<name>[/<sub>]]                  cluster-scoped, or all namespaces
 *   /api/v1/namespaces/<ns>[/status|/finalize]           the Namespace object itself
 *   /api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]  namespaced
 *   /apis/<group>/<version>/…                            the same below a named group
 *
 * Pure: the router turns the result into a handler call or a 404.
 */
import { type ResourceInfo, resourceForPath } from '../../api/index.js';

/** A request for a resource collection, an object, or an object's subresource. */
export interface ResourceTarget {
  readonly info: ResourceInfo;
  /** Set for namespaced requests; undefined for cluster-scoped and all-namespaces ones. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  /** Path segments after the subresource (`services/x/proxy/<rest>`). */
  readonly rest: readonly string[];
}

/** Subresources of the namespace object (`/namespaces/<ns>/status`). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * Resolves the segments after `/api/v1` or `/apis/<group>/<version>`.
 * Returns undefined for anything that is not a served resource path (→ 404).
 */
export function resolveResourcePath(
  group: string,
  version: string,
  segments: readonly string[],
): ResourceTarget | undefined {
  const [first, second, third, ...more] = segments;
  if (first === undefined) return undefined;
  if (
    first === 'namespaces' &&
    second !== undefined &&
    third !== undefined &&
    !NAMESPACE_SUBRESOURCES.has(third)
  ) {
    const info = resourceForPath(group, version, third);
    if (!info?.namespaced) return undefined;
    return objectTarget(info, second, more);
  }
  const info = resourceForPath(group, version, first);
  if (!info) return undefined;
  const rest = segments.slice(1);
  if (info.namespaced && rest.length > 0) return undefined;
  return objectTarget(info, undefined, rest);
}

function objectTarget(
  info: ResourceInfo,
  namespace: string | undefined,
  segments: readonly string[],
): ResourceTarget | undefined {
  const [name, subresource, ...rest] = segments;
  if (name === '') return undefined;
  if (subresource !== undefined && !info.subresources.includes(subresource)) return undefined;
  if (rest.length > 0 && subresource !== 'proxy') return undefined;
  return { info, namespace, name, subresource, rest };
}

/** Splits a URL path into decoded segments, ignoring a trailing slash. */
export function pathSegments(pathname: string): string[] {
  const trimmed = pathname.replace(/\/+$/, '');
  if (trimmed === '') return [];
  return trimmed
    .slice(1)
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
