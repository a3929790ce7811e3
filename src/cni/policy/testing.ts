/**
 * Builders for policy tests (the evaluator's table tests and the path
 * planner's): compact Pods, Namespaces and NetworkPolicies with only the
 * fields policy reads, a small cluster, and a row checker. Imports vitest:
 * never import it from production code.
 */
import { expect } from 'vitest';
import type { NetworkPolicySpec } from '../../api/types.js';
import { evaluateConnection } from './evaluate.js';
import { type NamespaceObject, type NetworkPolicyObject, type PodObject, policySnapshot } from './tables.js';
import type { ConnectionVerdict, PolicyProtocol, PolicyVerdict } from './types.js';

export interface TestPodSpec {
  readonly ip: string;
  readonly labels?: Record<string, string>;
  readonly node?: string;
  /** Named container ports: `{ http: 8080 }` (TCP) or `{ dns: [53, 'UDP'] }`. */
  readonly ports?: Record<string, number | readonly [number, PolicyProtocol]>;
  readonly hostNetwork?: boolean;
}

/** A running Pod `namespace/name` holding `spec.ip`. */
export function testPod(ref: string, spec: TestPodSpec): PodObject {
  const [namespace, name] = ref.split('/') as [string, string];
  const ports = Object.entries(spec.ports ?? {}).map(([portName, p]) =>
    typeof p === 'number'
      ? { name: portName, containerPort: p, protocol: 'TCP' }
      : { name: portName, containerPort: p[0], protocol: p[1] },
  );
  return {
    metadata: { namespace, name, labels: spec.labels ?? {} },
    spec: {
      nodeName: spec.node ?? 'worker-1',
      containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.43', ports }],
      ...(spec.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: { phase: 'Running', podIP: spec.ip, podIPs: [{ ip: spec.ip }] },
  };
}

/** A Namespace with labels (the name label is added as the API server adds it). */
export function testNamespace(name: string, labels: Record<string, string> = {}): NamespaceObject {
  return { metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } } };
}

/** A NetworkPolicy `namespace/name`, spec as written (no defaulting: the evaluator defaults). */
export function testPolicy(ref: string, spec: NetworkPolicySpec): NetworkPolicyObject {
  const [namespace, name] = ref.split('/') as [string, string];
  return { metadata: { namespace, name }, spec };
}

/**
 * A small cluster for table tests: namespaces with labels, pods on two nodes
 * (named ports, a hostNetwork pod), and the nodes' addresses.
 */
export const TEST_CLUSTER = {
  namespaces: [
    testNamespace('default'),
    testNamespace('prod', { env: 'prod' }),
    testNamespace('myproject', { project: 'myproject' }),
    testNamespace('alice', { user: 'alice' }),
    testNamespace('bob'),
    testNamespace('kube-system'),
  ],
  pods: [
    testPod('default/web', {
      ip: '10.244.1.10',
      labels: { app: 'web', role: 'frontend' },
      ports: { http: 8080 },
    }),
    testPod('default/db', {
      ip: '10.244.2.20',
      labels: { app: 'db', role: 'db' },
      node: 'worker-2',
      ports: { redis: 6379 },
    }),
    testPod('default/client', { ip: '10.244.1.11', labels: { app: 'client', role: 'client' } }),
    testPod('prod/api', {
      ip: '10.244.2.30',
      labels: { app: 'api' },
      node: 'worker-2',
      ports: { http: 8080, metrics: [9090, 'UDP'] },
    }),
    testPod('myproject/fe', { ip: '10.244.1.40', labels: { role: 'frontend' } }),
    testPod('alice/client', { ip: '10.244.1.60', labels: { role: 'client' } }),
    testPod('alice/other', { ip: '10.244.1.61', labels: { role: 'other' } }),
    testPod('bob/client', { ip: '10.244.1.62', labels: { role: 'client' } }),
    testPod('kube-system/coredns', {
      ip: '10.244.2.53',
      labels: { 'k8s-app': 'kube-dns' },
      node: 'worker-2',
      ports: { dns: [53, 'UDP'], 'dns-tcp': 53 },
    }),
    testPod('default/hostnet', { ip: '127.0.10.2', labels: { app: 'web' }, hostNetwork: true }),
  ],
  nodes: [
    { name: 'worker-1', address: '127.0.10.2' },
    { name: 'worker-2', address: '127.0.10.3' },
  ],
} as const;

/** One row of an evaluator table. */
export interface PolicyCase {
  readonly name: string;
  /** `namespace/name` → spec. */
  readonly policies: Record<string, NetworkPolicySpec>;
  /** A pod of `TEST_CLUSTER` (`ns/name`) or an address. */
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol?: PolicyProtocol;
  readonly want: 'allowed' | 'egress denied' | 'ingress denied';
  /** Brief reasons (see `briefReason`), checked when given. */
  readonly egress?: string;
  readonly ingress?: string;
}

const TEST_IPS = new Map(
  TEST_CLUSTER.pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.status?.podIP ?? '']),
);

/** `policy[rule] peer i port j`, `default-deny by a,b`, or the reason's kind. */
export function briefReason(v: PolicyVerdict): string {
  const r = v.reason;
  if (r.kind === 'default-deny') return `default-deny by ${v.selectedBy.map((p) => p.name).join(',')}`;
  if (r.kind !== 'rule') return r.kind;
  const peer = r.peer ? ` peer ${r.peer.index}` : '';
  const port = r.port ? ` port ${r.port.index}` : '';
  return `${r.policy.name}[${r.rule}]${peer}${port}`;
}

/** Evaluates a row against `TEST_CLUSTER` with the row's policies. */
export function runPolicyCase(c: PolicyCase): ConnectionVerdict {
  const view = policySnapshot({
    ...TEST_CLUSTER,
    policies: Object.entries(c.policies).map(([ref, spec]) => testPolicy(ref, spec)),
  });
  return evaluateConnection(view, {
    protocol: c.protocol ?? 'TCP',
    srcIP: TEST_IPS.get(c.from) ?? c.from,
    srcPort: 40000,
    dstIP: TEST_IPS.get(c.to) ?? c.to,
    dstPort: c.port,
  });
}

/** Checks a row: the outcome, and the reasons the row names. */
export function checkPolicyCase(c: PolicyCase): void {
  const v = runPolicyCase(c);
  const got = !v.egress.allowed ? 'egress denied' : v.ingress.allowed ? 'allowed' : 'ingress denied';
  expect(got).toBe(c.want);
  expect(v.allowed).toBe(c.want === 'allowed');
  if (c.egress) expect(briefReason(v.egress)).toBe(c.egress);
  if (c.ingress) expect(briefReason(v.ingress)).toBe(c.ingress);
}
