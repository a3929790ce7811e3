import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dryRunCreate } from '../dry-run.js';
import { jsonEqual } from '../json.js';
import type { KubeObject } from '../types.js';
import './index.js';
import { canonicalPodTemplate, imageTag } from './pod-defaults.js';

function created(obj: object): Record<string, unknown> {
  const { object, errors } = dryRunCreate(obj as KubeObject);
  expect(errors).toEqual([]);
  return object as unknown as Record<string, unknown>;
}

const DEFAULTED_CONTAINER = {
  name: 'nginx',
  image: 'nginx:1.14.2',
  imagePullPolicy: 'IfNotPresent',
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const DEFAULTED_POD_SPEC = {
  containers: [DEFAULTED_CONTAINER],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};
const TEMPLATE = {
  metadata: { labels: { app: 'nginx' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] },
};

describe('defaulting as the API server does it', () => {
  it('defaults a Deployment: replicas, strategy, history, deadline and the pod template', () => {
    const d = created({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-deployment', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'nginx' } },
        template: { ...TEMPLATE, metadata: { ...TEMPLATE.metadata, creationTimestamp: null } },
      },
    });
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'nginx' } }, spec: DEFAULTED_POD_SPEC },
    });
    expect(d.status).toEqual({});
  });

  it('leaves a Recreate strategy without rollingUpdate', () => {
    const d = created({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: {
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'nginx' } },
        template: TEMPLATE,
      },
    });
    expect((d.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
  });

  it('defaults a ReplicaSet to one replica and resets its status', () => {
    const rs = created({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'frontend', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'nginx' } }, template: TEMPLATE },
      status: { replicas: 7 },
    });
    expect((rs.spec as { replicas: number }).replicas).toBe(1);
    expect(rs.status).toEqual({ replicas: 0 });
  });

  it('defaults a Pod, adds the admission defaults and a Pending status with its QoS class', () => {
    const pod = created({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'myweb1', namespace: 'default' },
      spec: TEMPLATE.spec,
    });
    expect(pod.spec).toEqual({
      ...DEFAULTED_POD_SPEC,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccount: 'default',
      serviceAccountName: 'default',
      tolerations: [
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
      ],
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    { name: 'no resources', resources: {}, qos: 'BestEffort' },
    {
      name: 'limits only (requests default to them)',
      resources: { limits: { cpu: '500m', memory: '128Mi' } },
      qos: 'Guaranteed',
    },
    {
      name: 'requests below limits',
      resources: { requests: { cpu: '100m' }, limits: { cpu: '500m', memory: '128Mi' } },
      qos: 'Burstable',
    },
    { name: 'cpu limit only', resources: { limits: { cpu: '1' } }, qos: 'Burstable' },
  ])('QoS class with $name is $qos', ({ resources, qos }) => {
    const pod = created({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx', resources }] },
    });
    expect((pod.status as { qosClass: string }).qosClass).toBe(qos);
  });

  it('keeps a toleration the pod already has for not-ready', () => {
    const pod = created({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'nginx' }],
        tolerations: [
          {
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 5,
          },
        ],
      },
    });
    const tolerations = (pod.spec as { tolerations: Array<{ key: string; tolerationSeconds: number }> })
      .tolerations;
    expect(tolerations.map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/not-ready', 5],
      ['node.kubernetes.io/unreachable', 300],
    ]);
  });

  it.each([
    { name: 'no tag', image: 'nginx', policy: 'Always' },
    { name: ':latest', image: 'nginx:latest', policy: 'Always' },
    { name: 'a version tag', image: 'nginx:1.25.3-alpine', policy: 'IfNotPresent' },
    { name: 'a registry with a port and no tag', image: 'registry:5000/team/app', policy: 'Always' },
    { name: 'a digest', image: `nginx@sha256:${'a'.repeat(64)}`, policy: 'IfNotPresent' },
  ])('imagePullPolicy for $name is $policy', ({ image, policy }) => {
    expect(imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent').toBe(policy);
  });

  it('defaults probes and their httpGet', () => {
    const pod = created({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx', readinessProbe: { httpGet: { port: 80 } } }] },
    });
    const probe = (pod.spec as { containers: Array<{ readinessProbe: unknown }> }).containers[0]
      ?.readinessProbe;
    expect(probe).toEqual({
      httpGet: { path: '/', port: 80, scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it.each([
    { name: 'ClusterIP', spec: { ports: [{ port: 80 }] }, extra: {} },
    {
      name: 'ClusterIP with externalIPs',
      spec: { ports: [{ port: 80 }], externalIPs: ['192.168.56.103'] },
      extra: { externalTrafficPolicy: 'Cluster' },
    },
    {
      name: 'NodePort',
      spec: { type: 'NodePort', ports: [{ port: 80 }] },
      extra: { externalTrafficPolicy: 'Cluster' },
    },
    {
      name: 'LoadBalancer',
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
      extra: { externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true },
    },
  ])('defaults a $name Service', ({ spec, extra }) => {
    const svc = created({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec,
    });
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      ...spec,
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ...extra,
    });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it('defaults ClientIP affinity to a 10800 s timeout', () => {
    const svc = created({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] },
    });
    expect((svc.spec as { sessionAffinityConfig: unknown }).sessionAffinityConfig).toEqual({
      clientIP: { timeoutSeconds: 10800 },
    });
  });

  it('labels, finalizes and activates a Namespace', () => {
    const ns = created({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra-team-ns1' } });
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'infra-team-ns1', labels: { 'kubernetes.io/metadata.name': 'infra-team-ns1' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('folds Secret stringData into base64 data', () => {
    const secret = created({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      stringData: { password: 'k8spass#' },
    });
    expect(secret).toMatchObject({ type: 'Opaque', data: { password: 'azhzcGFzcyM=' } });
    expect(secret.stringData).toBeUndefined();
  });

  it('defaults an IPPool as Calico does', () => {
    const pool = created({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'default-ipv4-ippool' },
      spec: { cidr: '10.244.0.0/16' },
    });
    expect(pool.spec).toEqual({
      cidr: '10.244.0.0/16',
      blockSize: 26,
      ipipMode: 'Never',
      vxlanMode: 'Never',
      nodeSelector: 'all()',
      allowedUses: ['Workload', 'Tunnel'],
      assignmentMode: 'Automatic',
    });
  });
});

describe('idempotent defaulting and canonical templates', () => {
  const kinds = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { selector: { matchLabels: { app: 'nginx' } }, template: TEMPLATE },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      spec: { selector: { matchLabels: { app: 'nginx' } }, template: TEMPLATE },
    },
    { apiVersion: 'v1', kind: 'Pod', spec: TEMPLATE.spec },
    { apiVersion: 'v1', kind: 'Service', spec: { type: 'NodePort', ports: [{ port: 80, name: 'http' }] } },
  ];
  it.each(kinds)('re-defaulting a defaulted $kind changes nothing', (obj) => {
    const once = dryRunCreate({ ...obj, metadata: { name: 'x', namespace: 'default' } } as KubeObject).object;
    const twice = dryRunCreate(once).object;
    expect(twice).toEqual(once);
  });

  it('treats the template kubectl sends on rollout undo as the stored one', () => {
    const stored = dryRunCreate({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'x', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'nginx' } }, template: TEMPLATE },
    } as KubeObject).object as unknown as { spec: { template: unknown } };
    const fromKubectl = {
      metadata: { creationTimestamp: null, labels: { app: 'nginx', 'pod-template-hash': '7c5ddbdf54' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: {} }],
      },
    };
    expect(canonicalPodTemplate(fromKubectl)).toEqual(canonicalPodTemplate(stored.spec.template));
    expect(JSON.stringify(canonicalPodTemplate(fromKubectl))).toBe(
      JSON.stringify(canonicalPodTemplate(stored.spec.template)),
    );
  });

  it('keeps templates apart that differ in a real field', () => {
    const a = canonicalPodTemplate(TEMPLATE);
    const b = canonicalPodTemplate({
      ...TEMPLATE,
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.16.1' }] },
    });
    expect(jsonEqual(a, b)).toBe(false);
  });

  it('defaults any container list idempotently', () => {
    const container = fc.record(
      {
        name: fc.constantFrom('a', 'b'),
        image: fc.constantFrom('nginx', 'nginx:1.25', 'busybox:latest'),
        imagePullPolicy: fc.constantFrom('Always', 'Never'),
        ports: fc.array(
          fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: [] }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: ['name', 'image'] },
    );
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 3 }), (containers) => {
        const t = { metadata: { labels: { app: 'x' } }, spec: { containers } };
        expect(canonicalPodTemplate(canonicalPodTemplate(t))).toEqual(canonicalPodTemplate(t));
      }),
    );
  });
});
