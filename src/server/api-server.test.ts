import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type KubeObject, StatusError } from '../api/index.js';
import { silentLogger } from '../log/index.js';
import { ObjectStore } from '../store/object-store.js';
import { Registry } from '../store/registry.js';
import { realClock, seededRandom } from '../util/index.js';
import { ApiServer } from './api-server.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from './discovery.js';
import type { ExtensionRoute } from './extensions.js';
import { NO_POD_LOGS } from './pod-logs.js';
import { startTestServer, type TestServer } from './server.test-helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('ApiServer config', () => {
  it('refuses to bind outside loopback', () => {
    const store = new ObjectStore();
    const registry = new Registry({ store, clock: realClock, random: seededRandom(1) });
    const base = {
      registry,
      store,
      clock: realClock,
      logger: silentLogger(),
      port: 0,
      extensions: [],
      podLogs: NO_POD_LOGS,
    };
    expect(() => new ApiServer({ ...base, host: '0.0.0.0' })).toThrow(/loopback only/);
    expect(() => new ApiServer({ ...base, host: '127.0.0.1', port: 70000 })).toThrow(
      /Invalid API server port/,
    );
  });
});

describe('paths, discovery and errors', () => {
  it('answers unknown paths with the apiserver 404 Status', async () => {
    t = await startTestServer();
    for (const path of [
      '/nope',
      '/api/v1/widgets',
      '/apis/apps/v1/namespaces/default/nodes',
      '/api/v1/pods/x',
    ]) {
      const res = await t.request('GET', path);
      expect(res.status, path).toBe(404);
      expect(await json(res)).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        details: {},
        code: 404,
      });
    }
  });

  it('serves aggregated discovery with its exact content type, legacy otherwise', async () => {
    t = await startTestServer();
    const agg = await t.request('GET', '/apis', {
      headers: { accept: `${AGGREGATED_DISCOVERY_CONTENT_TYPE},application/json` },
    });
    expect(agg.headers.get('content-type')).toBe(AGGREGATED_DISCOVERY_CONTENT_TYPE);
    const body = await json(agg);
    expect(body.kind).toBe('APIGroupDiscoveryList');
    const legacy = await json(await t.request('GET', '/apis', { headers: { accept: 'application/json' } }));
    expect(legacy.kind).toBe('APIGroupList');
    const core = await json(await t.request('GET', '/api/v1'));
    const pods = (core.resources as { name: string; verbs: string[] }[]).filter((r) =>
      r.name.startsWith('pods'),
    );
    expect(pods.map((r) => r.name)).toEqual([
      'pods',
      'pods/status',
      'pods/log',
      'pods/binding',
      'pods/eviction',
      'pods/portforward',
      'pods/exec',
    ]);
    const apps = await json(await t.request('GET', '/apis/apps/v1'));
    expect(
      (apps.resources as Record<string, unknown>[]).find((r) => r.name === 'deployments/scale'),
    ).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
    });
  });

  it('serves /version, health checks and the OpenAPI stubs; /openapi/v2 is 404', async () => {
    t = await startTestServer();
    expect(await json(await t.request('GET', '/version'))).toMatchObject({ major: '1', minor: '32' });
    expect(await (await t.request('GET', '/readyz')).text()).toBe('ok');
    const root = await json(await t.request('GET', '/openapi/v3'));
    expect((root.paths as Record<string, unknown>)['apis/apps/v1']).toEqual({
      serverRelativeURL: '/openapi/v3/apis/apps/v1',
    });
    const apps = await json(await t.request('GET', '/openapi/v3/apis/apps/v1'));
    expect(
      (apps.paths as Record<string, unknown>)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'],
    ).toEqual({
      patch: {
        'x-kubernetes-group-version-kind': { group: 'apps', version: 'v1', kind: 'Deployment' },
        parameters: [{ name: 'fieldValidation', in: 'query' }],
      },
    });
    // An empty schema map, so kubectl explain reports the missing schema instead of failing in its template.
    expect(apps.components).toEqual({ schemas: {} });
    expect((await t.request('GET', '/openapi/v2')).status).toBe(404);
  });

  it('answers JSON even to a protobuf-only Accept, and PartialObjectMetadataList on request', async () => {
    t = await startTestServer();
    const res = await t.request('GET', '/api/v1/namespaces', {
      headers: { accept: 'application/vnd.kubernetes.protobuf' },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).kind).toBe('NamespaceList');
    const partial = await json(
      await t.request('GET', '/api/v1/namespaces', {
        headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' },
      }),
    );
    expect(partial.kind).toBe('PartialObjectMetadataList');
  });

  it('rejects a bad includeObject with the apiserver text', async () => {
    t = await startTestServer();
    const res = await t.request('GET', '/api/v1/namespaces?includeObject=Everything', {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toBe(
      'Unable to convert to Table as requested: includeObject: Unsupported value: "Everything": supported values: "Metadata", "None", "Object"',
    );
  });
});

