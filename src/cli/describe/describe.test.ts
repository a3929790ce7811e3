import { beforeAll, describe, expect, it } from 'vitest';
import type {
  Deployment,
  EndpointSlice,
  Ingress,
  KubeObject,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../../api/types.js';
import { describeConfigMap, describeGeneric, describeNamespace, smartLabel } from './misc.js';
import { describeEndpointSlice, describeIngress, describeService, formatEndpointSlices } from './network.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeDeployment, describeReplicaSet } from './workloads.js';
import type { CoreEvent } from './writer.js';

// Describers print local time, as kubectl does; pin the zone for stable goldens.
beforeAll(() => {
  process.env.TZ = 'UTC';
});

const NOW = Date.parse('2026-11-22T01:00:00Z');
const T0 = '2026-11-22T00:55:00Z';

const template = {
  metadata: { creationTimestamp: null, labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5b' } },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: '/', port: 80, scheme: 'HTTP' },
          initialDelaySeconds: 0,
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        env: [{ name: 'MODE', value: 'demo' }],
        resources: {},
      },
    ],
  },
} as unknown as NonNullable<Deployment['spec']>['template'];

const events: CoreEvent[] = [
  {
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-7d4b9c8f5b-4jw2p to worker-1',
    source: { component: 'default-scheduler' },
    firstTimestamp: T0,
    lastTimestamp: T0,
    count: 1,
  },
  {
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    source: { component: 'kubelet' },
    firstTimestamp: '2026-11-22T00:56:00Z',
    lastTimestamp: '2026-11-22T00:58:00Z',
    count: 4,
  },
];

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c8f5b-4jw2p',
    namespace: 'default',
    uid: 'u1',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5b' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f5b', uid: 'rs1', controller: true },
    ],
  },
  spec: {
    ...template?.spec,
    nodeName: 'worker-1',
    priority: 0,
    serviceAccountName: 'default',
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '127.0.10.2',
    podIP: '10.244.1.2',
    podIPs: [{ ip: '10.244.1.2' }],
    startTime: T0,
    qosClass: 'BestEffort',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True' },
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'nginx',
        ready: true,
        restartCount: 0,
        image: 'nginx:1.25',
        imageID: 'docker.io/library/nginx@sha256:0123',
        containerID: 'netkube://0123456789ab',
        state: { running: { startedAt: T0 } },
      },
    ],
  },
} as unknown as Pod;

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'd1',
    creationTimestamp: T0,
    labels: { app: 'web' },
    annotations: {
      'deployment.kubernetes.io/revision': '2',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: { ...template, metadata: { labels: { app: 'web' } } },
  },
  status: {
    replicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    readyReplicas: 2,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  },
} as unknown as Deployment;

function rs(name: string, revision: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      labels: { app: 'web', 'pod-template-hash': name.slice(4) },
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': name.slice(4) } },
      template,
    },
    status: { replicas },
  } as unknown as ReplicaSet;
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    type: 'NodePort',
    selector: { app: 'web' },
    clusterIP: '10.96.120.7',
    clusterIPs: ['10.96.120.7'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [{ port: 80, targetPort: 80, nodePort: 30080, protocol: 'TCP' }],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  },
} as unknown as Service;

const slice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: '', port: 80, protocol: 'TCP' }],
  endpoints: [
    {
      addresses: ['10.244.1.2'],
      conditions: { ready: true },
      nodeName: 'worker-1',
      targetRef: { kind: 'Pod', name: 'web-7d4b9c8f5b-4jw2p' },
    },
    {
      addresses: ['10.244.2.3'],
      conditions: { ready: false },
      nodeName: 'worker-2',
      targetRef: { kind: 'Pod', name: 'web-7d4b9c8f5b-x8k2d' },
    },
  ],
} as unknown as EndpointSlice;

const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'worker-1',
    creationTimestamp: T0,
    labels: { 'kubernetes.io/hostname': 'worker-1', 'node-role.kubernetes.io/worker': '' },
  },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [] },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: T0,
        lastTransitionTime: T0,
      },
    ],
    addresses: [
      { type: 'InternalIP', address: '127.0.10.2' },
      { type: 'Hostname', address: 'worker-1' },
    ],
    capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
    nodeInfo: {
      kubeletVersion: 'v1.32.0-netkube',
      kubeProxyVersion: 'v1.32.0-netkube',
      operatingSystem: 'linux',
      architecture: 'amd64',
      osImage: 'netkube',
      kernelVersion: '6.1.0',
      containerRuntimeVersion: 'netkube://0.1.0',
      machineID: '',
      systemUUID: '',
      bootID: '',
    },
  },
} as unknown as Node;

