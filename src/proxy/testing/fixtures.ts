/**
 * Test fixtures in the style of kube-proxy's proxier_test.go: `makeTestService`,
 * `makeTestEndpointSlice`, the fake proxier's addresses (kube-proxy.md §0) and the
 * objects of `TestOverallIPTablesRules` (§2.11). Test-only.
 */
import type { EndpointSlice, Service } from '../../api/types.js';
import type { DeepMutable } from '../../util/mutable.js';
import { compileProxyRules } from '../compile.js';
import { EndpointsChangeTracker } from '../endpoint-changes.js';
import type { EndpointInfo, ProxyState, ServicePortInfo } from '../model.js';
import type { CompileOptions } from '../options.js';
import type { RuleSet } from '../ruleset.js';
import { ServiceChangeTracker } from '../service-changes.js';

export const TEST_NODE_NAME = 'test-node';
export const TEST_NODE_IP = '192.168.0.2';
export const TEST_NODE_IP_ALT = '192.168.1.2';
export const TEST_EXTERNAL_IP = '192.168.99.11';
export const TEST_EXTERNAL_CLIENT = '203.0.113.2';
export const TEST_EXTERNAL_CLIENT_BLOCKED = '203.0.113.130';

/** `NewFakeProxier`'s configuration: node `test-node`, detector 10.0.0.0/8, mark 0x4000. */
export function fakeProxierOptions(overrides: Partial<CompileOptions> = {}): CompileOptions {
  return {
    mode: 'iptables',
    nodeName: TEST_NODE_NAME,
    nodeIPs: [TEST_NODE_IP, TEST_NODE_IP_ALT],
    podCIDR: '10.0.0.0/8',
    masqueradeBit: 14,
    serviceCIDRs: ['172.30.0.0/16'],
    ...overrides,
  };
}

/** `makeTestService`: an empty Service that `mutate` fills in. */
export function makeTestService(
  namespace: string,
  name: string,
  mutate: (svc: DeepMutable<Service>) => void,
): Service {
  const svc: DeepMutable<Service> = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, annotations: {} },
    spec: {},
    status: {},
  };
  mutate(svc);
  return svc as Service;
}

/**
 * `count` NodePort Services `ns1/svc1`…`ns1/svc<count>`: ClusterIP `<clusterIPPrefix>.N`,
 * port `p80` 80/TCP, NodePort `nodePortBase + N`, plus `extra(N)` in the spec.
 */
export function nodePortServices(
  count: number,
  clusterIPPrefix: string,
  nodePortBase: number,
  extra: (n: number) => DeepMutable<Service>['spec'] = () => ({}),
): Service[] {
  return Array.from({ length: count }, (_, i) =>
    makeTestService('ns1', `svc${i + 1}`, (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: `${clusterIPPrefix}.${i + 1}`,
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: nodePortBase + i + 1 }],
        ...extra(i + 1),
      };
    }),
  );
}

/** `makeTestEndpointSlice`: slice `<name>-<n>` labelled for its Service. */
export function makeTestEndpointSlice(
  namespace: string,
  name: string,
  sliceNum: number,
  mutate: (slice: DeepMutable<EndpointSlice>) => void,
): EndpointSlice {
  const slice: DeepMutable<EndpointSlice> = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: `${name}-${sliceNum}`,
      annotations: {},
      labels: { 'kubernetes.io/service-name': name },
    },
    addressType: 'IPv4',
    endpoints: [],
    ports: [],
  };
  mutate(slice);
  return slice as EndpointSlice;
}

/** A single TCP slice port, as most upstream tests write it. */
export function tcpPort(name: string, port: number) {
  return { name, port, protocol: 'TCP' };
}

/** Feeds Services and slices through the change trackers, as `makeServiceMap` + `populateEndpointSlices` do. */
export function buildState(services: readonly Service[], slices: readonly EndpointSlice[]): ProxyState {
  const serviceTracker = new ServiceChangeTracker();
  const endpointTracker = new EndpointsChangeTracker();
  for (const svc of services) serviceTracker.update(undefined, svc);
  for (const slice of slices) endpointTracker.update(slice, false);
  const servicesMap = new Map<string, ServicePortInfo>();
  const endpointsMap = new Map<string, readonly EndpointInfo[]>();
  serviceTracker.apply(servicesMap);
  endpointTracker.apply(endpointsMap);
  return { services: servicesMap, endpoints: endpointsMap };
}

/** The Services of `TestOverallIPTablesRules` / `TestOverallNFTablesRules`. */
export function overallServices(): Service[] {
  return [
    makeTestService('ns1', 'svc1', (svc) => {
      svc.spec = { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] };
    }),
    makeTestService('ns2', 'svc2', (svc) => {
      svc.spec = {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '172.30.0.42',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
        externalIPs: ['192.168.99.22'],
        healthCheckNodePort: 30000,
      };
      svc.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
    }),
    makeTestService('ns3', 'svc3', (svc) => {
      svc.spec = {
        type: 'NodePort',
        clusterIP: '172.30.0.43',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3003 }],
      };
    }),
    makeTestService('ns4', 'svc4', (svc) => {
      svc.spec = {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', targetPort: 80 }],
      };
    }),
    makeTestService('ns5', 'svc5', (svc) => {
      svc.spec = {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Cluster',
        clusterIP: '172.30.0.45',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3002 }],
        healthCheckNodePort: 30000,
        loadBalancerSourceRanges: [' 203.0.113.0/25'],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      };
      svc.status = { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } };
    }),
    makeTestService('ns6', 'svc6', (svc) => {
      svc.spec = {
        type: 'ClusterIP',
        clusterIP: '172.30.0.46',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', targetPort: 80 }],
      };
    }),
  ];
}

/** The EndpointSlices of `TestOverallIPTablesRules`. */
export function overallEndpointSlices(): EndpointSlice[] {
  const one = (ns: string, name: string, endpoints: DeepMutable<EndpointSlice>['endpoints']) =>
    makeTestEndpointSlice(ns, name, 1, (eps) => {
      eps.endpoints = endpoints;
      eps.ports = [tcpPort('p80', 80)];
    });
  return [
    one('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }]),
    // Not local: the fixture sets no nodeName.
    one('ns2', 'svc2', [{ addresses: ['10.180.0.2'] }]),
    one('ns3', 'svc3', [{ addresses: ['10.180.0.3'] }]),
    one('ns4', 'svc4', [
      { addresses: ['10.180.0.4'] },
      { addresses: ['10.180.0.5'], nodeName: TEST_NODE_NAME },
    ]),
    one('ns5', 'svc5', [{ addresses: ['10.180.0.3'] }]),
  ];
}

/** Compiles Services and slices for `test-node` in `mode` with the fake proxier's options. */
export function fakeRuleSet(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  overrides: Partial<CompileOptions> = {},
): RuleSet {
  return compileProxyRules(buildState(services, slices), fakeProxierOptions(overrides));
}

/** A one-slice, one-port helper: `endpoints` as `[ip, nodeName?]` pairs, all ready. */
export function simpleSlice(
  namespace: string,
  name: string,
  port: { name: string; port: number; protocol?: string },
  endpoints: readonly (readonly [string, string?])[],
): EndpointSlice {
  return makeTestEndpointSlice(namespace, name, 1, (eps) => {
    eps.endpoints = endpoints.map(([ip, nodeName]) =>
      nodeName ? { addresses: [ip], nodeName } : { addresses: [ip] },
    );
    eps.ports = [{ name: port.name, port: port.port, protocol: port.protocol ?? 'TCP' }];
  });
}