/** Sends an upgrade request and reads the (non-upgraded) answer. */
function upgrade(
  base: string,
  path: string,
  upgradeTo = 'SPDY/3.1',
): Promise<{ status: number; body: string }> {
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { connection: 'Upgrade', upgrade: upgradeTo },
      },
      (r) => {
        let body = '';
        r.on('data', (d: Buffer) => {
          body += d.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('upgrades and extension routes', () => {
  it('attach: the API server checks the pod first (unknown pod, no node), then names netkube exec', async () => {
    t = await startTestServer();
    const pod = (name: string, nodeName?: string) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
      }) as unknown as KubeObject;
    t.registry.create(pod('pend'));
    t.registry.create(pod('run', 'worker-1'));
    const attach = (name: string) =>
      upgrade(t?.url ?? '', `/api/v1/namespaces/default/pods/${name}/attach?container=c&stdout=true`);
    const pending = await attach('pend');
    expect(pending.status).toBe(400);
    expect(JSON.parse(pending.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'pod pend does not have a host assigned',
    });
    expect(JSON.parse((await attach('nope')).body)).toMatchObject({
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
    expect(JSON.parse((await attach('run')).body).message).toBe(
      'netkube does not serve attach over the Kubernetes API; use `netkube exec` instead',
    );
  });

  it('answers a port-forward upgrade with a 400 Status', async () => {
    t = await startTestServer();
    const url = new URL(`${t.url}/api/v1/namespaces/default/pods/p/portforward`);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { connection: 'Upgrade', upgrade: 'SPDY/3.1' },
        },
        (r) => {
          let body = '';
          r.on('data', (d: Buffer) => {
            body += d.toString();
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  it('routes :param segments, renders JSON/text/stream results and Status errors', async () => {
    const routes: ExtensionRoute[] = [
      {
        method: 'GET',
        path: '/nodes/:node/routes',
        handle: (r) => ({ kind: 'text', body: `routes of ${r.params.node}` }),
      },
      {
        method: 'POST',
        path: '/echo',
        handle: (r) => ({ kind: 'json', status: 202, body: { got: r.body } }),
      },
      {
        method: 'GET',
        path: '/fail',
        handle: () => {
          throw new StatusError('Conflict', 409, 'nope');
        },
      },
      {
        method: 'GET',
        path: '/stream',
        handle: (_r, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"a":1}\n');
          return { kind: 'stream' };
        },
      },
    ];
    t = await startTestServer({ extensions: routes });
    const base = '/apis/netkube.dev/v1alpha1';
    expect(await (await t.request('GET', `${base}/nodes/worker-1/routes`)).text()).toBe('routes of worker-1');
    const echo = await t.request('POST', `${base}/echo`, { body: { x: 1 } });
    expect(echo.status).toBe(202);
    expect(await json(echo)).toEqual({ got: { x: 1 } });
    expect(await json(await t.request('GET', `${base}/fail`))).toMatchObject({ code: 409, message: 'nope' });
    expect(await (await t.request('GET', `${base}/stream`)).text()).toBe('{"a":1}\n');
    expect((await t.request('DELETE', `${base}/echo`)).status).toBe(405);
    expect((await t.request('GET', `${base}/nothing`)).status).toBe(404);
  });
});
