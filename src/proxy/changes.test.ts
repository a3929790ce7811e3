import { describe, expect, it } from 'vitest';
import type { Service } from '../api/types.js';
import { EndpointsChangeTracker } from './endpoint-changes.js';
import { endpointsFromSlices } from './endpoint-slices.js';
import type { EndpointInfo, ServicePortInfo } from './model.js';
import { ServiceChangeTracker } from './service-changes.js';
import { buildServicePorts } from './service-port.js';
import { makeTestEndpointSlice, makeTestService, simpleSlice, tcpPort } from './testing/fixtures.js';

function addTestPort(name: string, protocol: string, port: number, nodePort: number, targetPort: number) {
  return { name, protocol, port, nodePort, targetPort };
}

// TestBuildServiceMapAddRemove (kube-proxy proxier_test.go).
function buildServices(): Service[] {
  return [
    makeTestService('somewhere-else', 'cluster-ip', (s) => {
      s.spec = {
        type: 'ClusterIP',
        clusterIP: '172.30.55.4',
        ports: [
          addTestPort('something', 'UDP', 1234, 4321, 0),
          addTestPort('somethingelse', 'UDP', 1235, 5321, 0),
          addTestPort('sctpport', 'SCTP', 1236, 6321, 0),
        ],
      };
    }),
    makeTestService('somewhere-else', 'node-port', (s) => {
      s.spec = {
        type: 'NodePort',
        clusterIP: '172.30.55.10',
        ports: [
          addTestPort('blahblah', 'UDP', 345, 678, 0),
          addTestPort('moreblahblah', 'TCP', 344, 677, 0),
          addTestPort('muchmoreblah', 'SCTP', 343, 676, 0),
        ],
      };
    }),
    makeTestService('somewhere', 'load-balancer', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '172.30.55.11',
        loadBalancerIP: '1.2.3.4',
        ports: [
          addTestPort('foobar', 'UDP', 8675, 30061, 7000),
          addTestPort('baz', 'UDP', 8676, 30062, 7001),
        ],
      };
      s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
    }),
    makeTestService('somewhere', 'only-local-load-balancer', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '172.30.55.12',
        loadBalancerIP: '5.6.7.8',
        ports: [
          addTestPort('foobar2', 'UDP', 8677, 30063, 7002),
          addTestPort('baz', 'UDP', 8678, 30064, 7003),
        ],
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 345,
      };
      s.status = { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } };
    }),
  ];
}

