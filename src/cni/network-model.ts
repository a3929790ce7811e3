/**
 * The pod network's read model: which pod has which address on which node
 * behind which veth, which node owns which block, and every node's routes.
 * The dataplane and the tracer read it to deliver and explain packets (same
 * node → the pod's veth; other node → the route's node, encapsulated as the
 * route says). `netkube routes NODE` prints its tables.
 *
 * Kept current incrementally by its writers (the store sync in Calico mode,
 * the host-local plugin), and shared rather than copied per node: the model
 * holds one index of blocks (or podCIDRs), one of pods and one of borrowed
 * addresses; a node's routes are what those imply from that node's point of
 * view (`route-view.ts`). A pod coming or going is one map write; a block
 * claim is one map write; nothing is recomputed per node. A node's route
 * listing is derived when asked and cached until something changes.
 */
import { type Cidr, formatCidr, formatIPv4, maskOf, parseCidr, parseIPv4, sizeOf } from '../ipam/ipv4.js';
import {
  type BlockState,
  type NetworkMode,
  type NetworkReadModelConfig,
  type NodeNetwork,
  type NodeState,
  type PodAttachment,
  podAttachment,
} from './model-types.js';
import { masqueradesOutgoing, type NatPool } from './nat-outgoing.js';
import { connectedSubnet, NO_ENCAPSULATION, type PoolMode } from './route-rules.js';
import { lookupOn, routesOf } from './route-view.js';
import type { Route } from './routes.js';

export {
  type BlockState,
  CALICO_POD_GATEWAY,
  type NetworkMode,
  type NetworkReadModelConfig,
  type NodeNetwork,
  type NodeState,
  type PodAttachment,
} from './model-types.js';

const FIRST_POD_IFINDEX = 10;

function rangeKey(cidr: Cidr): number {
  return cidr.network * 64 + cidr.prefix;
}

export class NetworkReadModel {
  readonly mode: NetworkMode;
  readonly nodeSubnet: string | undefined;
  readonly nodes = new Map<string, NodeState>();
  /** Blocks (or podCIDRs) by `network * 64 + prefix`. */
  readonly blocks = new Map<number, BlockState>();
  /** Prefix lengths of the blocks present, with how many blocks have each. */
  readonly blockPrefixes = new Map<number, number>();
  readonly pods = new Map<number, PodAttachment>();
  /** Borrowed pod addresses → the borrowing node. */
  readonly borrowed = new Map<number, string>();
  /** How many nodes have each address (for the LAN router choice). */
  readonly nodeAddresses = new Map<number, number>();
  /** Bumped by every change that can alter any node's routes. */
  version = 0;
  /** Bumped by node changes only (addresses, subnets: what the nodes' own routes depend on). */
  nodesVersion = 0;
  readonly #byName = new Map<string, number>();
  /** Tunnel address → node. */
  readonly #tunnels = new Map<string, string>();
  readonly #listings = new Map<string, { version: number; routes: readonly Route[] }>();
  /** Calico mode: the IPPools' CIDRs and natOutgoing flags (`setPools`). */
  #pools: readonly NatPool[] = [];

  constructor(config: NetworkReadModelConfig) {
    this.mode = config.mode;
    this.nodeSubnet = config.nodeSubnet;
  }

  // ---- reads ----

  /** The pod holding `ip`, if any. */
  podByIP(ip: string | number): PodAttachment | undefined {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    return n === undefined ? undefined : this.pods.get(n);
  }

  /** A pod by namespace and name. */
  pod(namespace: string, name: string): PodAttachment | undefined {
    const ip = this.#byName.get(`${namespace}/${name}`);
    return ip === undefined ? undefined : this.pods.get(ip);
  }

