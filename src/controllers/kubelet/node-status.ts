/**
 * The Node object a kubelet registers and the status it keeps posting
 * (pkg/kubelet/nodestatus setters): addresses, capacity/allocatable, nodeInfo,
 * conditions with the upstream reasons and messages, daemonEndpoints. Pure:
 * the caller passes the time and the boot it is in.
 */
import type { Node, NodeCondition, Taint } from '../../api/types.js';
import { deepEqual } from '../../store/equality.js';
import type { TopologyNode } from '../../topology/types.js';
import { rfc3339 } from '../../util/clock.js';
import { bootID, machineID, systemUUID } from './identity.js';
import { parseQuantity, toKibibytes } from './quantity.js';

/** Versions a node reports; kind v1.32 node images carry these. */
export interface NodeVersions {
  /** @default 'v1.32.2' */
  readonly kubeletVersion: string;
  /** @default 'containerd://1.7.24' */
  readonly containerRuntimeVersion: string;
  /** @default 'Debian GNU/Linux 12 (bookworm)' */
  readonly osImage: string;
  /** The host's kernel, as kind nodes show it. */
  readonly kernelVersion: string;
}

/** The kubelet's hard eviction thresholds (memory.available<100Mi, nodefs.available<10%) shape allocatable. */
const EVICTION_MEMORY_BYTES = 100 * 2 ** 20;
/** A 100 GB node filesystem, in bytes. */
const EPHEMERAL_STORAGE_BYTES = 102_626_232 * 1024;

/** The four conditions the kubelet owns, in the order it posts them. */
const KUBELET_NODE_CONDITIONS = [
  {
    type: 'MemoryPressure',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
    event: 'NodeHasSufficientMemory',
  },
  {
    type: 'DiskPressure',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
    event: 'NodeHasNoDiskPressure',
  },
  {
    type: 'PIDPressure',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
    event: 'NodeHasSufficientPID',
  },
  { type: 'Ready', reason: 'KubeletReady', message: 'kubelet is posting ready status', event: 'NodeReady' },
] as const;

/** The condition Calico's node agent sets once the node's network is up. */
function networkCondition(now: number): NodeCondition {
  const t = rfc3339(now);
  return {
    type: 'NetworkUnavailable',
    status: 'False',
    reason: 'CalicoIsUp',
    message: 'Calico is running on this node',
    lastHeartbeatTime: t,
    lastTransitionTime: t,
  };
}

function memoryBytes(node: TopologyNode): number | undefined {
  return parseQuantity(node.capacity.memory);
}

/** Capacity and allocatable as the kubelet computes them from the machine and its eviction thresholds. */
export function nodeResources(
  node: TopologyNode,
): Pick<NonNullable<Node['status']>, 'capacity' | 'allocatable'> {
  const mem = memoryBytes(node);
  const common = { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: String(node.capacity.pods) };
  return {
    capacity: {
      cpu: node.capacity.cpu,
      'ephemeral-storage': toKibibytes(EPHEMERAL_STORAGE_BYTES),
      memory: mem === undefined ? node.capacity.memory : toKibibytes(mem),
      ...common,
    },
    allocatable: {
      cpu: node.capacity.cpu,
      'ephemeral-storage': String(Math.floor(EPHEMERAL_STORAGE_BYTES * 0.9)),
      memory:
        mem === undefined ? node.capacity.memory : toKibibytes(Math.max(0, mem - EVICTION_MEMORY_BYTES)),
      ...common,
    },
  };
}

/** Labels the kubelet (and kubeadm, for control-plane nodes) puts on a node, under the topology's own. */
export function nodeLabels(node: TopologyNode): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    ...(node.role === 'control-plane'
      ? {
          'node-role.kubernetes.io/control-plane': '',
          'node.kubernetes.io/exclude-from-external-load-balancers': '',
        }
      : {}),
    ...node.labels,
  };
}

/** The Node a kubelet registers on its first start (`--register-with-taints` from the topology). */
export function registrationNode(node: TopologyNode): Node & { apiVersion: 'v1'; kind: 'Node' } {
  const taints: Taint[] = node.taints.map((t) => ({
    key: t.key,
    effect: t.effect,
    ...(t.value !== undefined ? { value: t.value } : {}),
  }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: nodeLabels(node),
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: taints.length > 0 ? { taints } : {},
  };
}

export interface NodeStatusResult {
  readonly status: NonNullable<Node['status']>;
  /** Event reasons for conditions that changed (`NodeHasSufficientMemory`, `NodeReady`), in order. */
  readonly transitions: readonly string[];
}

/**
 * The status the kubelet posts at `now` over the node's current status: its four
 * conditions refreshed (heartbeat now; transition time kept while the status is
 * unchanged), NetworkUnavailable kept or set once, and the static fields.
 */
export function kubeletNodeStatus(
  node: TopologyNode,
  current: Node['status'] | undefined,
  opts: { readonly now: number; readonly boot: number; readonly versions: NodeVersions },
): NodeStatusResult {
  const t = rfc3339(opts.now);
  const old = current?.conditions ?? [];
  const transitions: string[] = [];
  const conditions: NodeCondition[] = [
    old.find((c) => c.type === 'NetworkUnavailable') ?? networkCondition(opts.now),
  ];
  for (const def of KUBELET_NODE_CONDITIONS) {
    const prev = old.find((c) => c.type === def.type);
    const status = def.type === 'Ready' ? 'True' : 'False';
    const changed = prev?.status !== status;
    if (changed) transitions.push(def.event);
    conditions.push({
      type: def.type,
      status,
      reason: def.reason,
      message: def.message,
      lastHeartbeatTime: t,
      lastTransitionTime: !changed && prev?.lastTransitionTime ? prev.lastTransitionTime : t,
    });
  }
  const status: NonNullable<Node['status']> = {
    ...current,
    addresses: [
      { type: 'InternalIP', address: node.address },
      { type: 'Hostname', address: node.name },
    ],
    ...nodeResources(node),
    conditions,
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: bootID(node.name, opts.boot),
      containerRuntimeVersion: opts.versions.containerRuntimeVersion,
      kernelVersion: opts.versions.kernelVersion,
      kubeProxyVersion: opts.versions.kubeletVersion,
      kubeletVersion: opts.versions.kubeletVersion,
      machineID: machineID(node.name),
      operatingSystem: 'linux',
      osImage: opts.versions.osImage,
      systemUUID: systemUUID(node.name),
    },
  };
  return { status, transitions };
}

/** Whether two node statuses differ in anything but heartbeat times (the kubelet then posts at once). */
export function nodeStatusChanged(a: Node['status'] | undefined, b: Node['status'] | undefined): boolean {
  const strip = (s: Node['status'] | undefined) => ({
    ...s,
    conditions: s?.conditions?.map((c) => ({ ...c, lastHeartbeatTime: undefined })),
  });
  return !deepEqual(strip(a), strip(b));
}
