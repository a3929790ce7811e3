/**
 * The minimal OpenAPI v3 documents kubectl needs for `apply -f` and `create
 * -f` (reference §2.3): the root lists every group-version, and each
 * group-version document has, per kind, one PATCH operation carrying
 * `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter.
 * That tells kubectl to skip client-side validation (it sends
 * `fieldValidation=Strict`) and to build strategic merge patches from its
 * compiled-in types. No schemas are served, so `kubectl explain` is not
 * supported; `/openapi/v2` stays 404, which kubectl tolerates.
 */
import { isReview } from '../api/index.js';
import { groupVersions, resourcesOf } from './discovery.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `GET /openapi/v3`. */
export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}` };
  }
  return { paths };
}

/** `GET /openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`; undefined when unknown. */
export function openApiGroupVersion(path: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const info of resourcesOf(gv.group, gv.version)) {
    const operation = {
      'x-kubernetes-group-version-kind': { group: info.group, version: info.version, kind: info.kind },
      parameters: [{ name: 'fieldValidation', in: 'query' }],
    };
    // Reviews are create-only: their one operation is the POST to the collection.
    if (isReview(info)) {
      paths[`/${path}/${info.resource}`] = { post: operation };
      continue;
    }
    const ns = info.namespaced ? '/namespaces/{namespace}' : '';
    paths[`/${path}${ns}/${info.resource}/{name}`] = { patch: operation };
  }
  // No schemas, but the map exists: `kubectl explain` then says the kind has no schema
  // instead of failing inside its template on a missing `components`.
  return { paths, components: { schemas: {} } };
}
