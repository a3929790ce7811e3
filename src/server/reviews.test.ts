import { afterEach, describe, expect, it } from 'vitest';
import { aggregatedDiscovery, apiResourceList } from './discovery.js';
import { openApiGroupVersion } from './openapi.js';
import { startTestServer, type TestServer } from './server.test-helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Bodies kubectl v1.32 sent (captured from its requests; typed clients send protobuf). */
const KUBECTL = {
  'auth can-i create pods':
    'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQCgASABoAIgAqADIAOABCABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=',
  'auth can-i get /logs':
    'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSLAoQCgASABoAIgAqADIAOABCABIOEgwKBS9sb2dzEgNnZXQaCAgAEgAaACAAGgAiAA==',
  'auth can-i list deployments.apps -n kube-system --subresource=scale':
    'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSUQoQCgASABoAIgAqADIAOABCABIzCjEKC2t1YmUtc3lzdGVtEgRsaXN0GgRhcHBzIgAqC2RlcGxveW1lbnRzMgVzY2FsZToAGggIABIAGgAgABoAIgA=',
  'auth can-i --list':
    'azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA',
  'auth whoami':
    'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=',
} as const;

const AUTHZ = '/apis/authorization.k8s.io/v1';

/** POSTs a JSON object, or (a string) the base64 of a protobuf body, sent byte for byte. */
async function post(path: string, body: string | object) {
  const server = t as TestServer;
  const res =
    typeof body === 'string'
      ? await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
          body: Buffer.from(body, 'base64'),
        })
      : await server.request('POST', path, { body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('SelfSubjectAccessReview', () => {
  it.each([
    [
      'auth can-i create pods',
      { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    ],
    ['auth can-i get /logs', { nonResourceAttributes: { path: '/logs', verb: 'get' } }],
    [
      'auth can-i list deployments.apps -n kube-system --subresource=scale',
      {
        resourceAttributes: {
          namespace: 'kube-system',
          verb: 'list',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
        },
      },
    ],
  ] as const)('kubectl %s: 201, allowed, the spec echoed', async (command, spec) => {
    t = await startTestServer();
    const res = await post(`${AUTHZ}/selfsubjectaccessreviews`, KUBECTL[command]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: true },
    });
  });

  it('422 without attributes, with both, or with metadata; nothing else is served', async () => {
    t = await startTestServer();
    const none = await post(`${AUTHZ}/selfsubjectaccessreviews`, { spec: {} });
    expect(none.status).toBe(422);
    expect(none.body.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    const both = await post(`${AUTHZ}/selfsubjectaccessreviews`, {
      spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    });
    expect(both.body.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
    );
    const named = await post(`${AUTHZ}/selfsubjectaccessreviews`, {
      metadata: { name: 'x' },
      spec: { resourceAttributes: { verb: 'get' } },
    });
    expect(named.status).toBe(422);
    expect(named.body.message).toMatch(/metadata: Invalid value: .*: must be empty$/);
    const wrongKind = await post(`${AUTHZ}/selfsubjectaccessreviews`, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
    });
    expect(wrongKind.status).toBe(400);
    for (const [method, path] of [
      ['GET', `${AUTHZ}/selfsubjectaccessreviews`],
      ['DELETE', `${AUTHZ}/selfsubjectaccessreviews`],
    ] as const) {
      expect((await t.request(method, path)).status).toBe(405);
    }
    expect((await t.request('GET', `${AUTHZ}/selfsubjectaccessreviews/x`)).status).toBe(404);
    expect(t.store.resources()).not.toContain('selfsubjectaccessreviews.authorization.k8s.io');
  });
});

describe('SelfSubjectRulesReview and SelfSubjectReview', () => {
  it('kubectl auth can-i --list: the rules of a cluster-admin, complete', async () => {
    t = await startTestServer();
    const r = await post(`${AUTHZ}/selfsubjectrulesreviews`, KUBECTL['auth can-i --list']);
    expect(r.status).toBe(201);
    const status = r.body.status as Record<string, unknown>;
    expect(r.body.spec).toEqual({});
    expect(status.incomplete).toBe(false);
    expect((status.resourceRules as unknown[])[0]).toEqual({
      verbs: ['*'],
      apiGroups: ['*'],
      resources: ['*'],
    });
    expect((status.nonResourceRules as unknown[])[0]).toEqual({ verbs: ['*'], nonResourceURLs: ['*'] });
    const missing = await post(`${AUTHZ}/selfsubjectrulesreviews`, { spec: {} });
    expect(missing).toMatchObject({ status: 400, body: { message: 'no namespace on request' } });
  });

  it('kubectl auth whoami: the administrator', async () => {
    t = await startTestServer();
    const r = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews', KUBECTL['auth whoami']);
    expect(r.status).toBe(201);
    expect(r.body.status).toEqual({
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  });
});

describe('discovery and OpenAPI of the reviews', () => {
  it('lists them create-only, after apps, with a POST operation', () => {
    const groups = (aggregatedDiscovery(false).items as { metadata: { name: string } }[]).map(
      (g) => g.metadata.name,
    );
    expect(groups.slice(0, 3)).toEqual(['apps', 'authentication.k8s.io', 'authorization.k8s.io']);
    expect(apiResourceList('authorization.k8s.io', 'v1')?.resources).toEqual([
      {
        name: 'selfsubjectaccessreviews',
        singularName: 'selfsubjectaccessreview',
        namespaced: false,
        kind: 'SelfSubjectAccessReview',
        verbs: ['create'],
      },
      {
        name: 'selfsubjectrulesreviews',
        singularName: 'selfsubjectrulesreview',
        namespaced: false,
        kind: 'SelfSubjectRulesReview',
        verbs: ['create'],
      },
    ]);
    const doc = openApiGroupVersion('apis/authorization.k8s.io/v1');
    expect(Object.keys((doc?.paths ?? {}) as object)).toEqual([
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    ]);
  });
});
