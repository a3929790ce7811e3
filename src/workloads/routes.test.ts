import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from '../store/object-store.js';
import { workloadRoutes } from './routes.js';
import { container, testCluster } from './testing/cluster.js';

function storeWith(...pods: KubeObject[]): ObjectStore {
  const store = new ObjectStore({ freeze: true });
  for (const pod of pods) store.create('pods', pod);
  return store;
}

function pod(name: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  } as KubeObject;
}

describe('netkube exec route with the store', () => {
  function exec(store: ObjectStore, name: string) {
    const c = testCluster();
    c.startPod({
      name: 'w',
      ip: '10.244.1.5',
      containers: [container('c', 'busybox', { command: ['sleep', '3600'] })],
    });
    const route = workloadRoutes(c.runtime, { store }).find((r) => r.path.endsWith('/exec'));
    if (!route) throw new Error('no exec route');
    const req = {
      params: { ns: 'default', pod: name },
      query: new URLSearchParams(),
      body: { command: ['hostname'] },
      raw: undefined as never,
      signal: new AbortController().signal,
    };
    return Promise.resolve().then(() => route.handle(req, undefined as never));
  }

  it('a pod with no node: 400 "does not have a host assigned", as kubectl exec gets', async () => {
    await expect(exec(storeWith(pod('pend')), 'pend')).rejects.toMatchObject({
      httpCode: 400,
      reason: 'BadRequest',
      message: 'pod pend does not have a host assigned',
    });
  });

  it('an unknown pod is 404; a scheduled one runs', async () => {
    await expect(exec(storeWith(), 'zz')).rejects.toMatchObject({
      httpCode: 404,
      message: 'pods "zz" not found',
    });
    expect(await exec(storeWith(pod('w', 'worker-1')), 'w')).toEqual({
      kind: 'json',
      body: { stdout: 'w\n', stderr: '', exitCode: 0 },
    });
  });
});
