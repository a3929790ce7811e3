/** `describe node`: kubectl's `describeNode` layout, from the node, its lease, its non-terminated pods and events. */
import type { Lease, Node, Pod } from '../../api/types.js';
import { addQuantities, formatQuantity, parseQuantity, type Quantity } from './quantity.js';
import {
  type CoreEvent,
  PrefixWriter,
  rfc1123z,
  since,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTaints,
} from './writer.js';

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

type Totals = Record<'requests' | 'limits', Map<string, Quantity[]>>;

function podResources(pod: Pod): Totals {
  const totals: Totals = { requests: new Map(), limits: new Map() };
  for (const c of pod.spec?.containers ?? []) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const [name, value] of Object.entries(c.resources?.[kind] ?? {})) {
        const q = parseQuantity(value);
        if (q) totals[kind].set(name, [...(totals[kind].get(name) ?? []), q]);
      }
    }
  }
  return totals;
}

function sum(map: Map<string, Quantity[]>, name: string): Quantity | undefined {
  const list = map.get(name);
  return list ? addQuantities(list) : undefined;
}

function percent(q: Quantity | undefined, total: Quantity | undefined): number {
  if (!q || !total || total.value === 0) return 0;
  return Math.trunc((q.value / total.value) * 100);
}

function describeNodeResource(w: PrefixWriter, node: Node, pods: readonly Pod[], now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc =
    Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status?.allocatable : node.status?.capacity;
  const cpu = parseQuantity(alloc?.cpu);
  const mem = parseQuantity(alloc?.memory);
  const eph = parseQuantity(alloc?.['ephemeral-storage']);
  const all: Totals = { requests: new Map(), limits: new Map() };
  for (const pod of pods) {
    const r = podResources(pod);
    for (const kind of ['requests', 'limits'] as const) {
      for (const [n, qs] of r[kind]) all[kind].set(n, [...(all[kind].get(n) ?? []), ...qs]);
    }
    const cells = [
      [sum(r.requests, 'cpu'), cpu],
      [sum(r.limits, 'cpu'), cpu],
      [sum(r.requests, 'memory'), mem],
      [sum(r.limits, 'memory'), mem],
    ].map(([q, t]) => `${formatQuantity(q)} (${percent(q, t)}%)`);
    w.write(
      1,
      `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t${cells.join('\t')}\t${since(pod.metadata?.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const [name, total] of [
    ['cpu', cpu],
    ['memory', mem],
    ['ephemeral-storage', eph],
  ] as const) {
    const req = sum(all.requests, name);
    const lim = sum(all.limits, name);
    w.write(
      1,
      `${name}\t${formatQuantity(req)} (${percent(req, total)}%)\t${formatQuantity(lim)} (${percent(lim, total)}%)\n`,
    );
  }
}

type NodeStatus = NonNullable<Node['status']>;

function writeConditions(w: PrefixWriter, conditions: NonNullable<NodeStatus['conditions']>): void {
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
    }
  }
}

function writeSystemInfo(w: PrefixWriter, info: NodeStatus['nodeInfo']): void {
  w.write(0, 'System Info:\n');
  for (const [label, value] of [
    ['Machine ID', info?.machineID],
    ['System UUID', info?.systemUUID],
    ['Boot ID', info?.bootID],
    ['Kernel Version', info?.kernelVersion],
    ['OS Image', info?.osImage],
    ['Operating System', info?.operatingSystem],
    ['Architecture', info?.architecture],
    ['Container Runtime Version', info?.containerRuntimeVersion],
    ['Kubelet Version', info?.kubeletVersion],
    ['Kube-Proxy Version', info?.kubeProxyVersion],
  ] as const) {
    w.write(0, `  ${label}:\t${value ?? ''}\n`);
  }
}

/** Renders `describe node`. `lease` is the node's Lease, or the error text of fetching it. */
export function describeNode(
  node: Node,
  lease: Lease | { readonly error: string },
  pods: readonly Pod[],
  events: readonly CoreEvent[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter();
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  w.write(0, `Name:\t${node.metadata?.name ?? ''}\n`);
  const roles = nodeRoles(node);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  writeLabels(w, 'Labels', node.metadata?.labels);
  writeAnnotations(w, 'Annotations', node.metadata?.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata?.creationTimestamp)}\n`);
  writeTaints(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  if ('error' in lease) w.write(0, `Lease:\tFailed to get lease: ${lease.error}\n`);
  else {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  }
  writeConditions(w, status.conditions ?? []);
  w.write(0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [
    ['Capacity', status.capacity],
    ['Allocatable', status.allocatable],
  ] as const) {
    const names = Object.keys(list ?? {}).sort();
    if (names.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const n of names) w.write(0, `  ${n}:\t${list?.[n]}\n`);
  }
  writeSystemInfo(w, status.nodeInfo);
  if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if (spec.podCIDRs?.length) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(0, `ProviderID:\t${spec.providerID}\n`);
  describeNodeResource(w, node, pods, now);
  writeEvents(w, events, now);
  return w.toString();
}