  podsOnNode(node: string): PodAttachment[] {
    return [...(this.nodes.get(node)?.pods ?? [])].map((ip) => this.pods.get(ip) as PodAttachment);
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()].sort();
  }

  node(name: string): NodeNetwork | undefined {
    const n = this.nodes.get(name);
    if (!n) return undefined;
    return {
      name,
      address: n.address === undefined ? undefined : formatIPv4(n.address),
      podCIDR: n.podCidr ? formatCidr(n.podCidr) : undefined,
      ipipTunnel: n.ipipTunnel,
      vxlanTunnel: n.vxlanTunnel,
    };
  }

  /** The node's routes in `ip route` order (cached until a change); undefined for an unknown node. */
  routes(node: string): readonly Route[] | undefined {
    if (!this.nodes.has(node)) return undefined;
    const cached = this.#listings.get(node);
    if (cached?.version === this.version) return cached.routes;
    const routes = routesOf(this, node);
    this.#listings.set(node, { version: this.version, routes });
    return routes;
  }

  /** The route `node` uses for `dst` (longest prefix match, as over `routes(node)`); undefined when none. */
  lookupRoute(node: string, dst: string | number): Route | undefined {
    const ip = typeof dst === 'number' ? dst : parseIPv4(dst);
    return ip === undefined ? undefined : lookupOn(this, node, ip);
  }

  /** The block (or podCIDR) containing `ip`, with its owner node. */
  blockOf(ip: string | number): BlockState | undefined {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    if (n === undefined) return undefined;
    for (const prefix of this.blockPrefixes.keys()) {
      const b = this.blocks.get(((n & maskOf(prefix)) >>> 0) * 64 + prefix);
      if (b) return b;
    }
    return undefined;
  }

  /**
   * Whether a packet from `src` to `dst` is masqueraded as it leaves a node
   * (Calico's natOutgoing, `nat-outgoing.ts`): `src` in a natOutgoing pool,
   * `dst` in no pool. host-local mode: `src` in a node's podCIDR, `dst` in none.
   */
  natOutgoing(src: string, dst: string): boolean {
    const s = parseIPv4(src);
    const d = parseIPv4(dst);
    if (s === undefined || d === undefined) return false;
    if (this.mode === 'host-local') return this.blockOf(s) !== undefined && this.blockOf(d) === undefined;
    return masqueradesOutgoing(this.#pools, s, d);
  }

  /** The node `ip` lives on: its pod's node, else its block's owner. */
  nodeOf(ip: string | number): string | undefined {
    return this.podByIP(ip)?.node ?? this.blockOf(ip)?.owner;
  }

  // ---- writes (the store sync and the plugins) ----

  #changed(): void {
    this.version++;
  }

  /** Adds or updates a node (address from its InternalIP, podCIDR from its spec). */
  upsertNode(
    name: string,
    info: { readonly address?: string | undefined; readonly podCIDR?: string | undefined },
  ): void {
    const address = info.address === undefined ? undefined : parseIPv4(info.address);
    const parsed = info.podCIDR ? parseCidr(info.podCIDR) : undefined;
    const podCidr = parsed ? { network: parsed.network, prefix: parsed.prefix } : undefined;
    let node = this.nodes.get(name);
    if (
      node &&
      node.address === address &&
      node.podCidr?.network === podCidr?.network &&
      node.podCidr?.prefix === podCidr?.prefix
    ) {
      return;
    }
    if (!node) {
      node = {
        name,
        address: undefined,
        subnet: undefined,
        vxlanTunnel: undefined,
        ipipTunnel: undefined,
        podCidr: undefined,
        nextIfindex: FIRST_POD_IFINDEX,
        pods: new Set(),
      };
      this.nodes.set(name, node);
    }
    this.#setAddress(node, address);
    this.nodesVersion++;
    if (this.mode === 'host-local') {
      if (node.podCidr) this.#removeRange(node.podCidr);
      if (podCidr) this.#setRange({ cidr: podCidr, owner: name, mode: NO_ENCAPSULATION });
    }
    node.podCidr = podCidr;
    this.#changed();
  }

  #setAddress(node: NodeState, address: number | undefined): void {
    if (node.address !== undefined) {
      const left = (this.nodeAddresses.get(node.address) ?? 1) - 1;
      if (left > 0) this.nodeAddresses.set(node.address, left);
      else this.nodeAddresses.delete(node.address);
    }
    node.address = address;
    node.subnet = address === undefined ? undefined : connectedSubnet(address, this.nodeSubnet);
    if (address !== undefined) this.nodeAddresses.set(address, (this.nodeAddresses.get(address) ?? 0) + 1);
  }

  /** Forgets a node; in host-local mode its pods go with it (their state lived on the node). */
  removeNode(name: string): void {
    const node = this.nodes.get(name);
    if (!node) return;
    if (this.mode === 'host-local') {
      for (const p of this.podsOnNode(name)) this.removePod(p.ip);
      if (node.podCidr) this.#removeRange(node.podCidr);
    }
    this.#setAddress(node, undefined);
    for (const ip of [node.ipipTunnel, node.vxlanTunnel])
      if (ip !== undefined && this.#tunnels.get(ip) === name) this.#tunnels.delete(ip);
    this.nodesVersion++;
    this.nodes.delete(name);
    this.#listings.delete(name);
    this.#changed();
  }

  /** Records a node's tunnel address (`tunl0` / `vxlan.calico`), or its removal. */
  setTunnel(node: string, type: 'ipip' | 'vxlan', ip: string | undefined): void {
    const n = this.nodes.get(node);
    if (!n) return;
    const previous = type === 'ipip' ? n.ipipTunnel : n.vxlanTunnel;
    if (previous !== undefined && this.#tunnels.get(previous) === node) this.#tunnels.delete(previous);
    if (type === 'ipip') n.ipipTunnel = ip;
    else n.vxlanTunnel = ip;
    if (ip !== undefined) this.#tunnels.set(ip, node);
    this.#changed();
  }

  /** The node whose `tunl0` or `vxlan.calico` has `ip` (the source masquerade gives traffic to remote pods). */
  nodeByTunnel(ip: string): string | undefined {
    return this.#tunnels.get(ip);
  }

  /** Replaces the pools natOutgoing reads (Calico mode; the store sync calls it on every IPPool change). */
  setPools(pools: readonly NatPool[]): void {
    this.#pools = pools;
  }

  /** Adds or updates a block: its owner (confirmed affinity) and its pool's encapsulation. */
  upsertBlock(cidr: Cidr, owner: string | undefined, mode: PoolMode = NO_ENCAPSULATION): void {
    const prev = this.blocks.get(rangeKey(cidr));
    if (
      prev &&
      prev.owner === owner &&
      prev.mode.kind === mode.kind &&
      prev.mode.crossSubnet === mode.crossSubnet
    )
      return;
    this.#setRange({ cidr, owner, mode });
    this.#reclassify(cidr);
  }

  removeBlock(cidr: Cidr): void {
    if (this.#removeRange(cidr)) this.#reclassify(cidr);
  }

  #setRange(block: BlockState): void {
    const key = rangeKey(block.cidr);
    if (!this.blocks.has(key))
      this.blockPrefixes.set(block.cidr.prefix, (this.blockPrefixes.get(block.cidr.prefix) ?? 0) + 1);
    this.blocks.set(key, block);
    this.#changed();
  }

  #removeRange(cidr: Cidr): boolean {
    if (!this.blocks.delete(rangeKey(cidr))) return false;
    const left = (this.blockPrefixes.get(cidr.prefix) ?? 1) - 1;
    if (left > 0) this.blockPrefixes.set(cidr.prefix, left);
    else this.blockPrefixes.delete(cidr.prefix);
    this.#changed();
    return true;
  }

  /** Attaches a pod: its veth and address; its routes follow from the indexes. */
  addPod(p: {
    readonly ip: string;
    readonly namespace: string;
    readonly pod: string;
    readonly node: string;
  }): PodAttachment {
    const ip = parseIPv4(p.ip);
    if (ip === undefined) throw new RangeError(`Pod IP ${p.ip} is not an IPv4 address`);
    this.removePod(ip);
    const node = this.nodes.get(p.node);
    const block = this.blockOf(ip);
    const attachment = podAttachment(p, {
      mode: this.mode,
      podCidr: node?.podCidr,
      blockMode: block?.mode,
      hostIfindex: node ? node.nextIfindex++ : 0,
    });
    this.pods.set(ip, attachment);
    this.#byName.set(`${p.namespace}/${p.pod}`, ip);
    node?.pods.add(ip);
    if (this.mode === 'calico' && block && block.owner !== p.node) this.borrowed.set(ip, p.node);
    this.#changed();
    return attachment;
  }

  /** Detaches the pod holding `ip` (no-op when none). */
  removePod(ip: string | number): void {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    const p = n === undefined ? undefined : this.pods.get(n);
    if (n === undefined || !p) return;
    this.pods.delete(n);
    this.borrowed.delete(n);
    this.nodes.get(p.node)?.pods.delete(n);
    if (this.#byName.get(`${p.namespace}/${p.pod}`) === n) this.#byName.delete(`${p.namespace}/${p.pod}`);
    this.#changed();
  }

  /**
   * Re-evaluates which pods inside `cidr` are borrowed (after its owner
   * changed), probing each address: blocks have at most 4,096 (blockSize ≥ 20).
   */
  #reclassify(cidr: Cidr): void {
    if (this.mode === 'host-local') return;
    for (let i = 0; i < sizeOf(cidr.prefix); i++) {
      const pod = this.pods.get(cidr.network + i);
      if (!pod) continue;
      const block = this.blockOf(cidr.network + i);
      if (block && block.owner !== pod.node) this.borrowed.set(cidr.network + i, pod.node);
      else this.borrowed.delete(cidr.network + i);
    }
  }
}
