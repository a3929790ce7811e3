/**
 * Fixture clusters for golden files: the upstream `TestOverallIPTablesRules` objects and
 * an emulator-shaped cluster (loopback node addresses, Calico pod IPs, kubeadm service
 * CIDR) with one Service per interesting case. Test-only.
 */
import type { EndpointSlice, Service } from '../../api/types.js';
import type { CompileOptions } from '../options.js';
import {
  fakeProxierOptions,
  makeTestEndpointSlice,
  makeTestService,
  overallEndpointSlices,
  overallServices,
} from './fixtures.js';

/** A named set of objects and the node options to compile them for. */
export interface FixtureCluster {
  readonly name: string;
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly options: Omit<CompileOptions, 'mode'>;
}

type SliceEndpoint = {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  zone?: string;
};

function slice(
  ns: string,
  svc: string,
  ports: [string, number, string][],
  endpoints: SliceEndpoint[],
  n = 1,
): EndpointSlice {
  return makeTestEndpointSlice(ns, svc, n, (eps) => {
    eps.ports = ports.map(([name, port, protocol]) => ({ name, port, protocol }));
    eps.endpoints = endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? true, terminating: e.terminating ?? false },
      ...(e.node ? { nodeName: e.node } : {}),
      ...(e.zone ? { hints: { forZones: [{ name: e.zone }] } } : {}),
    }));
  });
}

function svc(
  ns: string,
  name: string,
  spec: NonNullable<Service['spec']>,
  status?: Service['status'],
): Service {
  return makeTestService(ns, name, (s) => {
    s.spec = spec as never;
    if (status) s.status = status as never;
  });
}

/** Services kube-proxy must not program: headless, ExternalName, another proxy's. */
function skippedServices(): Service[] {
  return [
    svc('default', 'headless', { clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP' }] }),
    svc('default', 'external-name', { type: 'ExternalName', externalName: 'host.netkube.internal' }),
    makeTestService('default', 'other-proxy', (s) => {
      s.metadata = { ...s.metadata, labels: { 'service.kubernetes.io/service-proxy-name': 'cilium' } };
      s.spec = { clusterIP: '10.96.99.100', ports: [{ port: 80, protocol: 'TCP' }] };
    }),
  ];
}

function emulatorServices(): Service[] {
  return [
    svc('default', 'kubernetes', {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    }),
    svc('kube-system', 'kube-dns', {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    }),
    svc('default', 'web', {
      type: 'NodePort',
      clusterIP: '10.96.12.34',
      ports: [{ port: 80, protocol: 'TCP', nodePort: 30080, targetPort: 8080 }],
    }),
    svc(
      'default',
      'shop',
      {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '10.96.50.1',
        healthCheckNodePort: 32000,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 31000 }],
        loadBalancerSourceRanges: ['127.0.0.0/8', '192.168.56.0/24'],
      },
      {
        loadBalancer: {
          ingress: [
            { ip: '127.0.20.1', ipMode: 'VIP' },
            { ip: '127.0.20.9', ipMode: 'Proxy' },
          ],
        },
      },
    ),
    svc('default', 'sticky', {
      clusterIP: '10.96.60.6',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      ports: [{ port: 80, protocol: 'TCP' }],
    }),
    svc('monitoring', 'node-metrics', {
      clusterIP: '10.96.70.7',
      internalTrafficPolicy: 'Local',
      ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }],
    }),
    svc('default', 'myweb', {
      clusterIP: '10.96.80.8',
      externalIPs: ['192.168.56.103'],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }),
    svc('default', 'zonal', { clusterIP: '10.96.90.9', ports: [{ port: 80, protocol: 'TCP' }] }),
    svc('default', 'empty', { clusterIP: '10.96.99.99', ports: [{ port: 80, protocol: 'TCP' }] }),
    ...skippedServices(),
  ];
}

function systemSlices(): EndpointSlice[] {
  return [
    slice('default', 'kubernetes', [['https', 6443, 'TCP']], [{ ip: '127.0.10.1' }]),
    slice(
      'kube-system',
      'kube-dns',
      [
        ['dns', 53, 'UDP'],
        ['dns-tcp', 53, 'TCP'],
        ['metrics', 9153, 'TCP'],
      ],
      [
        { ip: '10.244.0.2', node: 'control-plane' },
        { ip: '10.244.0.3', node: 'control-plane' },
      ],
    ),
  ];
}

function emulatorSlices(): EndpointSlice[] {
  return [
    ...systemSlices(),
    slice(
      'default',
      'web',
      [['', 8080, 'TCP']],
      [
        { ip: '10.244.1.5', node: 'worker-1' },
        { ip: '10.244.2.7', node: 'worker-2' },
        { ip: '10.244.2.8', node: 'worker-2', ready: false, terminating: true },
      ],
    ),
    slice('default', 'shop', [['http', 8080, 'TCP']], [{ ip: '10.244.2.20', node: 'worker-2' }]),
    slice(
      'default',
      'sticky',
      [['', 80, 'TCP']],
      [
        { ip: '10.244.1.30', node: 'worker-1' },
        { ip: '10.244.2.30', node: 'worker-2' },
      ],
    ),
    slice(
      'monitoring',
      'node-metrics',
      [['metrics', 9100, 'TCP']],
      [
        { ip: '127.0.10.2', node: 'worker-1' },
        { ip: '127.0.10.3', node: 'worker-2' },
      ],
    ),
    slice(
      'default',
      'myweb',
      [['', 80, 'TCP']],
      [
        { ip: '10.244.1.40', node: 'worker-1' },
        { ip: '10.244.2.40', node: 'worker-2' },
      ],
    ),
    slice(
      'default',
      'zonal',
      [['', 80, 'TCP']],
      [
        { ip: '10.244.1.50', node: 'worker-1', zone: 'zone-a' },
        { ip: '10.244.2.50', node: 'worker-2', zone: 'zone-b' },
        { ip: '10.244.3.50', node: 'worker-3', zone: 'zone-a' },
      ],
    ),
    slice('default', 'empty', [['', 80, 'TCP']], []),
  ];
}

/** Every fixture cluster with golden files. */
export function fixtureClusters(): FixtureCluster[] {
  return [
    {
      name: 'overall',
      services: overallServices(),
      slices: overallEndpointSlices(),
      options: fakeProxierOptions(),
    },
    {
      // Non-default kube-proxy flags: --nodeport-addresses, localhost NodePorts off,
      // --masquerade-all, no local-traffic detector, mark bit 12, no nfacct, wrr.
      name: 'overall-flags',
      services: overallServices(),
      slices: overallEndpointSlices(),
      options: {
        nodeName: 'test-node',
        nodeIPs: ['192.168.0.2', '10.1.0.2'],
        nodePortAddresses: ['192.168.0.0/24'],
        localhostNodePorts: false,
        masqueradeAll: true,
        masqueradeBit: 12,
        masqueradeFullyRandom: true,
        nfacct: false,
        ipvsScheduler: 'wrr',
        serviceCIDRs: ['172.30.0.0/16'],
      },
    },
    {
      name: 'emulator-worker-1',
      services: emulatorServices(),
      slices: emulatorSlices(),
      options: {
        nodeName: 'worker-1',
        nodeIPs: ['127.0.10.2'],
        nodeLabels: { 'topology.kubernetes.io/zone': 'zone-a' },
        podCIDR: '10.244.0.0/16',
        serviceCIDRs: ['10.96.0.0/12'],
        emulatedAddressRanges: ['127.0.10.0/24', '127.0.20.0/24'],
        masqueradeFullyRandom: true,
      },
    },
  ];
}