describe('describers (kubectl describe layouts)', () => {
  it.each<{ name: string; golden: string; render: () => string }>([
    { name: 'pod with events', golden: 'pod.txt', render: () => describePod(pod, events, NOW) },
    {
      name: 'deployment with old and new ReplicaSets',
      golden: 'deployment.txt',
      render: () =>
        describeDeployment(
          deployment,
          { old: [rs('web-5f7c9d8b6c', '1', 0)], new: rs('web-7d4b9c8f5b', '2', 2) },
          [],
          NOW,
        ),
    },
    {
      name: 'replicaset',
      golden: 'replicaset.txt',
      render: () =>
        describeReplicaSet(
          rs('web-7d4b9c8f5b', '2', 2),
          { running: 2, waiting: 0, succeeded: 0, failed: 0 },
          [],
          NOW,
        ),
    },
    {
      name: 'service with endpoints',
      golden: 'service.txt',
      render: () => describeService(service, [slice], [], NOW),
    },
    {
      name: 'endpointslice',
      golden: 'endpointslice.txt',
      render: () => describeEndpointSlice(slice, [], NOW),
    },
    {
      name: 'node with pods and lease',
      golden: 'node.txt',
      render: () =>
        describeNode(node, { spec: { holderIdentity: 'worker-1', renewTime: T0 } } as never, [pod], [], NOW),
    },
    {
      name: 'ingress',
      golden: 'ingress.txt',
      render: () =>
        describeIngress(
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            metadata: { name: 'shop', namespace: 'default' },
            spec: {
              ingressClassName: 'nginx',
              rules: [
                {
                  host: 'shop.example.com',
                  http: {
                    paths: [
                      {
                        path: '/cart',
                        pathType: 'Prefix',
                        backend: { service: { name: 'web', port: { number: 80 } } },
                      },
                    ],
                  },
                },
              ],
            },
            status: { loadBalancer: { ingress: [{ ip: '127.0.20.1' }] } },
          } as unknown as Ingress,
          new Map([['web', { service, slices: [slice] }]]),
          [],
          NOW,
        ),
    },
    {
      name: 'namespace',
      golden: 'namespace.txt',
      render: () =>
        describeNamespace({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
          status: { phase: 'Active' },
        }),
    },
    {
      name: 'configmap',
      golden: 'configmap.txt',
      render: () =>
        describeConfigMap(
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'cfg', namespace: 'default' },
            data: { 'b.conf': 'x=1\ny=2', a: 'hello' },
          },
          [],
          NOW,
        ),
    },
    {
      name: 'generic (an IPPool)',
      golden: 'ippool.txt',
      render: () =>
        describeGeneric(
          {
            apiVersion: 'crd.projectcalico.org/v1',
            kind: 'IPPool',
            metadata: { name: 'default-ipv4-ippool', uid: 'p1', resourceVersion: '7', creationTimestamp: T0 },
            spec: {
              cidr: '10.244.0.0/16',
              blockSize: 26,
              ipipMode: 'Always',
              natOutgoing: true,
              nodeSelector: 'all()',
            },
          } as KubeObject,
          [],
          NOW,
        ),
    },
  ])('$name', async ({ render, golden }) => {
    await expect(render()).toMatchFileSnapshot(`__golden__/${golden}`);
  });

  it('formats endpoints as kubectl does: ready only, at most three, then "+ N more..."', () => {
    const many = {
      ...slice,
      endpoints: ['1', '2', '3', '4', '5'].map((n) => ({
        addresses: [`10.244.0.${n}`],
        conditions: { ready: true },
      })),
    } as unknown as EndpointSlice;
    expect(formatEndpointSlices([many], new Set(['']))).toBe(
      '10.244.0.1:80,10.244.0.2:80,10.244.0.3:80 + 2 more...',
    );
    expect(formatEndpointSlices([], new Set(['']))).toBe('<none>');
  });

  it.each([
    ['blockSize', 'Block Size'],
    ['apiVersion', 'API Version'],
    ['uid', 'UID'],
    ['ipv4', 'ipv4'],
    ['HTTPServer', 'HTTP Server'],
  ])('smartLabel(%s) = %s', (field, want) => {
    expect(smartLabel(field)).toBe(want);
  });
});
