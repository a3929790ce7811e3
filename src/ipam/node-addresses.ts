/**
 * What calico/node and kube-controllers do per node (reference calico.md §1.7,
 * §1.8): the tunnel addresses a node gets at start-up, before any pod (handle
 * `ipip-tunnel-addr-<node>` / `vxlan-tunnel-addr-<node>`, `node/pkg/allocateip`),
 * releasing everything of a deleted node, and the IPAM garbage collector's
 * release of empty affine blocks (never a node's last one).
 */
import type { Clock } from '../util/clock.js';
import type { CalicoIpam } from './allocator.js';
import { releaseAffinity } from './claims.js';
import { parseCidr } from './ipv4.js';
import { blockName, type IPAMBlock } from './objects.js';
import type { Pool } from './pools.js';

export type TunnelType = 'ipip' | 'vxlan';

/** The `type` attribute Calico writes on tunnel allocations. */
export const TUNNEL_ATTRIBUTE: Readonly<Record<TunnelType, string>> = {
  ipip: 'ipipTunnelAddress',
  vxlan: 'vxlanTunnelAddress',
};

/** `ipip-tunnel-addr-<node>` / `vxlan-tunnel-addr-<node>`. */
export function tunnelHandle(type: TunnelType, node: string): string {
  return `${type}-tunnel-addr-${node}`;
}

function wantsTunnel(pool: Pool, type: TunnelType): boolean {
  const mode = type === 'ipip' ? pool.ipipMode : pool.vxlanMode;
  return !pool.disabled && mode !== 'Never' && pool.allowedUses.includes('Tunnel');
}

/**
 * Gives the node the tunnel addresses its pools call for, keeps valid ones and
 * releases those no pool wants any more (`reconcileTunnelAddrs`). Idempotent;
 * throws the allocator's errors (nothing written) when a pool is exhausted.
 */
export function reconcileTunnelAddresses(
  ipam: CalicoIpam,
  node: string,
): { readonly ipip?: string; readonly vxlan?: string } {
  return ipam.io.transaction(() => {
    const labels = ipam.io.labelsOf('nodes', node);
    const out: { ipip?: string; vxlan?: string } = {};
    for (const type of ['ipip', 'vxlan'] as const) {
      const handle = tunnelHandle(type, node);
      const pools = ipam.io.pools().filter((p) => wantsTunnel(p, type) && p.nodeSelector.matches(labels));
      const current = ipam.ipsByHandle(handle);
      const keep = current.length === 1 && pools.some((p) => ipam.poolOf(current[0] as string) === p.name);
      if (keep) {
        out[type] = current[0] as string;
        continue;
      }
      if (current.length > 0) ipam.releaseByHandleInTransaction(handle);
      if (pools.length === 0) continue;
      const [ip] = ipam.assign({
        node,
        handleID: handle,
        attrs: { node, type: TUNNEL_ATTRIBUTE[type] },
        use: 'Tunnel',
        pools: pools.map((p) => p.cidrText),
      });
      if (ip !== undefined) out[type] = ip;
    }
    return out;
  });
}

/**
 * Releases everything of a deleted node (kube-controllers node controller):
 * every handle with an allocation attributed to it (pods and tunnels), then
 * every affinity — empty blocks go, others stay borrow-only until emptied.
 */
export function releaseNode(
  ipam: CalicoIpam,
  node: string,
): { readonly handles: number; readonly blocks: number } {
  return ipam.io.transaction(() => {
    const handles = new Set<string>();
    for (const stored of ipam.io.blocks()) {
      for (const attr of stored.spec.attributes) {
        if (attr.secondary?.node === node && attr.handle_id) handles.add(attr.handle_id);
      }
    }
    for (const h of handles) ipam.releaseByHandleInTransaction(h);
    let blocks = 0;
    for (const aff of ipam.io.affinitiesOf(node)) {
      const cidr = parseCidr(aff.spec.cidr);
      if (!cidr) continue;
      releaseAffinity(ipam.io, node, { network: cidr.network, prefix: cidr.prefix }, { requireEmpty: false });
      blocks++;
    }
    return { handles: handles.size, blocks };
  });
}

export interface EmptyBlockCollectorConfig {
  readonly ipam: CalicoIpam;
  readonly clock: Clock;
  /**
   * How long a block must stay empty before its affinity is released. netkube
   * uses kube-controllers' leak grace period (15 min) for this too. @default 900_000
   */
  readonly gracePeriodMs?: number;
}

/**
 * The kube-controllers IPAM GC for empty blocks (`blockReleaseTracker`): a block
 * seen empty on two passes at least `gracePeriodMs` apart loses its affinity and
 * is deleted, unless it is its node's last affine block. Call `collect()` on a
 * timer (the emulator does); each call is one transaction.
 */
export class EmptyBlockCollector {
  readonly #ipam: CalicoIpam;
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #firstSeenEmpty = new Map<string, number>();

  constructor(config: EmptyBlockCollectorConfig) {
    this.#ipam = config.ipam;
    this.#clock = config.clock;
    this.#graceMs = config.gracePeriodMs ?? 900_000;
    if (this.#graceMs < 0) throw new RangeError(`gracePeriodMs must be >= 0, got ${this.#graceMs}`);
  }

  /** One GC pass. Returns the CIDRs of the blocks released. */
  collect(): string[] {
    const now = this.#clock.now();
    return this.#ipam.io.transaction(() => {
      const byNode = new Map<string, IPAMBlock[]>();
      for (const b of this.#ipam.io.blocks()) {
        const node = b.spec.affinity?.startsWith('host:') ? b.spec.affinity.slice(5) : undefined;
        if (node !== undefined) byNode.set(node, [...(byNode.get(node) ?? []), b]);
      }
      const released: string[] = [];
      const seen = new Set<string>();
      for (const [node, blocks] of byNode) {
        let remaining = blocks.length;
        for (const b of blocks) {
          if (b.spec.unallocated.length !== b.spec.allocations.length) continue;
          const name = b.metadata.name ?? '';
          seen.add(name);
          const first = this.#firstSeenEmpty.get(name);
          if (first === undefined) this.#firstSeenEmpty.set(name, now);
          if (first === undefined || now - first < this.#graceMs || remaining <= 1) continue;
          const cidr = parseCidr(b.spec.cidr);
          if (!cidr) continue;
          if (releaseAffinity(this.#ipam.io, node, cidr, { requireEmpty: true })) {
            remaining--;
            released.push(b.spec.cidr);
            this.#firstSeenEmpty.delete(blockName(cidr));
          }
        }
      }
      for (const name of this.#firstSeenEmpty.keys()) if (!seen.has(name)) this.#firstSeenEmpty.delete(name);
      return released;
    });
  }
}