describe('ServiceChangeTracker', () => {
  it('TestBuildServiceMapAddRemove: adds 10 service ports, then removes them again', () => {
    const tracker = new ServiceChangeTracker();
    const map = new Map<string, ServicePortInfo>();
    for (const svc of buildServices()) tracker.update(undefined, svc);
    const added = tracker.apply(map);
    expect(map.size).toBe(10);
    expect(added.changedServicePorts.size).toBe(10);
    expect(added.updatedServices.size).toBe(4);
    const healthChecks = [...map.values()].filter((p) => p.healthCheckNodePort !== 0);
    expect(healthChecks.map((p) => p.nameString).sort()).toEqual([
      'somewhere/only-local-load-balancer:baz',
      'somewhere/only-local-load-balancer:foobar2',
    ]);
    const services = buildServices();
    const [first, ...rest] = services;
    if (!first) throw new Error('unreachable');
    // Removing one port of a service: only that port changes.
    tracker.update(first, {
      ...first,
      spec: { ...first.spec, ports: first.spec?.ports?.slice(0, 2) },
    } as Service);
    const removedOne = tracker.apply(map);
    expect([...removedOne.changedServicePorts]).toContain('somewhere-else/cluster-ip:sctpport/SCTP');
    expect(map.size).toBe(9);
    for (const svc of rest) tracker.update(svc, undefined);
    tracker.apply(map);
    expect([...map.keys()].sort()).toEqual([
      'somewhere-else/cluster-ip:something/UDP',
      'somewhere-else/cluster-ip:somethingelse/UDP',
    ]);
  });

  it.each([
    [
      'headless (TestBuildServiceMapServiceHeadless)',
      { clusterIP: 'None', ports: [{ name: 'rpc', port: 1234, protocol: 'UDP' }] },
      {},
    ],
    [
      'ExternalName (TestBuildServiceMapServiceTypeExternalName)',
      {
        type: 'ExternalName',
        clusterIP: '172.30.55.4',
        externalName: 'foo2.bar.com',
        ports: [{ name: 'blah', port: 1235, protocol: 'UDP' }],
      },
      {},
    ],
    [
      'service-proxy-name label',
      { clusterIP: '172.30.55.4', ports: [{ port: 80, protocol: 'TCP' }] },
      { 'service.kubernetes.io/service-proxy-name': 'other' },
    ],
    [
      'headless label',
      { clusterIP: '172.30.55.4', ports: [{ port: 80, protocol: 'TCP' }] },
      { 'service.kubernetes.io/headless': '' },
    ],
    ['IPv6 only', { clusterIP: 'fd00::1', ports: [{ port: 80, protocol: 'TCP' }] }, {}],
  ])('skips %s', (_name, spec, labels) => {
    const svc = makeTestService('ns', 'svc', (s) => {
      s.metadata = { ...s.metadata, labels };
      s.spec = spec as never;
    });
    expect(buildServicePorts(svc).size).toBe(0);
    const tracker = new ServiceChangeTracker();
    expect(tracker.update(undefined, svc)).toBe(false);
  });

  it('TestBuildServiceMapServiceUpdate: a no-op update and add-then-delete leave nothing pending', () => {
    const tracker = new ServiceChangeTracker();
    const [svc] = buildServices();
    if (!svc) throw new Error('unreachable');
    const relabelled = { ...svc, metadata: { ...svc.metadata, resourceVersion: '7', labels: { a: 'b' } } };
    expect(tracker.update(svc, relabelled)).toBe(false);
    expect(tracker.update(undefined, svc)).toBe(true);
    expect(tracker.update(svc, undefined)).toBe(false);
    expect(tracker.pending).toBe(0);
  });

  it('reads the policy fields kube-proxy reads (newBaseServiceInfo)', () => {
    const svc = makeTestService('ns', 'lb', (s) => {
      s.spec = {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.20',
        externalIPs: ['192.168.99.011', 'fd00::1'],
        externalTrafficPolicy: 'Local',
        internalTrafficPolicy: 'Local',
        healthCheckNodePort: 30100,
        sessionAffinity: 'ClientIP',
        loadBalancerSourceRanges: [' 203.0.113.000/025', 'junk'],
        ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }],
      };
      s.status = {
        loadBalancer: {
          ingress: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8', ipMode: 'Proxy' }, { hostname: 'lb.example' }],
        },
      };
    });
    const [info] = buildServicePorts(svc).values();
    expect(info).toMatchObject({
      nameString: 'ns/lb',
      externalIPs: ['192.168.99.11'],
      loadBalancerVIPs: ['1.2.3.4'],
      loadBalancerSourceRanges: ['203.0.113.0/25'],
      healthCheckNodePort: 30100,
      externalPolicyLocal: true,
      internalPolicyLocal: true,
      stickyMaxAgeSeconds: 10800,
      nodePort: 30080,
    });
  });
});

