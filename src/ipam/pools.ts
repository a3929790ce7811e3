/**
 * IP pools as the allocator uses them, and the pure decisions about them:
 * defaults (reference calico.md §1.2), the default pool built from the topology,
 * and which pools a request may use (§1.3, Calico `determinePools` +
 * `filterPoolsByUse`), with Calico's error texts.
 */
import type { NetworkingConfig } from '../topology/types.js';
import { type CalicoSelector, type Labels, parseCalicoSelector } from './calico-selector.js';
import { type Cidr, cidrContains, formatCidr, networkOf, parseCidr } from './ipv4.js';
import type { AllowedUse, AssignmentMode, EncapMode, IPPool, IPPoolSpec } from './objects.js';
import { CALICO_API_VERSION } from './objects.js';

/** Name Calico gives the pool it creates when none exists. */
export const DEFAULT_POOL_NAME = 'default-ipv4-ippool';

/** A stored IPPool, parsed and defaulted. */
export interface Pool {
  readonly name: string;
  readonly cidr: Cidr;
  readonly cidrText: string;
  readonly blockSize: number;
  readonly ipipMode: EncapMode;
  readonly vxlanMode: EncapMode;
  readonly natOutgoing: boolean;
  readonly disabled: boolean;
  readonly nodeSelector: CalicoSelector;
  readonly namespaceSelector: CalicoSelector;
  readonly allowedUses: readonly AllowedUse[];
  readonly assignmentMode: AssignmentMode;
}

/** The pool fields' defaults when omitted (Calico `ippool.mdx`). */
export const POOL_DEFAULTS = {
  blockSize: 26,
  ipipMode: 'Never',
  vxlanMode: 'Never',
  natOutgoing: false,
  disabled: false,
  nodeSelector: 'all()',
  allowedUses: ['Workload', 'Tunnel'],
  assignmentMode: 'Automatic',
} as const satisfies Required<Omit<IPPoolSpec, 'cidr' | 'namespaceSelector'>>;

/** Fills the defaults of a spec (what the admission plugin stores). */
export function defaultPoolSpec(spec: IPPoolSpec): IPPoolSpec {
  return {
    ...spec,
    blockSize: spec.blockSize ?? POOL_DEFAULTS.blockSize,
    ipipMode: spec.ipipMode ?? POOL_DEFAULTS.ipipMode,
    vxlanMode: spec.vxlanMode ?? POOL_DEFAULTS.vxlanMode,
    natOutgoing: spec.natOutgoing ?? POOL_DEFAULTS.natOutgoing,
    nodeSelector: spec.nodeSelector ?? POOL_DEFAULTS.nodeSelector,
    allowedUses: spec.allowedUses ?? [...POOL_DEFAULTS.allowedUses],
    ...(spec.disabled === undefined ? {} : { disabled: spec.disabled }),
    ...(spec.assignmentMode === undefined ? {} : { assignmentMode: spec.assignmentMode }),
  };
}

/**
 * Parses a stored IPPool. Undefined when it cannot be used (bad CIDR or
 * selector): admission keeps such pools out, so this only guards hand-edited state.
 */
export function toPool(obj: IPPool): Pool | undefined {
  const spec = obj.spec ?? ({} as IPPoolSpec);
  const cidr = typeof spec.cidr === 'string' ? parseCidr(spec.cidr) : undefined;
  const node = parseCalicoSelector(spec.nodeSelector ?? POOL_DEFAULTS.nodeSelector);
  const ns = parseCalicoSelector(spec.namespaceSelector ?? '');
  if (!cidr || !node.ok || !ns.ok) return undefined;
  const plain: Cidr = { network: cidr.network, prefix: cidr.prefix };
  return {
    name: obj.metadata.name ?? '',
    cidr: plain,
    cidrText: formatCidr(plain),
    blockSize: spec.blockSize ?? POOL_DEFAULTS.blockSize,
    ipipMode: spec.ipipMode ?? POOL_DEFAULTS.ipipMode,
    vxlanMode: spec.vxlanMode ?? POOL_DEFAULTS.vxlanMode,
    natOutgoing: spec.natOutgoing ?? POOL_DEFAULTS.natOutgoing,
    disabled: spec.disabled ?? POOL_DEFAULTS.disabled,
    nodeSelector: node.selector,
    namespaceSelector: ns.selector,
    allowedUses: spec.allowedUses ?? POOL_DEFAULTS.allowedUses,
    assignmentMode: spec.assignmentMode ?? POOL_DEFAULTS.assignmentMode,
  };
}

/**
 * The pool calico/node creates when the cluster has none (`configureIPPools`):
 * the kubeadm podSubnet (the topology's), blockSize from the topology, IPIP
 * `Always` or VXLAN `Always` per the topology's encapsulation, natOutgoing true.
 */
export function defaultPool(networking: Pick<NetworkingConfig, 'podSubnet' | 'ipam'>): IPPool {
  const enc = networking.ipam.encapsulation;
  return {
    apiVersion: CALICO_API_VERSION,
    kind: 'IPPool',
    metadata: { name: DEFAULT_POOL_NAME },
    spec: {
      cidr: networking.podSubnet,
      blockSize: networking.ipam.blockSize,
      ipipMode: enc === 'IPIP' ? 'Always' : 'Never',
      vxlanMode: enc === 'VXLAN' ? 'Always' : 'Never',
      natOutgoing: true,
      nodeSelector: 'all()',
      allowedUses: ['Workload', 'Tunnel'],
    },
  };
}

