/**
 * The resources netkube serves: one row per REST resource, the single table that
 * drives the store, the API server's routes and discovery, kubectl-style name
 * resolution in the CLI (`po`, `deploy`, `svc`…) and the manifest loader's kind check.
 */

export interface ResourceInfo {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** Plural resource name, as in REST paths (`pods`). */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Subresources served under `<resource>/<name>/<sub>`. */
  readonly subresources: readonly string[];
  /** Whether `status` is a subresource: main updates ignore status, status updates ignore the rest. */
  readonly hasStatus: boolean;
  /** Whether a change to `spec` bumps `metadata.generation`. */
  readonly tracksGeneration: boolean;
}

/** `group/version`, or `version` for the core group, as in `apiVersion`. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The store key of a resource: `pods`, `deployments.apps`, `ingresses.networking.k8s.io`. */
export function resourceKeyOf(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

function row(
  group: string,
  version: string,
  kind: string,
  resource: string,
  opts: {
    namespaced?: boolean;
    shortNames?: string[];
    categories?: string[];
    subresources?: string[];
    hasStatus?: boolean;
    tracksGeneration?: boolean;
  } = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    resource,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
    hasStatus: opts.hasStatus ?? false,
    tracksGeneration: opts.tracksGeneration ?? false,
  };
}

/** The Calico API group of the IPAM objects (`kubectl get ippools` on a Calico cluster). */
export const CALICO_GROUP = 'crd.projectcalico.org';

/** Every resource netkube serves, in discovery order. */
export const RESOURCES: readonly ResourceInfo[] = [
  row('', 'v1', 'Namespace', 'namespaces', {
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    hasStatus: true,
  }),
  row('', 'v1', 'Node', 'nodes', {
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    hasStatus: true,
  }),
  row('', 'v1', 'Pod', 'pods', {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'binding', 'eviction', 'portforward', 'exec'],
    hasStatus: true,
  }),
  row('', 'v1', 'Service', 'services', {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status', 'proxy'],
    hasStatus: true,
  }),
  row('', 'v1', 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  row('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  row('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  row('', 'v1', 'Secret', 'secrets'),
  row('apps', 'v1', 'Deployment', 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasStatus: true,
    tracksGeneration: true,
  }),
  row('apps', 'v1', 'ReplicaSet', 'replicasets', {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasStatus: true,
    tracksGeneration: true,
  }),
  row('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', { tracksGeneration: true }),
  row('networking.k8s.io', 'v1', 'Ingress', 'ingresses', {
    shortNames: ['ing'],
    subresources: ['status'],
    hasStatus: true,
    tracksGeneration: true,
  }),
  row('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', {
    namespaced: false,
    tracksGeneration: true,
  }),
  row('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', {
    shortNames: ['netpol'],
    tracksGeneration: true,
  }),
  row('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  row(CALICO_GROUP, 'v1', 'IPPool', 'ippools', { namespaced: false }),
  row(CALICO_GROUP, 'v1', 'BlockAffinity', 'blockaffinities', { namespaced: false }),
  row(CALICO_GROUP, 'v1', 'IPAMBlock', 'ipamblocks', { namespaced: false }),
  row(CALICO_GROUP, 'v1', 'IPAMHandle', 'ipamhandles', { namespaced: false }),
];

/**
 * The create-only "review" resources kube-apiserver answers without storing
 * anything (`kubectl auth can-i`, `auth can-i --list`, `auth whoami`; served
 * by src/server/reviews.ts). They are in discovery with the single verb
 * `create`, never in the store, and no kind lookup finds them.
 */
export const REVIEW_RESOURCES: readonly ResourceInfo[] = [
  row('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', { namespaced: false }),
  row('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', {
    namespaced: false,
  }),
  row('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', {
    namespaced: false,
  }),
];

/** Whether `info` is one of the create-only review resources. */
export function isReview(info: Pick<ResourceInfo, 'group' | 'resource'>): boolean {
  return REVIEW_RESOURCES.some((r) => r.group === info.group && r.resource === info.resource);
}

/**
 * Every resource discovery lists (and `api-resources` prints): the stored
 * ones, with the review resources after `apps`, where kube-apiserver puts
 * authentication.k8s.io and authorization.k8s.io.
 */
export const DISCOVERY_RESOURCES: readonly ResourceInfo[] = (() => {
  const lastApps = RESOURCES.findLastIndex((r) => r.group === 'apps');
  return [...RESOURCES.slice(0, lastApps + 1), ...REVIEW_RESOURCES, ...RESOURCES.slice(lastApps + 1)];
})();

const byKind = new Map<string, ResourceInfo>();
const byKey = new Map<string, ResourceInfo>();
const byName = new Map<string, ResourceInfo>();
for (const info of RESOURCES) {
  byKind.set(info.kind, info);
  byKey.set(resourceKeyOf(info), info);
  for (const name of [info.resource, info.singular, ...info.shortNames, info.kind.toLowerCase()]) {
    if (!byName.has(name)) byName.set(name, info);
    byName.set(`${name}.${info.group}`, info);
    byName.set(`${name}.${info.version}.${info.group}`, info);
  }
}

/** Looks a resource up by `kind` (`Deployment`); `apiVersion` disambiguates when given. */
export function resourceForKind(kind: string, apiVersion?: string): ResourceInfo | undefined {
  const info = byKind.get(kind);
  if (!info || apiVersion === undefined) return info;
  return apiVersionOf(info) === apiVersion ? info : undefined;
}

/** Looks a resource up by its store key (`deployments.apps`). */
export function resourceForKey(key: string): ResourceInfo | undefined {
  return byKey.get(key);
}

/**
 * Resolves a name as kubectl does on its command line: plural, singular, short
 * name or kind, optionally qualified by group (`deployments.apps`), case-insensitive.
 */
export function resourceForName(name: string): ResourceInfo | undefined {
  return byName.get(name.toLowerCase());
}

/** Looks a resource up by REST coordinates (`apps`, `v1`, `deployments`). */
export function resourceForPath(group: string, version: string, resource: string): ResourceInfo | undefined {
  const info = byKey.get(group ? `${resource}.${group}` : resource);
  return info && info.version === version ? info : undefined;
}

/** Every kind name, for "did you mean" suggestions. */
export function knownKinds(): string[] {
  return RESOURCES.map((r) => r.kind);
}

/** `deployments.apps`, `pods`: how API error messages name a resource (the "qualified resource"). */
export function qualifiedResource(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return resourceKeyOf(info);
}
