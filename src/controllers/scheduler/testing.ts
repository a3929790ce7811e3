/**
 * Builders for scheduler tests: nodes as a topology would register them and
 * pods with the scheduling fields tests vary.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { PodSpec } from '../../api/types.js';
import { seededRandom } from '../../util/random.js';
import type { PodObject } from '../runtime/pods.js';
import { SchedulerCache } from './cache.js';
import { newPodInfo } from './pod-info.js';
import { type ScheduleResult, schedulePod } from './schedule.js';
import type { NodeObject } from './types.js';

/** Fields `newNode` lets a test vary. */
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

/** A cache holding `nodes` and the given pods bound to their nodes. */
export function cacheOf(nodes: NodeObject[], pods: Array<[PodObject, string]> = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.upsertNode(n);
  pods.forEach(([p, node], i) => {
    cache.addPod(newPodInfo({ ...p, metadata: { ...p.metadata, uid: p.metadata.uid ?? `uid-${i}` } }), node);
  });
  return cache;
}

/** A lister with no namespaces labels and no default spreading selector. */
const lister = { namespaceLabels: () => undefined, defaultSpreadSelector: () => undefined };

/** One decision with the adaptive node percentage and a fixed seed. */
export function schedule(pod: PodObject, cache: SchedulerCache, startIndex = 0): ScheduleResult {
  return schedulePod({
    pod: newPodInfo(pod),
    cache,
    lister,
    random: seededRandom(1),
    percentageOfNodesToScore: 0,
    startIndex,
  });
}

/** `scheduled on <node>` or the FailedScheduling text. */
export function message(r: ScheduleResult): string {
  return r.kind === 'scheduled' ? `scheduled on ${r.nodeName}` : r.message;
}
