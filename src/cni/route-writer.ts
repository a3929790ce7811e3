/**
 * The incremental maintenance of every node's route table (see
 * `network-model.ts`). Each change touches only the routes it affects:
 *
 * - a pod: its `/32` on its node; if borrowed, a `/32` on every other node;
 * - a block: one route per node (blackhole on the owner, remote elsewhere),
 *   and the borrowed status of the pods inside it;
 * - a node (new, new address or podCIDR, new VXLAN tunnel address): its own
 *   table, and the routes towards it on the other nodes.
 *
 * Internal to cni/: only NetworkReadModel calls it.
 */
import type { Cidr } from '../ipam/ipv4.js';
import type { BlockState, NetworkReadModel, NodeState, PodAttachment } from './network-model.js';
import {
  blackholeRoute,
  bridgeRoute,
  connectedSubnet,
  gatewayOf,
  nodeBaseRoutes,
  podCidrRoute,
  remoteRoute,
} from './route-rules.js';
import { RouteTable } from './route-table.js';
import type { Route } from './routes.js';

const FIRST_POD_IFINDEX = 10;

function sameCidr(a: Cidr | undefined, b: Cidr | undefined): boolean {
  return a?.network === b?.network && a?.prefix === b?.prefix;
}

function blockKey(cidr: Cidr): number {
  return cidr.network * 64 + cidr.prefix;
}

function isBlockRoute(r: Route | undefined): boolean {
  return r?.kind === 'blackhole' || (r?.kind === 'remote' && r.target === 'block');
}

export class RouteWriter {
  readonly #m: NetworkReadModel;

  constructor(model: NetworkReadModel) {
    this.#m = model;
  }

