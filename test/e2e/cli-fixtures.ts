/**
 * A small cluster the CLI end-to-end tests seed by hand (no controllers run):
 * two nodes, a Deployment `web` with two revisions of ReplicaSets and two
 * pods, a NodePort Service with its EndpointSlice, an Ingress, a ConfigMap
 * and events. Timestamps are days old so ages do not tick during a test.
 */
import type { KubeObject } from '../../src/api/types.js';

type Obj = KubeObject & Record<string, unknown>;

const DAY = 86_400_000;

/** An RFC 3339 timestamp `days` before `now`, whole seconds. */
export function ago(now: number, days: number): string {
  return new Date(now - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function container(image: string): Record<string, unknown> {
  return {
    name: 'nginx',
    image,
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    resources: {},
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function template(image: string, hash?: string): Record<string, unknown> {
  return {
    metadata: {
      creationTimestamp: null,
      labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
    },
    spec: {
      containers: [container(image)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    },
  };
}

export function node(name: string, address: string, now: number, role?: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(role ? { [`node-role.kubernetes.io/${role}`]: '' } : {}),
      },
    },
    spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: ago(now, 1),
          lastTransitionTime: ago(now, 3),
        },
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '6.1.0-netkube',
        osImage: 'netkube',
        operatingSystem: 'linux',
        architecture: 'amd64',
        containerRuntimeVersion: 'netkube://0.1.0',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
      },
    },
  };
}

export function deployment(image: string, revision: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': revision },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: template(image),
    },
  };
}

export function replicaSet(
  deploymentUid: string,
  hash: string,
  image: string,
  revision: string,
  replicas: number,
): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/revision': revision,
        'deployment.kubernetes.io/desired-replicas': '2',
        'deployment.kubernetes.io/max-replicas': '3',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: deploymentUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
      template: template(image, hash),
    },
  };
}

export function pod(name: string, rs: KubeObject, opts: { node: string; ip: string; now: number }): Obj {
  const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
  const t = template('nginx:1.25', hash) as { spec: Record<string, unknown> };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name ?? '',
          uid: rs.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...t.spec, nodeName: opts.node, serviceAccountName: 'default', priority: 0 },
    status: {
      phase: 'Running',
      hostIP: '127.0.10.2',
      podIP: opts.ip,
      podIPs: [{ ip: opts.ip }],
      startTime: ago(opts.now, 2),
      qosClass: 'BestEffort',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [
        {
          name: 'nginx',
          image: 'nginx:1.25',
          imageID: 'docker.io/library/nginx@sha256:0000',
          containerID: 'netkube://0000',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: ago(opts.now, 2) } },
        },
      ],
    },
  };
}

export function service(): Obj {
  return {
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
  };
}

export function endpointSlice(pods: readonly KubeObject[]): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-x7k2p',
      namespace: 'default',
      labels: {
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
    },
    addressType: 'IPv4',
    ports: [{ name: '', port: 80, protocol: 'TCP' }],
    endpoints: pods.map((p) => ({
      addresses: [(p as Obj & { status: { podIP: string } }).status.podIP],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: (p as Obj & { spec: { nodeName: string } }).spec.nodeName,
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: 'default', uid: p.metadata.uid },
    })),
  };
}

export function ingress(): Obj {
  return {
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
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };
}

export function configMap(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config', namespace: 'default' },
    data: { 'nginx.conf': 'server {\n  listen 80;\n}' },
  };
}

export function event(involved: KubeObject, reason: string, message: string, now: number, name: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: involved.metadata.namespace ?? 'default' },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
    },
    reason,
    message,
    type: 'Normal',
    source: { component: 'kubelet' },
    firstTimestamp: ago(now, 2),
    lastTimestamp: ago(now, 2),
    count: 1,
  };
}

/** A Secret, Endpoints, IngressClass and two NetworkPolicies, for the remaining describers. */
export function networkingExtras(pods: readonly KubeObject[]): Obj[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from('cert').toString('base64'),
        'tls.key': Buffer.from('key!!').toString('base64'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      subsets: [
        {
          addresses: pods.map((p) => ({ ip: (p as Obj & { status: { podIP: string } }).status.podIP })),
          ports: [{ port: 80, protocol: 'TCP' }],
        },
      ],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx', labels: { 'app.kubernetes.io/component': 'controller' } },
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-allow', namespace: 'default' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { role: 'client' } } },
              {
                namespaceSelector: { matchLabels: { team: 'shop' } },
                podSelector: { matchLabels: { app: 'api' } },
              },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
            ],
            ports: [{ protocol: 'TCP', port: 80 }],
          },
          { ports: [{ port: 8000, endPort: 8080 }] },
        ],
        egress: [],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];
}

/** Seeds the whole fixture cluster; returns the created objects by role. */
export function seedCluster(seed: <T extends KubeObject>(o: T) => T, now: number) {
  const nodes = [
    seed(node('control-plane', '127.0.10.1', now, 'control-plane')),
    seed(node('worker-1', '127.0.10.2', now)),
  ];
  const web = seed(deployment('nginx:1.25', '2'));
  const oldRs = seed(replicaSet(web.metadata.uid ?? '', '5f7c9d8b6c', 'nginx:1.24', '1', 0));
  const newRs = seed(replicaSet(web.metadata.uid ?? '', '7d4b9c8f5b', 'nginx:1.25', '2', 2));
  const pods = [
    seed(pod('web-7d4b9c8f5b-4jw2p', newRs, { node: 'worker-1', ip: '10.244.1.2', now })),
    seed(pod('web-7d4b9c8f5b-x8k2d', newRs, { node: 'worker-1', ip: '10.244.1.3', now })),
  ];
  const svc = seed(service());
  const slice = seed(endpointSlice(pods));
  const ing = seed(ingress());
  const cm = seed(configMap());
  const events = [
    seed(event(pods[0] as KubeObject, 'Started', 'Started container nginx', now, 'web-7d4b9c8f5b-4jw2p.1')),
  ];
  return { nodes, web, oldRs, newRs, pods, svc, slice, ing, cm, events };
}
