/**
 * Builders for scheduler tests: nodes as a topology would register them and
 * pods with the scheduling fields tests vary.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { PodSpec } from '../../api/types.js';
import type { PodObject } from '../runtime/pods.js';
import type { NodeObject } from './types.js';

export interface NodeOptions {
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  readonly labels?: Record<string, string>;
  readonly taints?: Taint[];
  readonly unschedulable?: boolean;
  readonly ready?: 'True' | 'False' | 'Unknown';
}

/** A node with the standard hostname label, Ready unless told otherwise. */
export function newNode(name: string, o: NodeOptions = {}): NodeObject {
  const resources = { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: o.ready ?? 'True' }],
    },
  };
}

/** The kubeadm control-plane taint. */
export const CONTROL_PLANE_TAINT: Taint = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule',
};

/** A control-plane node and two workers, as topologies/default.yaml describes them. */
export function defaultCluster(o: NodeOptions = {}): NodeObject[] {
  return [
    newNode('control-plane', {
      ...o,
      taints: [CONTROL_PLANE_TAINT],
      labels: { 'node-role.kubernetes.io/control-plane': '' },
    }),
    newNode('worker-1', o),
    newNode('worker-2', o),
  ];
}

/** An unscheduled pod; `spec` is merged over one container requesting `cpu`/`memory`. */
export function newPod(
  name: string,
  o: { cpu?: string; memory?: string; labels?: Record<string, string>; spec?: Partial<PodSpec> } = {},
): PodObject {
  const requests = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels ?? { app: name } },
    spec: {
      containers: [
        { name: 'c', image: 'nginx', ...(Object.keys(requests).length ? { resources: { requests } } : {}) },
      ],
      ...o.spec,
    },
  };
}