/** What a request asks of the pools. */
export interface PoolRequest {
  readonly nodeName: string;
  readonly nodeLabels: Labels;
  /** Undefined for requests without a namespace (tunnel addresses). */
  readonly namespaceLabels?: Labels | undefined;
  /** Pool names or CIDRs (annotation `cni.projectcalico.org/ipv4pools`), in order. */
  readonly requested?: readonly string[] | undefined;
  readonly use: AllowedUse;
}

export type PoolChoice =
  | { readonly ok: true; readonly pools: readonly Pool[] }
  | { readonly ok: false; readonly error: string };

/**
 * The pools a request may use, in the order to try them. Enabled pools sort by
 * name; requested pools are used as given, selectors ignored; otherwise pools
 * whose nodeSelector (and namespaceSelector) match, in Automatic mode; then
 * only pools allowing the intended use.
 */
export function choosePools(all: readonly Pool[], req: PoolRequest): PoolChoice {
  const enabled = all
    .filter((p) => !p.disabled)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (enabled.length === 0) return { ok: false, error: 'cannot find a qualified ippool' };
  let selecting: Pool[];
  if (req.requested && req.requested.length > 0) {
    selecting = [];
    for (const r of req.requested) {
      const byName = all.find((p) => p.name === r);
      const cidr = byName ? byName.cidr : parseCidr(r);
      if (!cidr) return { ok: false, error: `the given pool (${r}) is not a valid CIDR or IP pool name` };
      const text = formatCidr({ network: cidr.network, prefix: cidr.prefix });
      const pool = enabled.find((p) => p.cidrText === text);
      if (!pool) return { ok: false, error: `the given pool (${text}) does not exist, or is not enabled` };
      selecting.push(pool);
    }
  } else {
    selecting = enabled.filter(
      (p) =>
        p.assignmentMode === 'Automatic' &&
        p.nodeSelector.matches(req.nodeLabels) &&
        (req.namespaceLabels === undefined || p.namespaceSelector.matches(req.namespaceLabels)),
    );
  }
  if (selecting.length === 0)
    return { ok: false, error: `no configured Calico pools for node ${req.nodeName}` };
  const allowed = selecting.filter((p) => p.allowedUses.includes(req.use));
  if (allowed.length === 0) {
    return {
      ok: false,
      error: `cannot find a qualified ippool, no pools match the required use (${req.use})`,
    };
  }
  return { ok: true, pools: allowed };
}

/** Stands for absent labels in the cache's keys. */
const NO_LABELS: object = {};

/**
 * `choosePools` memoised for requests that name no pools (the CNI plugin's
 * common case). The choice then depends only on the pool list and the node's
 * and namespace's labels, all immutable store objects, so it is kept per
 * (pool list, node labels, namespace labels, use) by identity; a new pool
 * list (`IpamStore.pools` returns a new one when any pool changed) starts
 * afresh. Only successful choices are kept: errors name the node.
 */
export class PoolChoiceCache {
  #pools: readonly Pool[] | undefined;
  #choices = new WeakMap<object, WeakMap<object, Partial<Record<AllowedUse, PoolChoice>>>>();

  /**
   * The choice kept for a request with these fields, if any: what `choose`
   * would return, without building the request (the allocator asks this
   * first on every assignment).
   */
  kept(
    all: readonly Pool[],
    requested: readonly string[] | undefined,
    nodeLabels: Labels,
    namespaceLabels: Labels,
    use: AllowedUse,
  ): PoolChoice | undefined {
    if ((requested && requested.length > 0) || all !== this.#pools) return undefined;
    return this.#choices.get(nodeLabels ?? NO_LABELS)?.get(namespaceLabels ?? NO_LABELS)?.[use];
  }

  choose(all: readonly Pool[], req: PoolRequest): PoolChoice {
    if (req.requested && req.requested.length > 0) return choosePools(all, req);
    if (all !== this.#pools) {
      this.#pools = all;
      this.#choices = new WeakMap();
    }
    const nodeKey = req.nodeLabels ?? NO_LABELS;
    const namespaceKey = req.namespaceLabels ?? NO_LABELS;
    let byNamespace = this.#choices.get(nodeKey);
    if (byNamespace === undefined) {
      byNamespace = new WeakMap();
      this.#choices.set(nodeKey, byNamespace);
    }
    let byUse = byNamespace.get(namespaceKey);
    if (byUse === undefined) {
      byUse = {};
      byNamespace.set(namespaceKey, byUse);
    }
    const cached = byUse[req.use];
    if (cached !== undefined) return cached;
    const choice = choosePools(all, req);
    if (choice.ok) byUse[req.use] = choice;
    return choice;
  }
}

/** The pool containing an address (all pools, disabled included), if any. */
export function poolForIP(pools: readonly Pool[], ip: number): Pool | undefined {
  return pools.find((p) => cidrContains(p.cidr, ip));
}

/** The block of a pool that contains `ip`. */
export function blockForIP(pool: Pool, ip: number): Cidr {
  return networkOf(ip, pool.blockSize);
}

/** Encapsulation of traffic to the pool's blocks, as the route programmer sees it. */
export function poolEncapsulation(pool: Pool): {
  readonly kind: 'IPIP' | 'VXLAN' | 'None';
  readonly crossSubnet: boolean;
} {
  if (pool.vxlanMode !== 'Never') return { kind: 'VXLAN', crossSubnet: pool.vxlanMode === 'CrossSubnet' };
  if (pool.ipipMode !== 'Never') return { kind: 'IPIP', crossSubnet: pool.ipipMode === 'CrossSubnet' };
  return { kind: 'None', crossSubnet: false };
}
