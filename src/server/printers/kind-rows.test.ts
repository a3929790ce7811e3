import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { printRow } from './index.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

function obj(kind: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(300), ...meta },
    ...rest,
  } as KubeObject;
}

const _running = { running: { startedAt: ago(100) } };

interface Case {
  name: string;
  object: KubeObject;
  cells: unknown[];
}

const cases: Case[] = [
  {
    name: 'Service ClusterIP',
    object: obj('Service', {
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.20',
        clusterIPs: ['10.96.0.20'],
        ports: [{ port: 80, protocol: 'TCP' }],
        selector: { app: 'web' },
      },
    }),
    cells: ['x', 'ClusterIP', '10.96.0.20', '<none>', '80/TCP', '5m', 'app=web'],
  },
  {
    name: 'Service NodePort',
    object: obj('Service', {
      spec: {
        type: 'NodePort',
        clusterIPs: ['10.96.0.21'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      },
    }),
    cells: ['x', 'NodePort', '10.96.0.21', '<none>', '80:30080/TCP,53/UDP', '5m', '<none>'],
  },
  {
    name: 'Service LoadBalancer pending',
    object: obj('Service', {
      spec: {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.0.22'],
        ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }],
      },
    }),
    cells: ['x', 'LoadBalancer', '10.96.0.22', '<pending>', '80:31000/TCP', '5m', '<none>'],
  },
  {
    name: 'Service LoadBalancer with ingress IPs',
    object: obj('Service', {
      spec: {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.0.22'],
        ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.20.2' }, { ip: '127.0.20.1' }] } },
    }),
    cells: ['x', 'LoadBalancer', '10.96.0.22', '127.0.20.1,127.0.20.2', '80:31000/TCP', '5m', '<none>'],
  },
  {
    name: 'Service ExternalName',
    object: obj('Service', { spec: { type: 'ExternalName', externalName: 'example.com' } }),
    cells: ['x', 'ExternalName', '<none>', 'example.com', '<none>', '5m', '<none>'],
  },
  {
    name: 'Endpoints, more than three',
    object: obj('Endpoints', {
      subsets: [
        {
          addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })),
          ports: [{ port: 80 }],
        },
      ],
    }),
    cells: ['x', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '5m'],
  },
  { name: 'Endpoints, none', object: obj('Endpoints', {}), cells: ['x', '<none>', '5m'] },
  {
    name: 'EndpointSlice',
    object: obj('EndpointSlice', {
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.3'] }],
    }),
    cells: ['x', 'IPv4', '8080', '10.244.1.2,10.244.2.3', '5m'],
  },
  {
    name: 'EndpointSlice, empty',
    object: obj('EndpointSlice', { addressType: 'IPv4' }),
    cells: ['x', 'IPv4', '<unset>', '<unset>', '5m'],
  },
  {
    name: 'Ingress with TLS',
    object: obj('Ingress', {
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.example' }, { host: 'b.example' }],
        tls: [{ hosts: ['a.example'] }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.20.1' }] } },
    }),
    cells: ['x', 'nginx', 'a.example,b.example', '127.0.20.1', '80, 443', '5m'],
  },
  {
    name: 'Ingress, no host',
    object: obj('Ingress', { spec: { rules: [{}] } }),
    cells: ['x', '<none>', '*', '', '80', '5m'],
  },
  {
    name: 'IngressClass',
    object: obj('IngressClass', {
      spec: {
        controller: 'k8s.io/ingress-nginx',
        parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' },
      },
    }),
    cells: ['x', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '5m'],
  },
  {
    name: 'Deployment',
    object: obj('Deployment', {
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.25' },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    }),
    cells: ['x', '2/3', 3, 2, '5m', 'nginx,side', 'nginx:1.25,busybox', 'app=web'],
  },
  {
    name: 'ReplicaSet with expression selector',
    object: obj('ReplicaSet', {
      spec: {
        replicas: 2,
        selector: {
          matchLabels: { app: 'web', 'pod-template-hash': 'abc' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }],
        },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      },
      status: { replicas: 2, readyReplicas: 1 },
    }),
    cells: ['x', 2, 2, 1, '5m', 'nginx', 'nginx', 'app=web,pod-template-hash=abc,tier in (be,fe)'],
  },
  {
    name: 'Node ready, control-plane, cordoned',
    object: obj(
      'Node',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '127.0.10.1' }],
          nodeInfo: {
            kubeletVersion: 'v1.32.0',
            osImage: 'netkube',
            kernelVersion: '',
            containerRuntimeVersion: 'netkube://0.1.0',
          },
        },
      },
      { namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '' } },
    ),
    cells: [
      'x',
      'Ready,SchedulingDisabled',
      'control-plane',
      '5m',
      'v1.32.0',
      '127.0.10.1',
      '<none>',
      'netkube',
      '<unknown>',
      'netkube://0.1.0',
    ],
  },
  {
    name: 'Node without conditions',
    object: obj('Node', { status: {} }),
    cells: ['x', 'Unknown', '<none>', '5m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
  },
  {
    name: 'Event',
    object: obj(
      'Event',
      {
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
        reason: 'Pulled',
        message: 'Container image "nginx" already present on machine\n',
        type: 'Normal',
        source: { component: 'kubelet', host: 'worker-1' },
        firstTimestamp: ago(600),
        lastTimestamp: ago(60),
        count: 3,
      },
      { name: 'web-1.abc' },
    ),
    cells: [
      '60s',
      'Normal',
      'Pulled',
      'pod/web-1',
      'spec.containers{nginx}',
      'kubelet, worker-1',
      'Container image "nginx" already present on machine',
      '10m',
      3,
      'web-1.abc',
    ],
  },
  {
    name: 'Namespace',
    object: obj('Namespace', { status: { phase: 'Active' } }),
    cells: ['x', 'Active', '5m'],
  },
  {
    name: 'ConfigMap data count',
    object: obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }),
    cells: ['x', 3, '5m'],
  },
  {
    name: 'Secret type and data',
    object: obj('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }),
    cells: ['x', 'kubernetes.io/tls', 2, '5m'],
  },
  {
    name: 'NetworkPolicy, all pods',
    object: obj('NetworkPolicy', { spec: { podSelector: {} } }),
    cells: ['x', '<none>', '5m'],
  },
  {
    name: 'Lease',
    object: obj('Lease', { spec: { holderIdentity: 'worker-1' } }),
    cells: ['x', 'worker-1', '5m'],
  },
  {
    name: 'Calico IPPool (CRD columns)',
    object: obj('IPPool', { spec: {} }, { namespace: undefined }),
    cells: ['x', '5m'],
  },
];

describe('printers: golden rows', () => {
  it.each(cases)('$name', ({ object, cells }) => {
    expect(printRow(object.kind, object, NOW).cells).toEqual(cells);
  });
});
