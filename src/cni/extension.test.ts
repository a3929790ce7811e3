import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import { ipamExtensionRoutes } from '../ipam/extension.js';
import type { ExtensionRequest } from '../server/extensions.js';
import { closeMatches, cniExtensionRoutes } from './extension.js';
import { pod, referenceCluster } from './testing.js';

function request(params: Record<string, string>, query = ''): ExtensionRequest {
  return {
    params,
    query: new URLSearchParams(query),
    body: undefined,
    raw: undefined as never,
    signal: new AbortController().signal,
  };
}

describe('GET /nodes/:node/routes', () => {
  const f = referenceCluster({ ipipMode: 'Always' });
  f.plugin.setUp(pod('nginx'), 'node-1');
  const [route] = cniExtensionRoutes({ model: f.model });

  it('serves the node ip route as text', async () => {
    expect(route?.path).toBe('/nodes/:node/routes');
    const res = await route?.handle(request({ node: 'node-1' }), undefined as never);
    expect(res).toEqual({
      kind: 'text',
      body: expect.stringContaining('192.168.84.129 dev calic440f455693 scope link\n'),
    });
  });

  it('404 names close matches', async () => {
    let err: unknown;
    try {
      await route?.handle(request({ node: 'node1' }), undefined as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).httpCode).toBe(404);
    expect((err as StatusError).message).toBe('nodes "node1" not found; did you mean "node-1" or "node-2"?');
    expect((err as StatusError).toStatus().details).toEqual({ name: 'node1', group: '', kind: 'nodes' });
  });

  it('close matches: edit distance ≤ 2 or prefix', () => {
    expect(closeMatches('wrker-1', ['worker-1', 'worker-2', 'control-plane'])).toEqual([
      'worker-1',
      'worker-2',
    ]);
    expect(closeMatches('control', ['worker-1', 'control-plane'])).toEqual(['control-plane']);
    expect(closeMatches('zzz', ['worker-1'])).toEqual([]);
  });
});

describe('GET /ipam', () => {
  it('serves ipam show, with showBlocks and showBorrowed', async () => {
    const f = referenceCluster({ ipipMode: 'Always' });
    f.plugin.setUp(pod('nginx'), 'node-1');
    const [route] = ipamExtensionRoutes({ store: f.store, type: 'calico' });
    const plain = await route?.handle(request({}), undefined as never);
    const blocks = await route?.handle(request({}, 'showBlocks=1'), undefined as never);
    const borrowed = await route?.handle(request({}, 'showBorrowed=true'), undefined as never);
    expect(plain).toEqual({ kind: 'text', body: expect.stringContaining('| IP Pool  | 192.168.0.0/16 ') });
    expect(plain).toEqual({ kind: 'text', body: expect.not.stringContaining('| Block ') });
    expect(blocks).toEqual({
      kind: 'text',
      body: expect.stringContaining(
        '| Block    | 192.168.84.128/26 |        64 | 2 (3%)     | 62 (97%)     |',
      ),
    });
    expect(borrowed).toEqual({ kind: 'text', body: expect.stringContaining('BORROWING-NODE') });
  });
});
