import { describe, expect, it } from 'vitest';
import { type CategorizeNode, categorizeEndpoints } from './categorize.js';
import type { EndpointInfo } from './model.js';
import { endpointInfo, servicePortInfo, TEST_NODE } from './testing/builders.js';
import { categorizeCases, zoneA } from './testing/categorize-cases.js';

function strings(eps: readonly EndpointInfo[] | undefined): string[] | undefined {
  return eps?.map((e) => e.endpoint).sort();
}

describe('categorizeEndpoints (TestCategorizeEndpoints)', () => {
  it.each(categorizeCases)('$name', (tc) => {
    const node: CategorizeNode = {
      nodeName: TEST_NODE,
      nodeLabels: tc.nodeLabels ?? {},
      ...(tc.preferSameTrafficDistribution === undefined
        ? {}
        : { preferSameTrafficDistribution: tc.preferSameTrafficDistribution }),
    };
    const got = categorizeEndpoints(tc.endpoints.map(endpointInfo), servicePortInfo(tc.service), node);

    // nil expected ⇒ nil returned; a set expected ⇒ same members (nil counts as empty).
    if (tc.clusterEndpoints === undefined) expect(got.clusterEndpoints).toBeUndefined();
    else expect(strings(got.clusterEndpoints) ?? []).toEqual([...tc.clusterEndpoints].sort());
    if (tc.localEndpoints === undefined) expect(got.localEndpoints).toBeUndefined();
    else expect(strings(got.localEndpoints) ?? []).toEqual([...tc.localEndpoints].sort());

    let expectedAll: readonly string[] | undefined;
    if (tc.clusterEndpoints !== undefined && tc.localEndpoints === undefined)
      expectedAll = tc.clusterEndpoints;
    else if (tc.localEndpoints !== undefined && tc.clusterEndpoints === undefined)
      expectedAll = tc.localEndpoints;
    else expectedAll = tc.allEndpoints;
    expect(strings(got.allReachableEndpoints) ?? []).toEqual([...(expectedAll ?? [])].sort());
    expect(got.hasAnyEndpoints).toBe((expectedAll?.length ?? 0) > 0 || tc.onlyRemoteEndpoints === true);
  });

  it('returns the union sorted by ip:port', () => {
    const got = categorizeEndpoints(
      [
        endpointInfo({ endpoint: '10.0.0.3:80', ready: true, zoneHints: ['zone-a'] }),
        endpointInfo({ endpoint: '10.0.0.11:80', ready: true, zoneHints: ['zone-b'], isLocal: true }),
      ],
      servicePortInfo({ externalPolicyLocal: true, nodePort: 30080 }),
      { nodeName: TEST_NODE, nodeLabels: zoneA },
    );
    expect(got.allReachableEndpoints?.map((e) => e.endpoint)).toEqual(['10.0.0.11:80', '10.0.0.3:80']);
  });
});
