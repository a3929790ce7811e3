/**
 * The objects a fresh cluster starts with, as kubeadm (and kind) create them:
 * the system namespaces, the `kubernetes` Service at the first service IP with
 * the API server as its endpoint, CoreDNS behind `kube-system/kube-dns` at the
 * tenth, and — when the ingress addon is installed — ingress-nginx's namespace,
 * IngressClass, controller Deployment and LoadBalancer Service.
 *
 * Pure: `bootstrapObjects(topology)` returns the objects; the emulator creates
 * them through the Registry like any client would.
 */
import type { KubeObject } from '../api/types.js';
import type { Topology } from '../topology/types.js';
import { cidrIndex, parseCidr } from '../util/ipv4.js';

export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';
export const INGRESS_NGINX_IMAGE = 'registry.k8s.io/ingress-nginx/controller:v1.12.1';
export const INGRESS_NAMESPACE = 'ingress-nginx';
export const INGRESS_CONTROLLER_NAME = 'ingress-nginx-controller';
export const INGRESS_CLASS = 'nginx';
export const INGRESS_CONTROLLER_STRING = 'k8s.io/ingress-nginx';

/** The i-th address of the service subnet (1 → `kubernetes`, 10 → `kube-dns`). */
export function serviceIP(topology: Topology, index: number): string {
  const cidr = parseCidr(topology.networking.serviceSubnet);
  if (!cidr) throw new Error(`Invalid serviceSubnet ${topology.networking.serviceSubnet}`);
  return cidrIndex(cidr, index);
}

function namespace(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
  };
}

/** Namespaces, the `kubernetes` Service and its endpoints. */
export function systemObjects(topology: Topology): KubeObject[] {
  const api = topology.api;
  return [
    namespace('default'),
    namespace('kube-system'),
    namespace('kube-public'),
    namespace('kube-node-lease'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: serviceIP(topology, 1),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: api.port }],
        sessionAffinity: 'None',
      },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [
        { addresses: [{ ip: api.host }], ports: [{ name: 'https', port: api.port, protocol: 'TCP' }] },
      ],
    } as KubeObject,
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [api.host], conditions: { ready: true } }],
      ports: [{ name: 'https', port: api.port, protocol: 'TCP' }],
    } as KubeObject,
  ];
}

const COREFILE = (domain: string) => `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

const CONTROL_PLANE_TOLERATIONS = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
];

/** CoreDNS as kubeadm deploys it: ConfigMap, Deployment (2 replicas) and the kube-dns Service. */
export function dnsObjects(topology: Topology): KubeObject[] {
  const labels = { 'k8s-app': 'kube-dns' };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: COREFILE(topology.networking.clusterDomain) },
    } as KubeObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: 'system-cluster-critical',
            tolerations: CONTROL_PLANE_TOLERATIONS,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: {
                        matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }],
                      },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: 'coredns',
                image: COREDNS_IMAGE,
                args: ['-conf', '/etc/coredns/Corefile'],
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { path: '/health', port: 8080 },
                  initialDelaySeconds: 60,
                  timeoutSeconds: 5,
                  failureThreshold: 5,
                },
                readinessProbe: { httpGet: { path: '/ready', port: 8181 } },
              },
            ],
            dnsPolicy: 'Default',
          },
        },
      },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        selector: labels,
        clusterIP: serviceIP(topology, 10),
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    } as KubeObject,
  ];
}

/**
 * Where the ingress controller may run: anywhere (the cloud manifests), or,
 * when the topology names `ingress.nodeSelector`, only on those nodes,
 * tolerating the control-plane taints, as kind's ingress-nginx manifest does.
 */
function controllerPlacement(topology: Topology): Record<string, unknown> {
  const selector = topology.ingress.nodeSelector;
  if (!selector) return {};
  return {
    nodeSelector: { ...selector, 'kubernetes.io/os': 'linux' },
    tolerations: [
      { key: 'node-role.kubernetes.io/master', operator: 'Equal', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', effect: 'NoSchedule' },
    ],
  };
}

/**
 * The ingress-nginx addon: its namespace, the `nginx` IngressClass (marked
 * default, as minikube's addon does, so Ingresses without a class are served),
 * the controller Deployment and its LoadBalancer Service with the topology's
 * stable NodePorts.
 */
export function ingressObjects(topology: Topology): KubeObject[] {
  const labels = {
    'app.kubernetes.io/component': 'controller',
    'app.kubernetes.io/instance': 'ingress-nginx',
    'app.kubernetes.io/name': 'ingress-nginx',
  };
  return [
    namespace(INGRESS_NAMESPACE),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: INGRESS_CLASS,
        labels,
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: INGRESS_CONTROLLER_STRING },
    } as KubeObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: INGRESS_CONTROLLER_NAME, namespace: INGRESS_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        minReadySeconds: 0,
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'controller',
                image: INGRESS_NGINX_IMAGE,
                args: [
                  '/nginx-ingress-controller',
                  `--publish-service=$(POD_NAMESPACE)/${INGRESS_CONTROLLER_NAME}`,
                  '--election-id=ingress-nginx-leader',
                  `--controller-class=${INGRESS_CONTROLLER_STRING}`,
                  `--ingress-class=${INGRESS_CLASS}`,
                ],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                ports: [
                  { name: 'http', containerPort: 80, protocol: 'TCP' },
                  { name: 'https', containerPort: 443, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 10254 },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 10254 },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                  failureThreshold: 5,
                },
                resources: { requests: { cpu: '100m', memory: '90Mi' } },
              },
            ],
            terminationGracePeriodSeconds: 300,
            ...controllerPlacement(topology),
          },
        },
      },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: INGRESS_CONTROLLER_NAME, namespace: INGRESS_NAMESPACE, labels },
      spec: {
        type: 'LoadBalancer',
        selector: labels,
        externalTrafficPolicy: 'Cluster',
        ports: [
          {
            name: 'http',
            port: 80,
            protocol: 'TCP',
            targetPort: 'http',
            nodePort: topology.ingress.httpNodePort,
            appProtocol: 'http',
          },
          {
            name: 'https',
            port: 443,
            protocol: 'TCP',
            targetPort: 'https',
            nodePort: topology.ingress.httpsNodePort,
            appProtocol: 'https',
          },
        ],
      },
    } as KubeObject,
  ];
}
