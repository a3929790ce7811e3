/**
 * The scheduler's view of nodes and pods (`framework.NodeInfo`, `PodInfo`):
 * per-node requested resources, pods, host ports and per-owner pod counts,
 * kept current from store events so a scheduling decision never sums pods.
 */

import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Selector } from '../../api/labels.js';
import type { Node, Toleration, Typed } from '../../api/types.js';
import type { PodObject } from '../runtime/pods.js';
import type { Requests } from './resources.js';

/** A stored Node. */
export type NodeObject = Typed<Node>;

/** The highest score a plugin gives a node (`framework.MaxNodeScore`). */
export const MAX_NODE_SCORE = 100;
/** The node's hostname label (the default per-node topology). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
/** The node's zone label (the default zone topology). */
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
/** The node's region label (nodes are listed zone by zone within regions). */
export const LABEL_REGION = 'topology.kubernetes.io/region';

/** A parsed `PodAffinityTerm` (`framework.AffinityTerm`). */
export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  /** When set, also matches pods of namespaces whose labels it matches. */
  readonly namespaceSelector: Selector | undefined;
  readonly selector: Selector;
  readonly topologyKey: string;
}

/** A preferred term with its weight. */
export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** A host port a pod binds (`HostPortInfo` entry). */
export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

/** What the scheduler keeps about one pod (incoming or assigned). */
export interface PodInfo {
  /** `namespace/name`. */
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly requests: Requests;
  /** Requests with defaults for containers that state none (scoring). */
  readonly nonZeroRequests: Requests;
  readonly hostPorts: readonly HostPort[];
  /** uid of `ownerReferences[0]` (`PodsWithOwnerRef`). */
  readonly ownerUid: string | undefined;
  readonly priority: number;
  readonly tolerations: readonly Toleration[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];
  /** Any pod affinity or anti-affinity at all (`podWithAffinity`). */
  readonly hasAffinity: boolean;
  /** The pod as last seen; the cache refreshes it in place when the pod changes. */
  pod: PodObject;
}

/** What the scheduler keeps about one node. */
export interface NodeInfo {
  readonly name: string;
  /** Dense, stable index of this NodeInfo in its cache (for scratch arrays). */
  readonly id: number;
  /** The `kubernetes.io/hostname` label, read often enough to keep at hand. */
  hostname: string | undefined;
  /** Undefined while pods are known on a node the cache has not seen yet. */
  node: NodeObject | undefined;
  labels: Readonly<Record<string, string>>;
  // Resource figures are flat numeric fields: filters and scores read them for
  // hundreds of nodes per pod, and one object hop per read shows.
  allocatableCPU: number;
  allocatableMemory: number;
  allocatablePods: number;
  unschedulable: boolean;
  /** Taints with effect NoSchedule or NoExecute, including the implicit not-ready one. */
  noScheduleTaints: Taint[];
  /** Taints with effect PreferNoSchedule. */
  preferNoScheduleTaints: Taint[];
  /** Sum of the pods' requests (millicores, bytes). */
  requestedCPU: number;
  requestedMemory: number;
  /** The same with 100m/200Mi for containers that request nothing (scoring). */
  nonZeroCPU: number;
  nonZeroMemory: number;
  readonly pods: Map<string, PodInfo>;
  /** `protocol/port` → host IP → count. */
  readonly usedPorts: Map<string, Map<string, number>>;
  /** ownerReferences[0].uid → pods on this node. */
  readonly ownerCounts: Map<string, number>;
}

/** How a node failed a filter (`framework.Status`). */
export interface FilterFailure {
  /** `UnschedulableAndUnresolvable` means preemption cannot help on this node. */
  readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  readonly reasons: readonly string[];
}
