/**
 * Keeps the NetworkReadModel in step with the store, as Felix and BIRD follow
 * the datastore: Nodes (InternalIP, podCIDR), IPPools (encapsulation of their
 * blocks, natOutgoing) and, in Calico mode, IPAMBlocks (block owners; per allocated
 * address: a pod, or a node's tunnel address). Block events are diffed per
 * ordinal, so a pod coming or going costs one block diff and one route.
 *
 * Handlers run synchronously inside the store's dispatch; they only update
 * the in-memory model, never write to the store, and never throw (a bad object
 * is logged and skipped, as kube-proxy skips a bad Service).
 */
import type { Node, Typed } from '../api/types.js';
import { inform } from '../controllers/runtime/informer.js';
import { type Cidr, cidrContains, formatIPv4, parseCidr } from '../ipam/ipv4.js';
import {
  type AllocationAttribute,
  affinityNode,
  IPAM_BLOCKS_KEY,
  type IPAMBlock,
  IPPOOLS_KEY,
  type IPPool,
} from '../ipam/objects.js';
import { poolEncapsulation, toPool } from '../ipam/pools.js';
import type { Logger } from '../log/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Unsubscribe } from '../store/watch.js';
import { errorMessage } from '../util/errors.js';
import type { NetworkReadModel } from './network-model.js';
import { NO_ENCAPSULATION, type PoolMode } from './route-rules.js';

type NodeObject = Typed<Node>;

/** The InternalIP of a Node object. */
export function internalIP(node: NodeObject): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** What one allocated address is, from its attribute. */
type Occupant =
  | { readonly kind: 'pod'; readonly node: string; readonly namespace: string; readonly pod: string }
  | { readonly kind: 'tunnel'; readonly node: string; readonly type: 'ipip' | 'vxlan' }
  | { readonly kind: 'other' };

function occupantOf(attr: AllocationAttribute | undefined): Occupant {
  const s = attr?.secondary ?? {};
  if (s.type === 'ipipTunnelAddress' && s.node) return { kind: 'tunnel', node: s.node, type: 'ipip' };
  if (s.type === 'vxlanTunnelAddress' && s.node) return { kind: 'tunnel', node: s.node, type: 'vxlan' };
  if (s.node && s.namespace && s.pod)
    return { kind: 'pod', node: s.node, namespace: s.namespace, pod: s.pod };
  return { kind: 'other' };
}

function sameOccupant(a: Occupant, b: Occupant): boolean {
  if (a.kind === 'pod' && b.kind === 'pod')
    return a.node === b.node && a.namespace === b.namespace && a.pod === b.pod;
  if (a.kind === 'tunnel' && b.kind === 'tunnel') return a.node === b.node && a.type === b.type;
  return a.kind === b.kind;
}

export interface NetworkSyncConfig {
  readonly store: ObjectStore;
  readonly model: NetworkReadModel;
  readonly logger: Logger;
}

/** Subscribes the model to the store (replaying what is stored). Returns the unsubscribe function. */
export function syncNetworkModel(config: NetworkSyncConfig): Unsubscribe {
  const { store, model, logger } = config;
  const guard =
    <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (err) {
        logger.warn({ err: errorMessage(err), what }, 'Skipped an object the pod network could not use');
      }
    };
  const nodeUpdate = guard('node', (n: NodeObject) =>
    model.upsertNode(n.metadata.name ?? '', { address: internalIP(n), podCIDR: n.spec?.podCIDR }),
  );
  const unsubscribers = [
    inform<NodeObject>(store, 'nodes', {
      onAdd: nodeUpdate,
      onUpdate: (_, n) => nodeUpdate(n),
      onDelete: guard('node', (n: NodeObject) => model.removeNode(n.metadata.name ?? '')),
    }),
  ];
  if (model.mode === 'calico') {
    const blocks = new BlockSync(store, model);
    const refresh = guard('ippool', () => blocks.refreshModes());
    unsubscribers.push(
      inform<IPPool>(
        store,
        IPPOOLS_KEY,
        { onAdd: refresh, onUpdate: refresh, onDelete: refresh },
        { replay: false },
      ),
      inform<IPAMBlock>(store, IPAM_BLOCKS_KEY, {
        onAdd: guard('ipamblock', (b: IPAMBlock) => blocks.apply(undefined, b)),
        onUpdate: guard('ipamblock', (prev: IPAMBlock, b: IPAMBlock) => blocks.apply(prev, b)),
        onDelete: guard('ipamblock', (b: IPAMBlock) => blocks.apply(b, undefined)),
      }),
    );
  }
  return () => {
    for (const u of unsubscribers) u();
  };
}

