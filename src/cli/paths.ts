/**
 * REST paths of the Kubernetes API for a resource (`/api/v1/namespaces/default/pods/web`,
 * `/apis/apps/v1/deployments`) and of netkube's extension routes.
 */
import type { ResourceInfo } from '../api/resources.js';
import { NETKUBE_API_PREFIX } from '../server/extensions.js';

type Res = Pick<ResourceInfo, 'group' | 'version' | 'resource' | 'namespaced'>;

function groupVersionPath(info: Res): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

/**
 * The collection path: namespaced resources under `namespaces/<ns>` unless
 * `namespace` is undefined (all namespaces); cluster-scoped ones ignore it.
 */
export function collectionPath(info: Res, namespace: string | undefined): string {
  const base = groupVersionPath(info);
  if (info.namespaced && namespace !== undefined) {
    return `${base}/namespaces/${encodeURIComponent(namespace)}/${info.resource}`;
  }
  return `${base}/${info.resource}`;
}

/** The path of one object, or of one of its subresources (`scale`, `log`). */
export function objectPath(
  info: Res,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const path = `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}

/** An extension route: `extensionPath('/nodes/w1/routes')`. */
export function extensionPath(path: string): string {
  return `${NETKUBE_API_PREFIX}${path}`;
}
