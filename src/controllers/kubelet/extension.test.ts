import { describe, expect, it } from 'vitest';
import type { ExtensionRequest } from '../../server/extensions.js';
import { nodeExtensionRoutes } from './extension.js';
import { clusterFixture, FakeNetwork, FakeProber, FakeRuntime, topologyNode } from './fakes.test-helpers.js';
import { Kubelets } from './kubelets.js';

function request(node: string): ExtensionRequest {
  return { params: { node }, query: new URLSearchParams(), body: undefined } as unknown as ExtensionRequest;
}

describe('node stop/start routes', () => {
  it('stops and starts a node through its kubelet, with hooks, and 404s an unknown node', async () => {
    const base = clusterFixture();
    const kubelets = new Kubelets({
      ...base,
      nodes: [topologyNode('worker-1', '127.0.10.2'), topologyNode('worker-2', '127.0.10.3')],
      network: new FakeNetwork(),
      runtime: new FakeRuntime(base.clock),
      prober: new FakeProber(base.clock),
    });
    kubelets.start();
    const calls: string[] = [];
    const routes = nodeExtensionRoutes({
      kubelets,
      stopped: (n) => void calls.push(`stopped ${n}`),
      starting: (n) => void calls.push(`starting ${n}`),
    });
    const stop = routes.find((r) => r.path === '/nodes/:node/stop');
    const start = routes.find((r) => r.path === '/nodes/:node/start');
    const res = undefined as never;
    expect(await stop?.handle(request('worker-2'), res)).toEqual({
      kind: 'json',
      body: { node: 'worker-2', state: 'stopped' },
    });
    expect(kubelets.get('worker-2')?.running).toBe(false);
    expect(kubelets.get('worker-1')?.running).toBe(true);
    expect(await start?.handle(request('worker-2'), res)).toEqual({
      kind: 'json',
      body: { node: 'worker-2', state: 'running' },
    });
    expect(kubelets.get('worker-2')?.running).toBe(true);
    expect(calls).toEqual(['stopped worker-2', 'starting worker-2']);
    await expect(stop?.handle(request('wrker-2'), res)).rejects.toThrow('nodes "wrker-2" not found');
    await kubelets.stop();
  });
});
