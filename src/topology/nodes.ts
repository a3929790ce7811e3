/**
 * The `nodes` list: names, roles, addresses (given, or the next free one in
 * `networking.nodeSubnet`), capacity, labels and taints, with the defaults a
 * kubeadm/kind node has: the well-known labels, and the control-plane taint
 * when the cluster also has workers (a single-node cluster's control plane
 * takes pods, as kind's does).
 */
import {
  cidrContains,
  cidrSize,
  formatIPv4,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  parseIPv4,
  parseIPv4Cidr,
  parseQuantity,
} from '../api/index.js';
import { isLoopback } from './addresses.js';
import { enumField, type ResolveContext, section } from './networking.js';
import type { NetworkingConfig, NodeCapacity, NodeRole, Taint, TopologyNode } from './types.js';

const ROLES: readonly NodeRole[] = ['control-plane', 'worker'];
const EFFECTS: readonly Taint['effect'][] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** The taint kubeadm puts on control-plane nodes. */
export const CONTROL_PLANE_TAINT: Taint = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule',
};

function resolveCapacity(value: unknown, path: string, ctx: ResolveContext): NodeCapacity {
  const raw = section(value);
  const quantity = (field: 'cpu' | 'memory', fallback: string): string => {
    const v = raw[field];
    if (v === undefined || v === null) return fallback;
    const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
    if (!q || q.n <= 0n) {
      ctx.problems.push({
        path: `${path}.${field}`,
        message: `${JSON.stringify(v)} must be a positive quantity (e.g. 4, 500m, 8Gi)`,
      });
      return fallback;
    }
    return String(v);
  };
  const pods = typeof raw.pods === 'number' ? raw.pods : 110;
  if (pods < 1) ctx.problems.push({ path: `${path}.pods`, message: `${pods} must be at least 1` });
  return { cpu: quantity('cpu', '4'), memory: quantity('memory', '8Gi'), pods };
}

/** A topology label map (node labels, the ingress nodeSelector), its keys and values checked as the API server does. */
export function resolveLabels(value: unknown, path: string, ctx: ResolveContext): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(section(value))) {
    const text = typeof v === 'string' ? v : '';
    for (const m of isQualifiedName(k))
      ctx.problems.push({ path: `${path}[${k}]`, message: `invalid label key: ${m}` });
    for (const m of isValidLabelValue(text))
      ctx.problems.push({
        path: `${path}[${k}]`,
        message: `invalid label value ${JSON.stringify(text)}: ${m}`,
      });
    labels[k] = text;
  }
  return labels;
}

function resolveTaints(value: unknown, path: string, ctx: ResolveContext): Taint[] {
  return (Array.isArray(value) ? value : []).map((raw, i) => {
    const t = section(raw);
    const p = `${path}[${i}]`;
    const key = typeof t.key === 'string' ? t.key : '';
    for (const m of isQualifiedName(key))
      ctx.problems.push({ path: `${p}.key`, message: `invalid taint key ${JSON.stringify(key)}: ${m}` });
    const effect =
      t.effect === undefined ? undefined : enumField(t.effect, `${p}.effect`, EFFECTS, 'NoSchedule', ctx);
    if (effect === undefined)
      ctx.problems.push({ path: `${p}.effect`, message: `required: one of ${EFFECTS.join(', ')}` });
    const taint: Taint = { key, effect: effect ?? 'NoSchedule' };
    return typeof t.value === 'string' ? { ...taint, value: t.value } : taint;
  });
}

interface RawNode {
  readonly raw: Record<string, unknown>;
  readonly path: string;
  readonly name: string;
  readonly role: NodeRole;
}

function checkNames(list: readonly unknown[], ctx: ResolveContext): RawNode[] {
  const seen = new Map<string, string>();
  return list.map((value, i) => {
    const raw = section(value);
    const path = `nodes[${i}]`;
    const name = typeof raw.name === 'string' ? raw.name : '';
    if (!name) ctx.problems.push({ path: `${path}.name`, message: 'required' });
    else {
      for (const m of isDNS1123Subdomain(name))
        ctx.problems.push({ path: `${path}.name`, message: `${JSON.stringify(name)}: ${m}` });
      if (name.length > 63)
        ctx.problems.push({
          path: `${path}.name`,
          message: `${JSON.stringify(name)} must be no more than 63 characters (it is the kubernetes.io/hostname label)`,
        });
      const earlier = seen.get(name);
      if (earlier)
        ctx.problems.push({
          path: `${path}.name`,
          message: `duplicate node name ${JSON.stringify(name)} (also ${earlier}.name)`,
        });
      seen.set(name, path);
    }
    return { raw, path, name, role: enumField(raw.role, `${path}.role`, ROLES, 'worker', ctx) };
  });
}

