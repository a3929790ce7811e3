import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../api/types.js';
import { compileProxyRules, recompileProxyRules } from './compile.js';
import { EndpointsChangeTracker } from './endpoint-changes.js';
import type { EndpointInfo, ServicePortInfo } from './model.js';
import type { ProxyMode } from './options.js';
import { renderRules } from './render/index.js';
import type { IptablesRuleSet, RuleSet } from './ruleset.js';
import { ServiceChangeTracker } from './service-changes.js';
import { fakeProxierOptions, makeTestEndpointSlice, makeTestService } from './testing/fixtures.js';

const NAMES = ['a', 'b', 'c'] as const;
const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;

type Op =
  | {
      op: 'service';
      name: (typeof NAMES)[number];
      type: (typeof TYPES)[number];
      local: boolean;
      affinity: boolean;
      ports: number;
    }
  | { op: 'delete-service'; name: (typeof NAMES)[number] }
  | {
      op: 'slice';
      name: (typeof NAMES)[number];
      endpoints: number[];
      localMask: number;
      terminatingMask: number;
    }
  | { op: 'delete-slice'; name: (typeof NAMES)[number] };

function service(o: Extract<Op, { op: 'service' }>): Service {
  const index = NAMES.indexOf(o.name);
  return makeTestService('ns', o.name, (s) => {
    s.spec = {
      type: o.type,
      clusterIP: `172.30.0.${10 + index}`,
      externalTrafficPolicy: o.local ? 'Local' : 'Cluster',
      ...(o.affinity
        ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }
        : {}),
      ports: Array.from({ length: o.ports }, (_, i) => ({
        name: `p${i}`,
        port: 80 + i,
        protocol: 'TCP',
        ...(o.type === 'ClusterIP' ? {} : { nodePort: 30000 + index * 10 + i }),
      })),
    };
    if (o.type === 'LoadBalancer') s.status = { loadBalancer: { ingress: [{ ip: `1.2.3.${index}` }] } };
  });
}

function slice(o: Extract<Op, { op: 'slice' }>): EndpointSlice {
  return makeTestEndpointSlice('ns', o.name, 1, (eps) => {
    eps.ports = [0, 1].map((i) => ({ name: `p${i}`, port: 8080 + i, protocol: 'TCP' }));
    eps.endpoints = o.endpoints.map((octet, i) => ({
      addresses: [`10.180.0.${octet}`],
      nodeName: (o.localMask >> i) & 1 ? 'test-node' : 'other',
      conditions:
        (o.terminatingMask >> i) & 1 ? { ready: false, serving: true, terminating: true } : { ready: true },
    }));
  });
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('service' as const),
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom(...TYPES),
    local: fc.boolean(),
    affinity: fc.boolean(),
    ports: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({ op: fc.constant('delete-service' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({
    op: fc.constant('slice' as const),
    name: fc.constantFrom(...NAMES),
    endpoints: fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { maxLength: 4 }),
    localMask: fc.integer({ min: 0, max: 15 }),
    terminatingMask: fc.integer({ min: 0, max: 15 }),
  }),
  fc.record({ op: fc.constant('delete-slice' as const), name: fc.constantFrom(...NAMES) }),
);

describe('incremental recompile', () => {
  it.each<ProxyMode>(['iptables', 'nftables', 'ipvs'])(
    '%s: recompiling changed service ports equals a full compile',
    (mode) => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 12 }), (ops) => {
          const services = new ServiceChangeTracker();
          const endpoints = new EndpointsChangeTracker();
          const serviceMap = new Map<string, ServicePortInfo>();
          const endpointMap = new Map<string, readonly EndpointInfo[]>();
          const liveServices = new Map<string, Service>();
          const liveSlices = new Map<string, EndpointSlice>();
          const state = { services: serviceMap, endpoints: endpointMap };
          let ruleSet: RuleSet = compileProxyRules(state, fakeProxierOptions({ mode }));
          for (const o of ops) {
            if (o.op === 'service') {
              const next = service(o);
              services.update(liveServices.get(o.name), next);
              liveServices.set(o.name, next);
            } else if (o.op === 'delete-service') {
              services.update(liveServices.get(o.name), undefined);
              liveServices.delete(o.name);
            } else if (o.op === 'slice') {
              const next = slice(o);
              endpoints.update(next, false);
              liveSlices.set(o.name, next);
            } else {
              const prev = liveSlices.get(o.name);
              if (prev) endpoints.update(prev, true);
              liveSlices.delete(o.name);
            }
            const changed = new Set([
              ...services.apply(serviceMap).changedServicePorts,
              ...endpoints.apply(endpointMap).changedServicePorts,
            ]);
            ruleSet = recompileProxyRules(ruleSet, state, changed);
            const full = compileProxyRules(state, fakeProxierOptions({ mode }));
            expect(renderRules(ruleSet, 'restore')).toBe(renderRules(full, 'restore'));
          }
        }),
        { numRuns: 60 },
      );
    },
  );

  it('switches to large-cluster mode (no SVC/SEP comments) above 1000 endpoints, as kube-proxy does', () => {
    const svc = makeTestService('ns', 'big', (s) => {
      s.spec = { clusterIP: '172.30.1.1', ports: [{ name: 'p', port: 80, protocol: 'TCP' }] };
    });
    const big = makeTestEndpointSlice('ns', 'big', 1, (eps) => {
      eps.ports = [{ name: 'p', port: 80, protocol: 'TCP' }];
      eps.endpoints = Array.from({ length: 1001 }, (_, i) => ({
        addresses: [`10.${(i >> 8) & 255}.${i & 255}.1`],
      }));
    });
    const services = new ServiceChangeTracker();
    const endpoints = new EndpointsChangeTracker();
    const state = {
      services: new Map<string, ServicePortInfo>(),
      endpoints: new Map<string, readonly EndpointInfo[]>(),
    };
    services.update(undefined, svc);
    endpoints.update(big, false);
    services.apply(state.services);
    endpoints.apply(state.endpoints);
    const ruleSet = compileProxyRules(state, fakeProxierOptions()) as IptablesRuleSet;
    expect(ruleSet.largeClusterMode).toBe(true);
    const text = renderRules(ruleSet, 'restore');
    expect(text).toContain('-A KUBE-SEP-');
    expect(text).not.toMatch(/-A KUBE-SEP-\S+ -m comment/);
    expect(text).toMatch(/-A KUBE-SVC-\S+ -m comment --comment "ns\/big:p cluster IP"/);
    expect(text).toContain('-m tcp -p tcp -j DNAT --to-destination 10.0.0.1:80');
  });
});