describe('EndpointsChangeTracker and the slice cache', () => {
  function apply(tracker: EndpointsChangeTracker, map: Map<string, readonly EndpointInfo[]>) {
    return tracker.apply(map);
  }

  it('joins endpoints to service ports by port name and protocol, sorted by ip:port', () => {
    const slice = makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
      eps.ports = [
        tcpPort('p11', 11),
        { name: 'p11', port: 11, protocol: 'UDP' },
        { name: 'noport' },
        { port: 12 },
      ];
      eps.endpoints = [
        { addresses: ['10.1.1.1'] },
        { addresses: ['10.1.1.11'] },
        { addresses: ['10.1.1.2'] },
        { addresses: [] },
      ];
    });
    const map = endpointsFromSlices([slice]);
    expect([...map.keys()].sort()).toEqual(['ns1/svc1:p11/TCP', 'ns1/svc1:p11/UDP']);
    // byEndpoint: "10.1.1.11:11" sorts before "10.1.1.1:11" (TestUpdateEndpointsMap).
    expect(map.get('ns1/svc1:p11/TCP')?.map((e) => e.endpoint)).toEqual([
      '10.1.1.11:11',
      '10.1.1.1:11',
      '10.1.1.2:11',
    ]);
  });

  it('treats nil conditions as ready and serving, normalises sloppy IPs (TestBadIPs)', () => {
    const slice = makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
      eps.ports = [tcpPort('p80', 80)];
      eps.endpoints = [
        { addresses: ['10.180.00.001'] },
        { addresses: ['10.180.0.2'], conditions: { ready: false, terminating: true } },
      ];
    });
    const [a, b] = endpointsFromSlices([slice]).get('ns1/svc1:p80/TCP') ?? [];
    expect(a).toMatchObject({ endpoint: '10.180.0.1:80', ready: true, serving: true, terminating: false });
    expect(b).toMatchObject({ endpoint: '10.180.0.2:80', ready: false, serving: true, terminating: true });
  });

  it('deduplicates across slices, preferring the running endpoint over a terminating one', () => {
    const running = simpleSlice('ns1', 'svc1', tcpPort('p80', 80), [['10.0.0.1', 'node-a']]);
    const terminating = makeTestEndpointSlice('ns1', 'svc1', 2, (eps) => {
      eps.ports = [tcpPort('p80', 80)];
      eps.endpoints = [
        { addresses: ['10.0.0.1'], nodeName: 'node-b', conditions: { ready: false, terminating: true } },
      ];
    });
    const [ep] = endpointsFromSlices([terminating, running]).get('ns1/svc1:p80/TCP') ?? [];
    expect(ep).toMatchObject({ nodeName: 'node-a', ready: true });
  });

  it('ignores slices without the service-name label, of another family or hidden from kube-proxy', () => {
    const tracker = new EndpointsChangeTracker();
    const unlabelled = makeTestEndpointSlice('ns1', 'svc1', 1, (eps) => {
      eps.metadata = { ...eps.metadata, labels: {} };
    });
    const v6 = makeTestEndpointSlice('ns1', 'svc1', 2, (eps) => {
      eps.addressType = 'IPv6';
    });
    const hidden = makeTestEndpointSlice('ns1', 'svc1', 3, (eps) => {
      eps.metadata = {
        ...eps.metadata,
        labels: { 'kubernetes.io/service-name': 'svc1', 'service.kubernetes.io/headless': '' },
      };
    });
    for (const s of [unlabelled, v6, hidden]) expect(tracker.update(s, false)).toBe(false);
  });

  it('reports only the service ports whose endpoints changed, and removes them when slices go', () => {
    const tracker = new EndpointsChangeTracker();
    const map = new Map<string, readonly EndpointInfo[]>();
    const v1 = simpleSlice('ns3', 'svc3', tcpPort('p80', 80), [['10.0.3.1']]);
    expect(tracker.update(v1, false)).toBe(true);
    expect([...apply(tracker, map).changedServicePorts]).toEqual(['ns3/svc3:p80/TCP']);
    expect(tracker.update(v1, false)).toBe(false);
    expect(apply(tracker, map).changedServicePorts.size).toBe(0);
    // TestSyncProxyRulesRepeated: 10.0.3.1 → 10.0.3.2.
    const v2 = simpleSlice('ns3', 'svc3', tcpPort('p80', 80), [['10.0.3.2']]);
    tracker.update(v2, false);
    const changed = apply(tracker, map);
    expect([...changed.updatedServices]).toEqual(['ns3/svc3']);
    expect(map.get('ns3/svc3:p80/TCP')?.map((e) => e.endpoint)).toEqual(['10.0.3.2:80']);
    tracker.update(v2, true);
    expect([...apply(tracker, map).changedServicePorts]).toEqual(['ns3/svc3:p80/TCP']);
    expect(map.size).toBe(0);
  });

  it('renaming a port replaces its ServicePortName (TestUpdateEndpointsMap "rename a port")', () => {
    const tracker = new EndpointsChangeTracker();
    const map = new Map<string, readonly EndpointInfo[]>();
    tracker.update(simpleSlice('ns1', 'ep1', tcpPort('p11', 11), [['10.1.1.1']]), false);
    apply(tracker, map);
    tracker.update(simpleSlice('ns1', 'ep1', tcpPort('p11-2', 11), [['10.1.1.1']]), false);
    expect([...apply(tracker, map).changedServicePorts].sort()).toEqual([
      'ns1/ep1:p11-2/TCP',
      'ns1/ep1:p11/TCP',
    ]);
    expect([...map.keys()]).toEqual(['ns1/ep1:p11-2/TCP']);
  });
});