/** Assigns addresses: explicit ones are checked; the rest get the next free host of `nodeSubnet`, in node order. */
function assignAddresses(
  nodes: readonly RawNode[],
  networking: NetworkingConfig,
  ctx: ResolveContext,
): string[] {
  const taken = new Map<string, string>();
  const lbPool = parseIPv4Cidr(networking.loadBalancerPool);
  const explicit = nodes.map((n) => (typeof n.raw.address === 'string' ? n.raw.address : undefined));
  explicit.forEach((address, i) => {
    const node = nodes[i];
    if (address === undefined || !node) return;
    const path = `${node.path}.address`;
    const ip = parseIPv4(address);
    if (ip === undefined) {
      ctx.problems.push({ path, message: `${JSON.stringify(address)} is not an IPv4 address` });
      return;
    }
    if (!ctx.allowNonLoopback && !isLoopback(address)) {
      ctx.problems.push({
        path,
        message: `${address} is outside 127.0.0.0/8; set allowNonLoopback: true to use non-loopback addresses`,
      });
    }
    if (lbPool && cidrContains(lbPool, ip))
      ctx.problems.push({
        path,
        message: `${address} is inside networking.loadBalancerPool ${networking.loadBalancerPool}`,
      });
    const owner = taken.get(formatIPv4(ip));
    if (owner)
      ctx.problems.push({
        path,
        message: `${address} is already the address of node ${JSON.stringify(owner)}`,
      });
    taken.set(formatIPv4(ip), node.name);
  });
  const subnet = parseIPv4Cidr(networking.nodeSubnet);
  let next = 1;
  return nodes.map((node, i) => {
    const given = explicit[i];
    if (given !== undefined) return formatIPv4(parseIPv4(given) ?? 0);
    if (!subnet) return '';
    while (next < cidrSize(subnet) - 1 && taken.has(formatIPv4(subnet.network + next))) next++;
    if (next >= cidrSize(subnet) - 1 && cidrSize(subnet) > 2) {
      ctx.problems.push({
        path: `${node.path}.address`,
        message: `networking.nodeSubnet ${networking.nodeSubnet} has no free address left for this node`,
      });
      return '';
    }
    const address = formatIPv4(subnet.network + next++);
    taken.set(address, node.name);
    return address;
  });
}

/** Resolves and checks `nodes`. */
export function resolveNodes(
  value: unknown,
  networking: NetworkingConfig,
  ctx: ResolveContext,
): TopologyNode[] {
  const list = Array.isArray(value) ? value : [];
  if (list.length === 0) {
    ctx.problems.push({ path: 'nodes', message: 'at least one node is required' });
    return [];
  }
  const raws = checkNames(list, ctx);
  if (!raws.some((n) => n.role === 'control-plane')) {
    ctx.problems.push({ path: 'nodes', message: 'at least one node must have role control-plane' });
  }
  const hasWorkers = raws.some((n) => n.role === 'worker');
  const addresses = assignAddresses(raws, networking, ctx);
  return raws.map((n, i) => {
    const labels: Record<string, string> = {
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': n.name,
      'kubernetes.io/os': 'linux',
      ...(n.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      ...resolveLabels(n.raw.labels, `${n.path}.labels`, ctx),
    };
    const taints =
      n.raw.taints !== undefined && n.raw.taints !== null
        ? resolveTaints(n.raw.taints, `${n.path}.taints`, ctx)
        : n.role === 'control-plane' && hasWorkers
          ? [CONTROL_PLANE_TAINT]
          : [];
    return {
      name: n.name,
      role: n.role,
      address: addresses[i] ?? '',
      capacity: resolveCapacity(n.raw.capacity, `${n.path}.capacity`, ctx),
      labels,
      taints,
    };
  });
}
