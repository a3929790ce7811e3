/**
 * The pod network's read model: which pod has which address on which node
 * behind which veth, which node owns which block, and every node's routes.
 * The dataplane and the tracer read it to deliver and explain packets (same
 * node → the pod's veth; other node → the route's node, encapsulated as the
 * route says). `netkube routes NODE` prints its tables.
 *
 * It is kept current incrementally by its writers (the store sync in Calico
 * mode, the host-local plugin): a pod coming or going touches one route on its
 * node (and, for a borrowed address, one `/32` on every other node); a block
 * claim touches one route per node. Nothing recomputes whole tables per pod.
 * Writers and readers run on the one JS thread; reads never see a half update.
 */
import { type Cidr, formatCidr, formatIPv4, maskOf, parseCidr, parseIPv4, sizeOf } from '../ipam/ipv4.js';
import { NO_ENCAPSULATION, type NodeView, type PoolMode, podMtu } from './route-rules.js';
import type { RouteTable } from './route-table.js';
import { RouteWriter } from './route-writer.js';
import type { Encapsulation, Route } from './routes.js';
import { bridgeVethName, vethNameForWorkload } from './veth.js';

export type NetworkMode = 'calico' | 'host-local';

/** A pod attached to the network. */
export interface PodAttachment {
  readonly ip: string;
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
  /** Host-side interface (`cali…` or `veth…`). */
  readonly veth: string;
  /** Index of the host-side interface (`eth0@if<N>` inside the pod). */
  readonly hostIfindex: number;
  readonly mode: NetworkMode;
  readonly mtu: number;
  /** How traffic to this pod's block travels between nodes (`None` for host-local). */
  readonly encapsulation: Encapsulation;
  /** Prefix length on eth0: 32 under Calico, the podCIDR's under host-local. */
  readonly prefixLength: number;
  /** The pod's default gateway: 169.254.1.1 (Calico) or the bridge's `.1`. */
  readonly gateway: string;
}

/** What the model knows about a node. */
export interface NodeNetwork {
  readonly name: string;
  readonly address: string | undefined;
  readonly podCIDR: string | undefined;
  readonly ipipTunnel: string | undefined;
  readonly vxlanTunnel: string | undefined;
}

/** A node as the writer keeps it (mutable, internal to cni/). */
export interface NodeState extends NodeView {
  address: number | undefined;
  subnet: Cidr | undefined;
  vxlanTunnel: string | undefined;
  ipipTunnel: string | undefined;
  podCidr: Cidr | undefined;
  table: RouteTable;
  nextIfindex: number;
}

export interface BlockState {
  readonly cidr: Cidr;
  readonly owner: string | undefined;
  readonly mode: PoolMode;
}

export interface NetworkReadModelConfig {
  readonly mode: NetworkMode;
  /** The topology's node subnet (for the nodes' own routes). */
  readonly nodeSubnet?: string;
}

/** Calico's fixed next hop inside every pod (answered by proxy ARP). */
export const CALICO_POD_GATEWAY = '169.254.1.1';

export class NetworkReadModel {
  readonly mode: NetworkMode;
  readonly nodeSubnet: string | undefined;
  readonly nodes = new Map<string, NodeState>();
  /** Blocks by `network * 64 + prefix`. */
  readonly blocks = new Map<number, BlockState>();
  /** Prefix lengths of the blocks present, with how many blocks have each. */
  readonly blockPrefixes = new Map<number, number>();
  readonly pods = new Map<number, PodAttachment>();
  /** Borrowed pod addresses → the borrowing node. */
  readonly borrowed = new Map<number, string>();
  readonly #byName = new Map<string, number>();
  readonly #writer: RouteWriter;

