/**
 * API discovery generated from the resource table: aggregated discovery v2
 * (`APIGroupDiscoveryList`, two requests for kubectl) and the legacy documents
 * (`APIVersions`, `APIGroupList`, `APIResourceList`). Verbs, short names,
 * categories, singular names and subresources come from `api/resources.ts`.
 * Pure: the server only picks the document and serialises it.
 */
import { apiVersionOf, DISCOVERY_RESOURCES, isReview, type ResourceInfo } from '../api/index.js';

/** The exact content type client-go recognises as aggregated discovery v2. */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Verbs of a main resource; namespaces have no deletecollection upstream, reviews only create. */
export function verbsOf(info: ResourceInfo): string[] {
  if (isReview(info)) return ['create'];
  return info.kind === 'Namespace' ? ALL_VERBS.filter((v) => v !== 'deletecollection') : ALL_VERBS;
}

interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** What a subresource returns and accepts (as upstream registers them). */
export function subresourceInfo(info: ResourceInfo, sub: string): { kind: Gvk; verbs: string[] } {
  const self: Gvk = { group: info.group, version: info.version, kind: info.kind };
  switch (sub) {
    case 'status':
      return { kind: self, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return {
        kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        verbs: ['get', 'patch', 'update'],
      };
    case 'log':
      return { kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] };
    case 'binding':
      return { kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] };
    case 'eviction':
      return { kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] };
    case 'portforward':
      return { kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] };
    case 'exec':
      return { kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] };
    case 'proxy':
      return {
        kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' },
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      };
    case 'finalize':
      return { kind: self, verbs: ['update'] };
    default:
      return { kind: self, verbs: ['get'] };
  }
}

/** Group-versions in discovery order; '' is the core group. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of DISCOVERY_RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

/** The resources discovery lists for a group-version. */
export function resourcesOf(group: string, version: string): ResourceInfo[] {
  return DISCOVERY_RESOURCES.filter((r) => r.group === group && r.version === version);
}

function discoveryResource(info: ResourceInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: verbsOf(info),
  };
  if (info.shortNames.length > 0) out.shortNames = info.shortNames;
  if (info.categories.length > 0) out.categories = info.categories;
  if (info.subresources.length > 0) {
    out.subresources = info.subresources.map((sub) => {
      const s = subresourceInfo(info, sub);
      return { subresource: sub, responseKind: s.kind, verbs: s.verbs };
    });
  }
  return out;
}

function groupDiscovery(group: string): Record<string, unknown> {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({
      version: gv.version,
      resources: resourcesOf(gv.group, gv.version).map(discoveryResource),
      freshness: 'Current',
    }));
  const metadata = group ? { name: group, creationTimestamp: null } : { creationTimestamp: null };
  return { metadata, versions };
}

/** `GET /api` (core: true) or `GET /apis` with the aggregated Accept. */
export function aggregatedDiscovery(core: boolean): Record<string, unknown> {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) =>
    core ? g === '' : g !== '',
  );
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map(groupDiscovery),
  };
}

/** Legacy `GET /api`. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string): Record<string, unknown> {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** Legacy `GET /apis`. */
export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupEntry) };
}

/** Legacy `GET /apis/<group>`; undefined for an unknown group. */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!group || !groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

/** Legacy `GET /api/v1` or `GET /apis/<group>/<version>`; undefined when unknown. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const infos = resourcesOf(group, version);
  if (infos.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const info of infos) {
    const r: Record<string, unknown> = {
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: verbsOf(info),
    };
    if (info.shortNames.length > 0) r.shortNames = info.shortNames;
    if (info.categories.length > 0) r.categories = info.categories;
    resources.push(r);
    for (const sub of info.subresources) {
      const s = subresourceInfo(info, sub);
      const entry: Record<string, unknown> = {
        name: `${info.resource}/${sub}`,
        singularName: '',
        namespaced: info.namespaced,
        kind: s.kind.kind,
        verbs: s.verbs,
      };
      if (s.kind.group !== group || s.kind.version !== version) {
        entry.group = s.kind.group;
        entry.version = s.kind.version;
      }
      resources.push(entry);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
