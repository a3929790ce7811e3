/**
 * The "review" resources kube-apiserver answers without storing anything,
 * for `kubectl auth can-i` and `kubectl auth whoami`:
 * `authorization.k8s.io/v1` SelfSubjectAccessReview and SelfSubjectRulesReview,
 * and `authentication.k8s.io/v1` SelfSubjectReview. They are create-only (the
 * only verb discovery lists), never listed, watched or stored.
 *
 * netkube has no authentication or RBAC: its API listens on loopback only and
 * every client is a cluster administrator. So the answers are those a real
 * API server gives a `system:masters` user (kubeadm's `kubernetes-admin`):
 * every access review is allowed (the privileged-group authorizer allows
 * with no reason), and the rules review lists what RBAC's bootstrap policy
 * grants that user (cluster-admin, plus system:basic-user, system:discovery
 * and system:public-info-viewer through `system:authenticated`). Pure: the
 * handler decodes the body and sends what these functions return. The
 * resource rows themselves are in `api/resources.ts` (`REVIEW_RESOURCES`).
 */
import {
  badRequest,
  type FieldError,
  fieldError,
  invalid,
  REVIEW_RESOURCES,
  type ResourceInfo,
} from '../api/index.js';

function reviewInfo(resource: string): ResourceInfo {
  return REVIEW_RESOURCES.find((r) => r.resource === resource) as ResourceInfo;
}

export const SELF_SUBJECT_REVIEW = reviewInfo('selfsubjectreviews');
export const SELF_SUBJECT_ACCESS_REVIEW = reviewInfo('selfsubjectaccessreviews');
export const SELF_SUBJECT_RULES_REVIEW = reviewInfo('selfsubjectrulesreviews');

/** The review served at `/apis/<group>/<version>/<resource>`, if any. */
export function reviewForPath(group: string, version: string, resource: string): ResourceInfo | undefined {
  return REVIEW_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Who every netkube client is, as `kubectl auth whoami` shows it. */
export const NETKUBE_USER = {
  username: 'kubernetes-admin',
  groups: ['system:masters', 'system:authenticated'],
} as const;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The keys of `src` that Go would keep: known fields with non-empty values, in struct order. */
function pick(src: unknown, keys: readonly string[]): Json {
  const out: Json = {};
  if (!isRecord(src)) return out;
  for (const k of keys) {
    const v = src[k];
    if (v !== undefined && v !== null && v !== '') out[k] = v;
  }
  return out;
}

const RESOURCE_ATTRIBUTES = [
  'namespace',
  'verb',
  'group',
  'version',
  'resource',
  'subresource',
  'name',
  'fieldSelector',
  'labelSelector',
] as const;
const NON_RESOURCE_ATTRIBUTES = ['path', 'verb'] as const;

/** Metadata a review may carry: none (`creationTimestamp: null` is the empty one). */
function isEmptyMetadata(metadata: unknown): boolean {
  if (!isRecord(metadata)) return true;
  return Object.entries(metadata).every(
    ([k, v]) =>
      k === 'managedFields' || v === null || v === '' || (isRecord(v) && Object.keys(v).length === 0),
  );
}

/**
 * `POST selfsubjectaccessreviews`: the review with `status.allowed: true`, or
 * 422 as `ValidateSelfSubjectAccessReview` words it (exactly one of
 * resourceAttributes and nonResourceAttributes; empty metadata).
 */
export function selfSubjectAccessReview(obj: Json): Json {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const hasResource = isRecord(spec.resourceAttributes);
  const hasNonResource = isRecord(spec.nonResourceAttributes);
  const errs: FieldError[] = [];
  if (hasResource && hasNonResource) {
    const nra = pick(spec.nonResourceAttributes, NON_RESOURCE_ATTRIBUTES);
    errs.push(
      fieldError.invalid(
        'spec.nonResourceAttributes',
        {
          goLiteral: `authorization.NonResourceAttributes{Path:${JSON.stringify(nra.path ?? '')}, Verb:${JSON.stringify(nra.verb ?? '')}}`,
        },
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (!hasResource && !hasNonResource) {
    errs.push(
      fieldError.invalid(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  if (!isEmptyMetadata(obj.metadata)) {
    errs.push(fieldError.invalid('metadata', obj.metadata, 'must be empty'));
  }
  if (errs.length > 0) throw invalid(SELF_SUBJECT_ACCESS_REVIEW, '', errs);
  const echoed: Json = hasResource
    ? { resourceAttributes: pick(spec.resourceAttributes, RESOURCE_ATTRIBUTES) }
    : { nonResourceAttributes: pick(spec.nonResourceAttributes, NON_RESOURCE_ATTRIBUTES) };
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: echoed,
    status: { allowed: true },
  };
}

/** What RBAC's bootstrap policy grants a `system:masters` user, role by role. */
const RESOURCE_RULES = [
  // cluster-admin (ClusterRoleBinding cluster-admin → Group system:masters)
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  // system:basic-user (→ Group system:authenticated)
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];

const NON_RESOURCE_RULES = [
  // cluster-admin
  { verbs: ['*'], nonResourceURLs: ['*'] },
  // system:discovery
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/livez',
      '/readyz',
      '/healthz',
      '/version',
      '/version/',
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/openapi',
      '/openapi/*',
    ],
  },
  // system:public-info-viewer
  { verbs: ['get'], nonResourceURLs: ['/livez', '/readyz', '/healthz', '/version', '/version/'] },
];

/**
 * `POST selfsubjectrulesreviews`: the rules of `spec.namespace` (the API
 * server answers 400 `no namespace on request` without one). The response
 * carries no spec, as upstream's REST builds a fresh object.
 */
export function selfSubjectRulesReview(obj: Json): Json {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  if (typeof spec.namespace !== 'string' || spec.namespace === '')
    throw badRequest('no namespace on request');
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: {},
    status: {
      resourceRules: RESOURCE_RULES.map((r) => ({ ...r })),
      nonResourceRules: NON_RESOURCE_RULES.map((r) => ({ ...r })),
      incomplete: false,
    },
  };
}

/** `POST selfsubjectreviews`: who the client is (`kubectl auth whoami`). */
export function selfSubjectReview(now: string): Json {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: now },
    status: { userInfo: { username: NETKUBE_USER.username, groups: [...NETKUBE_USER.groups] } },
  };
}
