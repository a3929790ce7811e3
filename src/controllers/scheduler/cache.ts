/**
 * The scheduler cache (`pkg/scheduler/backend/cache`): one NodeInfo per node
 * with the resources requested by its pods, its pods, host ports and per-owner
 * counts, updated incrementally from store events. Assigned pods in a terminal
 * phase are not counted (the scheduler's pod informer excludes them).
 *
 * Nodes are listed zone by zone in round-robin order (`nodeTree`), so that
 * evaluating a percentage of nodes still visits every zone.
 */
import { integerValue, milliCPU } from './resources.js';
import { schedulingTaints } from './taints.js';
import {
  LABEL_HOSTNAME,
  LABEL_REGION,
  LABEL_ZONE,
  type NodeInfo,
  type NodeObject,
  type PodInfo,
} from './types.js';

/** Nodes and assigned pods as the scheduler counts them; updated by the Scheduler's handlers only. */
export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #podNode = new Map<string, string>();
  /** Assigned pods with any pod (anti-)affinity, and those with required anti-affinity. */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** owner uid → the nodes running its pods, with counts (the inverse of `ownerCounts`). */
  readonly #ownerNodes = new Map<string, Map<NodeInfo, number>>();
  #nextId = 0;
  /** label key → nodes carrying it (lets scoring skip keys no node has). */
  readonly #labelKeys = new Map<string, number>();
  #list: NodeInfo[] = [];
  #listDirty = false;
  #zoneOf = new Map<string, string>();

  /** Nodes known to the cluster, in nodeTree order. Do not mutate. */
  nodeList(): readonly NodeInfo[] {
    if (this.#listDirty) this.#rebuildList();
    return this.#list;
  }

  node(name: string): NodeInfo | undefined {
    return this.#nodes.get(name);
  }

  /**
   * The node an assigned pod is counted on, by pod uid (a string stored in the
   * pod, so lookups need no key building).
   */
  nodeOfPod(uid: string): string | undefined {
    return this.#podNode.get(uid);
  }

  /** One more than the largest NodeInfo id handed out (size of id-indexed scratch arrays). */
  get idLimit(): number {
    return this.#nextId;
  }

  /** The nodes running pods whose first owner is `uid`, with how many each. */
  ownerNodes(uid: string): ReadonlyMap<NodeInfo, number> | undefined {
    return this.#ownerNodes.get(uid);
  }

  /** How many nodes carry the label `key`. */
  nodesWithLabel(key: string): number {
    return this.#labelKeys.get(key) ?? 0;
  }

  #countLabels(labels: Readonly<Record<string, string>>, sign: 1 | -1): void {
    for (const key of Object.keys(labels)) {
      const n = (this.#labelKeys.get(key) ?? 0) + sign;
      if (n > 0) this.#labelKeys.set(key, n);
      else this.#labelKeys.delete(key);
    }
  }

  /** Adds or refreshes a node; pods already counted on it stay. */
  upsertNode(node: NodeObject): void {
    const name = node.metadata.name ?? '';
    const info = this.#infoFor(name);
    const wasKnown = info.node !== undefined;
    const allocatable = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, string>;
    const taints = schedulingTaints(node);
    if (wasKnown) this.#countLabels(info.labels, -1);
    info.node = node;
    info.labels = node.metadata.labels ?? {};
    info.hostname = info.labels[LABEL_HOSTNAME];
    this.#countLabels(info.labels, 1);
    info.allocatableCPU = milliCPU(allocatable.cpu);
    info.allocatableMemory = integerValue(allocatable.memory);
    info.allocatablePods = integerValue(allocatable.pods);
    info.unschedulable = node.spec?.unschedulable === true;
    info.noScheduleTaints = taints.noSchedule;
    info.preferNoScheduleTaints = taints.preferNoSchedule;
    const zone = `${info.labels[LABEL_REGION] ?? ''}:${info.labels[LABEL_ZONE] ?? ''}`;
    if (!wasKnown || this.#zoneOf.get(name) !== zone) {
      this.#zoneOf.set(name, zone);
      this.#listDirty = true;
    }
  }

  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (!info?.node) return;
    this.#countLabels(info.labels, -1);
    if (info.pods.size === 0) this.#nodes.delete(name);
    else info.node = undefined;
    this.#zoneOf.delete(name);
    this.#listDirty = true;
  }

  /** Counts an assigned pod on its node (moving it if it was counted elsewhere). */
  addPod(pod: PodInfo, nodeName: string): void {
    this.removePod(pod.uid);
    const info = this.#infoFor(nodeName);
    info.pods.set(pod.uid, pod);
    this.#podNode.set(pod.uid, nodeName);
    account(info, pod, 1);
    this.#countOwner(info, pod, 1);
    if (pod.hasAffinity) this.podsWithAffinity.add(pod);
    if (pod.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity.add(pod);
  }

  /** Stops counting a pod (by uid). */
  removePod(uid: string): void {
    const nodeName = this.#podNode.get(uid);
    if (nodeName === undefined) return;
    this.#podNode.delete(uid);
    const info = this.#nodes.get(nodeName);
    const pod = info?.pods.get(uid);
    if (!info || !pod) return;
    info.pods.delete(uid);
    account(info, pod, -1);
    this.#countOwner(info, pod, -1);
    this.podsWithAffinity.delete(pod);
    this.podsWithRequiredAntiAffinity.delete(pod);
    if (!info.node && info.pods.size === 0) this.#nodes.delete(nodeName);
  }

  #countOwner(info: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
    if (pod.ownerUid === undefined) return;
    let nodes = this.#ownerNodes.get(pod.ownerUid);
    if (!nodes) {
      nodes = new Map();
      this.#ownerNodes.set(pod.ownerUid, nodes);
    }
    const n = (nodes.get(info) ?? 0) + sign;
    if (n > 0) nodes.set(info, n);
    else nodes.delete(info);
    if (nodes.size === 0) this.#ownerNodes.delete(pod.ownerUid);
  }

  #infoFor(name: string): NodeInfo {
    let info = this.#nodes.get(name);
    if (!info) {
      info = {
        name,
        id: this.#nextId++,
        hostname: undefined,
        node: undefined,
        labels: {},
        allocatableCPU: 0,
        allocatableMemory: 0,
        allocatablePods: 0,
        unschedulable: false,
        noScheduleTaints: [],
        preferNoScheduleTaints: [],
        requestedCPU: 0,
        requestedMemory: 0,
        nonZeroCPU: 0,
        nonZeroMemory: 0,
        pods: new Map(),
        usedPorts: new Map(),
        ownerCounts: new Map(),
      };
      this.#nodes.set(name, info);
    }
    return info;
  }

  #rebuildList(): void {
    const zones = new Map<string, NodeInfo[]>();
    for (const info of this.#nodes.values()) {
      if (!info.node) continue;
      const zone = this.#zoneOf.get(info.name) ?? ':';
      let list = zones.get(zone);
      if (!list) {
        list = [];
        zones.set(zone, list);
      }
      list.push(info);
    }
    const lists = [...zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < this.#zoneOf.size && lists.some((l) => i < l.length); i++) {
      for (const l of lists) {
        const n = l[i];
        if (n) out.push(n);
      }
    }
    this.#list = out;
    this.#listDirty = false;
  }
}

/** Adds (sign 1) or removes (sign −1) a pod's resources, ports and owner count. */
function account(info: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
  info.requestedCPU += sign * pod.requests.milliCPU;
  info.requestedMemory += sign * pod.requests.memory;
  info.nonZeroCPU += sign * pod.nonZeroRequests.milliCPU;
  info.nonZeroMemory += sign * pod.nonZeroRequests.memory;
  for (const p of pod.hostPorts) {
    const key = `${p.protocol}/${p.port}`;
    let ips = info.usedPorts.get(key);
    if (!ips) {
      ips = new Map();
      info.usedPorts.set(key, ips);
    }
    const n = (ips.get(p.ip) ?? 0) + sign;
    if (n > 0) ips.set(p.ip, n);
    else ips.delete(p.ip);
    if (ips.size === 0) info.usedPorts.delete(key);
  }
  if (pod.ownerUid !== undefined) {
    const n = (info.ownerCounts.get(pod.ownerUid) ?? 0) + sign;
    if (n > 0) info.ownerCounts.set(pod.ownerUid, n);
    else info.ownerCounts.delete(pod.ownerUid);
  }
}
