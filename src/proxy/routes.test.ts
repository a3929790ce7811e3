import { describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import type { ProxyMode } from './options.js';
import { proxyExtensionRoutes } from './routes.js';
import type { RuleSet } from './ruleset.js';
import { fakeRuleSet, overallEndpointSlices, overallServices } from './testing/fixtures.js';

function get(query: string, clusterMode: ProxyMode = 'iptables') {
  const controller = {
    ruleSetInMode: (node: string, mode: ProxyMode): RuleSet | undefined =>
      node === 'test-node' ? fakeRuleSet(overallServices(), overallEndpointSlices(), { mode }) : undefined,
    nodeNames: () => ['test-node'],
  };
  const [route] = proxyExtensionRoutes({ controller, mode: clusterMode });
  if (!route) throw new Error('no route');
  return Promise.resolve().then(() =>
    route.handle(
      {
        params: { node: 'test-node' },
        query: new URLSearchParams(query),
        body: undefined,
        raw: undefined as never,
        signal: new AbortController().signal,
      },
      undefined as never,
    ),
  );
}

describe('GET /nodes/:node/rules?format=', () => {
  it.each([
    [
      'mode=nftables&format=restore',
      'iptables',
      'format "restore" applies only to mode iptables: the nftables view has one format',
    ],
    [
      'mode=ipvs&format=save',
      'iptables',
      'format "save" applies only to mode iptables: the ipvs view has one format',
    ],
    [
      'format=restore',
      'nftables',
      'format "restore" applies only to mode iptables: the nftables view has one format',
    ],
    ['format=json', 'iptables', 'invalid format "json": must be one of save, restore'],
  ] as const)('?%s (cluster in %s mode) is a 400', async (query, clusterMode, message) => {
    const error = await get(query, clusterMode).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).httpCode).toBe(400);
    expect((error as StatusError).message).toBe(message);
  });

  it.each([
    ['format=restore', '*filter\n:KUBE-NODEPORTS - [0:0]'],
    ['mode=iptables&format=save', '*filter\n:INPUT ACCEPT [0:0]'],
    ['mode=nftables', 'add table ip kube-proxy'],
  ])('?%s renders', async (query, start) => {
    const result = await get(query);
    expect(result.kind === 'text' && result.body.startsWith(start)).toBe(true);
  });
});