  constructor(config: NetworkReadModelConfig) {
    this.mode = config.mode;
    this.nodeSubnet = config.nodeSubnet;
    this.#writer = new RouteWriter(this);
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
    return [...this.pods.values()].filter((p) => p.node === node);
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

  /** The node's routes in `ip route` order; undefined for an unknown node. */
  routes(node: string): readonly Route[] | undefined {
    return this.nodes.get(node)?.table.list();
  }

  /** The route `node` uses for `dst` (longest prefix match); undefined when none. */
  lookupRoute(node: string, dst: string | number): Route | undefined {
    const ip = typeof dst === 'number' ? dst : parseIPv4(dst);
    return ip === undefined ? undefined : this.nodes.get(node)?.table.lookup(ip);
  }

  /** The block containing `ip`, with its owner node. */
  blockOf(ip: string | number): BlockState | undefined {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    if (n === undefined) return undefined;
    for (const prefix of this.blockPrefixes.keys()) {
      const b = this.blocks.get(((n & maskOf(prefix)) >>> 0) * 64 + prefix);
      if (b) return b;
    }
    return undefined;
  }

  /** The node `ip` lives on: its pod's node, else its block's owner. */
  nodeOf(ip: string | number): string | undefined {
    return this.podByIP(ip)?.node ?? this.blockOf(ip)?.owner;
  }

  // ---- writes (the store sync and the plugins) ----

  /** Adds or updates a node (address from its InternalIP, podCIDR from its spec). */
  upsertNode(
    name: string,
    info: { readonly address?: string | undefined; readonly podCIDR?: string | undefined },
  ): void {
    const address = info.address === undefined ? undefined : parseIPv4(info.address);
    const parsed = info.podCIDR ? parseCidr(info.podCIDR) : undefined;
    const podCidr = parsed ? { network: parsed.network, prefix: parsed.prefix } : undefined;
    this.#writer.upsertNode(name, address, podCidr);
  }

  /** Forgets a node and its routes; in host-local mode its pods go with it (their state lived on the node). */
  removeNode(name: string): void {
    if (this.mode === 'host-local') for (const p of this.podsOnNode(name)) this.removePod(p.ip);
    this.#writer.removeNode(name);
  }

  /** Records a node's tunnel address (`tunl0` / `vxlan.calico`), or its removal. */
  setTunnel(node: string, type: 'ipip' | 'vxlan', ip: string | undefined): void {
    this.#writer.setTunnel(node, type, ip);
  }

  /** Adds or updates a block: its owner (confirmed affinity) and its pool's encapsulation. */
  upsertBlock(cidr: Cidr, owner: string | undefined, mode: PoolMode = NO_ENCAPSULATION): void {
    this.#writer.upsertBlock({ cidr, owner, mode });
  }

  removeBlock(cidr: Cidr): void {
    this.#writer.removeBlock(cidr);
  }

  /** Attaches a pod: its veth, its `/32` route (Calico) and any borrowed-address routes. */
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
    const hostLocal = this.mode === 'host-local';
    const podCidr = node?.podCidr;
    const attachment: PodAttachment = {
      ip: p.ip,
      namespace: p.namespace,
      pod: p.pod,
      node: p.node,
      veth: hostLocal ? bridgeVethName(p.namespace, p.pod) : vethNameForWorkload(p.namespace, p.pod),
      hostIfindex: node ? node.nextIfindex++ : 0,
      mode: this.mode,
      mtu: hostLocal ? 1500 : podMtu(block?.mode ?? NO_ENCAPSULATION),
      encapsulation: hostLocal ? 'None' : (block?.mode ?? NO_ENCAPSULATION).kind,
      prefixLength: hostLocal && podCidr ? podCidr.prefix : 32,
      gateway: hostLocal && podCidr ? formatIPv4(podCidr.network + 1) : CALICO_POD_GATEWAY,
    };
    this.pods.set(ip, attachment);
    this.#byName.set(`${p.namespace}/${p.pod}`, ip);
    this.#writer.podAdded(ip, attachment);
    return attachment;
  }

  /** Detaches the pod holding `ip` (no-op when none). */
  removePod(ip: string | number): void {
    const n = typeof ip === 'number' ? ip : parseIPv4(ip);
    const p = n === undefined ? undefined : this.pods.get(n);
    if (n === undefined || !p) return;
    this.pods.delete(n);
    if (this.#byName.get(`${p.namespace}/${p.pod}`) === n) this.#byName.delete(`${p.namespace}/${p.pod}`);
    this.#writer.podRemoved(n, p);
  }

  /** Pods whose address lies in `cidr`, by probing each address of it. */
  podsIn(cidr: Cidr): [number, PodAttachment][] {
    const out: [number, PodAttachment][] = [];
    const size = sizeOf(cidr.prefix);
    if (size > this.pods.size * 4) {
      for (const [ip, p] of this.pods)
        if ((ip & maskOf(cidr.prefix)) >>> 0 === cidr.network) out.push([ip, p]);
      return out;
    }
    for (let i = 0; i < size; i++) {
      const p = this.pods.get(cidr.network + i);
      if (p) out.push([cidr.network + i, p]);
    }
    return out;
  }
}