  upsertNode(name: string, address: number | undefined, podCidr: Cidr | undefined): void {
    const existing = this.#m.nodes.get(name);
    if (existing && existing.address === address && sameCidr(existing.podCidr, podCidr)) return;
    const subnet = address === undefined ? undefined : connectedSubnet(address, this.#m.nodeSubnet);
    const node: NodeState = existing ?? {
      name,
      address,
      subnet,
      vxlanTunnel: undefined,
      ipipTunnel: undefined,
      podCidr,
      table: new RouteTable(),
      nextIfindex: FIRST_POD_IFINDEX,
    };
    const oldPodCidr = node.podCidr;
    Object.assign(node, { address, subnet, podCidr });
    this.#m.nodes.set(name, node);
    this.#rebuild(node);
    this.#refreshGateways();
    if (oldPodCidr && !sameCidr(oldPodCidr, podCidr)) {
      for (const other of this.#m.nodes.values()) if (other !== node) other.table.delete(oldPodCidr);
    }
    this.#refreshTowards(node);
  }

  removeNode(name: string): void {
    if (!this.#m.nodes.delete(name)) return;
    this.#refreshGateways();
    for (const other of this.#m.nodes.values()) {
      for (const r of [...other.table.list()])
        if (r.kind === 'remote' && r.node === name) other.table.delete(r.dst);
    }
  }

  setTunnel(name: string, type: 'ipip' | 'vxlan', ip: string | undefined): void {
    const node = this.#m.nodes.get(name);
    if (!node) return;
    if (type === 'ipip') {
      node.ipipTunnel = ip;
      return;
    }
    if (node.vxlanTunnel === ip) return;
    node.vxlanTunnel = ip;
    this.#refreshTowards(node);
  }

  upsertBlock(block: BlockState): void {
    const key = blockKey(block.cidr);
    const prev = this.#m.blocks.get(key);
    if (
      prev &&
      prev.owner === block.owner &&
      prev.mode.kind === block.mode.kind &&
      prev.mode.crossSubnet === block.mode.crossSubnet
    ) {
      return;
    }
    this.#m.blocks.set(key, block);
    if (!prev)
      this.#m.blockPrefixes.set(block.cidr.prefix, (this.#m.blockPrefixes.get(block.cidr.prefix) ?? 0) + 1);
    for (const node of this.#m.nodes.values()) this.#setBlockRoute(node, block);
    this.#reclassify(block.cidr);
  }

  removeBlock(cidr: Cidr): void {
    const key = blockKey(cidr);
    if (!this.#m.blocks.delete(key)) return;
    const left = (this.#m.blockPrefixes.get(cidr.prefix) ?? 1) - 1;
    if (left > 0) this.#m.blockPrefixes.set(cidr.prefix, left);
    else this.#m.blockPrefixes.delete(cidr.prefix);
    for (const node of this.#m.nodes.values())
      if (isBlockRoute(node.table.get(cidr))) node.table.delete(cidr);
    this.#reclassify(cidr);
  }

  podAdded(ip: number, pod: PodAttachment): void {
    if (this.#m.mode === 'host-local') return;
    const node = this.#m.nodes.get(pod.node);
    node?.table.set(this.#localRoute(ip, pod));
    const block = this.#m.blockOf(ip);
    if (block && block.owner !== pod.node) this.#setBorrowed(ip, pod, block);
  }

  podRemoved(ip: number, pod: PodAttachment): void {
    const dst = { network: ip, prefix: 32 };
    const local = this.#m.nodes.get(pod.node)?.table;
    if (local?.get(dst)?.kind === 'local-pod') local.delete(dst);
    if (this.#m.borrowed.get(ip) === pod.node) this.#clearBorrowed(ip);
  }

  #localRoute(ip: number, pod: PodAttachment): Route {
    return {
      kind: 'local-pod',
      dst: { network: ip, prefix: 32 },
      dev: pod.veth,
      namespace: pod.namespace,
      pod: pod.pod,
    };
  }

  #setBorrowed(ip: number, pod: PodAttachment, block: BlockState): void {
    this.#m.borrowed.set(ip, pod.node);
    const to = this.#m.nodes.get(pod.node);
    for (const node of this.#m.nodes.values()) {
      if (node.name === pod.node) continue;
      const route = to
        ? remoteRoute(node, to, { network: ip, prefix: 32 }, block.mode, 'borrowed-ip')
        : undefined;
      if (route) node.table.set(route);
    }
  }

  #clearBorrowed(ip: number): void {
    const borrower = this.#m.borrowed.get(ip);
    this.#m.borrowed.delete(ip);
    const dst = { network: ip, prefix: 32 };
    for (const node of this.#m.nodes.values()) {
      const r = node.table.get(dst);
      if (node.name !== borrower && r?.kind === 'remote' && r.target === 'borrowed-ip')
        node.table.delete(dst);
    }
  }

  /** Re-evaluates which pods inside `cidr` are borrowed (after its owner changed). */
  #reclassify(cidr: Cidr): void {
    for (const [ip, pod] of this.#m.podsIn(cidr)) {
      if (this.#m.borrowed.has(ip)) this.#clearBorrowed(ip);
      const block = this.#m.blockOf(ip);
      if (block && block.owner !== pod.node) this.#setBorrowed(ip, pod, block);
    }
  }

  #setBlockRoute(node: NodeState, block: BlockState): void {
    const owner = block.owner === undefined ? undefined : this.#m.nodes.get(block.owner);
    let route: Route | undefined;
    if (block.owner === node.name) route = blackholeRoute(block.cidr, block.mode);
    else if (owner) route = remoteRoute(node, owner, block.cidr, block.mode, 'block');
    if (route) node.table.set(route);
    else if (isBlockRoute(node.table.get(block.cidr))) node.table.delete(block.cidr);
  }

  /** Rebuilds every route of one node from the model. */
  #rebuild(node: NodeState): void {
    node.table = new RouteTable();
    for (const r of nodeBaseRoutes(node, this.#gateway(node))) node.table.set(r);
    if (this.#m.mode === 'host-local') {
      for (const other of this.#m.nodes.values()) {
        if (!other.podCidr) continue;
        const r = other === node ? bridgeRoute(other.podCidr) : podCidrRoute(other, other.podCidr);
        if (r) node.table.set(r);
      }
      return;
    }
    for (const block of this.#m.blocks.values()) this.#setBlockRoute(node, block);
    for (const [ip, pod] of this.#m.pods)
      if (pod.node === node.name) node.table.set(this.#localRoute(ip, pod));
    for (const [ip, borrower] of this.#m.borrowed) {
      const pod = this.#m.pods.get(ip);
      const block = this.#m.blockOf(ip);
      const to = this.#m.nodes.get(borrower);
      if (borrower === node.name || !pod || !block || !to) continue;
      const r = remoteRoute(node, to, { network: ip, prefix: 32 }, block.mode, 'borrowed-ip');
      if (r) node.table.set(r);
    }
  }

  #gateway(node: NodeState, addresses?: ReadonlySet<number | undefined>): string {
    const taken = addresses ?? new Set([...this.#m.nodes.values()].map((n) => n.address));
    return node.subnet ? gatewayOf(node.subnet, (ip) => taken.has(ip)) : '';
  }

  /** A node with a subnet's first address may come or go: every default route follows. */
  #refreshGateways(): void {
    const taken = new Set([...this.#m.nodes.values()].map((n) => n.address));
    for (const node of this.#m.nodes.values()) {
      const [def] = nodeBaseRoutes(node, this.#gateway(node, taken));
      const current = node.table.get({ network: 0, prefix: 0 });
      if (def && (current?.kind !== 'default' || current.via !== (def.kind === 'default' ? def.via : '')))
        node.table.set(def);
    }
  }

  /** Recomputes, on every other node, the routes that lead to `to`. */
  #refreshTowards(to: NodeState): void {
    const others = [...this.#m.nodes.values()].filter((n) => n !== to);
    if (this.#m.mode === 'host-local') {
      if (!to.podCidr) return;
      for (const n of others) {
        const r = podCidrRoute(to, to.podCidr);
        if (r) n.table.set(r);
        else n.table.delete(to.podCidr);
      }
      return;
    }
    for (const block of this.#m.blocks.values()) {
      if (block.owner === to.name) for (const n of others) this.#setBlockRoute(n, block);
    }
    for (const [ip, borrower] of this.#m.borrowed) {
      const pod = this.#m.pods.get(ip);
      if (borrower !== to.name || !pod) continue;
      const block = this.#m.blockOf(ip);
      if (block) this.#setBorrowed(ip, pod, block);
    }
  }
}