/** Applies IPAMBlock changes to the model. */
class BlockSync {
  readonly #store: ObjectStore;
  readonly #model: NetworkReadModel;

  constructor(store: ObjectStore, model: NetworkReadModel) {
    this.#store = store;
    this.#model = model;
    this.#readPools();
  }

  /** Reads the pools: each one's encapsulation (for its blocks) and natOutgoing (for the model). */
  #readPools(): void {
    const pools = this.#store.list<IPPool>(IPPOOLS_KEY).flatMap((obj) => toPool(obj) ?? []);
    this.#modes = pools.map((pool) => ({ cidr: pool.cidr, mode: poolEncapsulation(pool) }));
    this.#model.setPools(pools.map((pool) => ({ cidr: pool.cidr, natOutgoing: pool.natOutgoing })));
  }

  /** Pools' CIDRs and encapsulation, re-read on every IPPool change. */
  #modes: { readonly cidr: Cidr; readonly mode: PoolMode }[] = [];

  #modeOf(cidr: Cidr): PoolMode {
    const found = this.#modes.find((p) => p.cidr.prefix <= cidr.prefix && cidrContains(p.cidr, cidr.network));
    return found?.mode ?? NO_ENCAPSULATION;
  }

  /**
   * Re-reads the pools (natOutgoing included) and re-evaluates every block's
   * encapsulation. Pods keep the MTU their veth was created with, as on a real node.
   */
  refreshModes(): void {
    this.#readPools();
    for (const b of [...this.#model.blocks.values()])
      this.#model.upsertBlock(b.cidr, b.owner, this.#modeOf(b.cidr));
  }

  apply(prev: IPAMBlock | undefined, next: IPAMBlock | undefined): void {
    const spec = (next ?? prev)?.spec;
    const parsed = spec ? parseCidr(spec.cidr) : undefined;
    if (!parsed) return;
    const cidr: Cidr = { network: parsed.network, prefix: parsed.prefix };
    if (next) this.#model.upsertBlock(cidr, affinityNode(next.spec.affinity), this.#modeOf(cidr));
    const size = (next ?? prev)?.spec.allocations.length ?? 0;
    for (let o = 0; o < size; o++) {
      const a = this.#attribute(prev, o);
      const b = this.#attribute(next, o);
      // Unchanged ordinals keep the very same attribute object (or stay free).
      if (prev && next && a === b) continue;
      const before = occupantOf(a);
      const after = occupantOf(b);
      if (prev && next && sameOccupant(before, after)) continue;
      const ip = cidr.network + o;
      this.#leave(ip, before);
      this.#enter(ip, after);
    }
    if (!next) this.#model.removeBlock(cidr);
  }

  #attribute(block: IPAMBlock | undefined, ordinal: number): AllocationAttribute | undefined {
    const idx = block?.spec.allocations[ordinal];
    return idx === null || idx === undefined ? undefined : block?.spec.attributes[idx];
  }

  #leave(ip: number, o: Occupant): void {
    if (o.kind === 'pod') this.#model.removePod(ip);
    else if (
      o.kind === 'tunnel' &&
      this.#model.node(o.node)?.[o.type === 'ipip' ? 'ipipTunnel' : 'vxlanTunnel'] === formatIPv4(ip)
    ) {
      this.#model.setTunnel(o.node, o.type, undefined);
    }
  }

  #enter(ip: number, o: Occupant): void {
    if (o.kind === 'pod')
      this.#model.addPod({ ip: formatIPv4(ip), namespace: o.namespace, pod: o.pod, node: o.node });
    else if (o.kind === 'tunnel') this.#model.setTunnel(o.node, o.type, formatIPv4(ip));
  }
}
