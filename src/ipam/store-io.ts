/**
 * The IPAM allocator's one I/O seam (Calico `blockReaderWriter`): reads and
 * writes of IPPool, BlockAffinity, IPAMBlock and IPAMHandle objects through the
 * Registry. Everything here is synchronous; the allocator runs each operation
 * inside one `store.transaction`, which is netkube's compare-and-swap: nothing
 * else can write between the read and the write, and a failure rolls every
 * write of the operation back. So Calico's CAS-retry loops have no counterpart.
 */
import type { KubeObject } from '../api/types.js';
import type { Registry } from '../store/registry.js';
import { AllocationBlock } from './block.js';
import { type Cidr, formatCidr } from './ipv4.js';
import {
  type AffinityState,
  affinityName,
  BLOCK_AFFINITIES,
  BLOCK_AFFINITIES_KEY,
  type BlockAffinity,
  blockName,
  CALICO_API_VERSION,
  handleName,
  IPAM_BLOCKS,
  IPAM_BLOCKS_KEY,
  IPAM_HANDLES,
  IPAM_HANDLES_KEY,
  type IPAMBlock,
  type IPAMHandle,
  IPPOOLS_KEY,
  type IPPool,
} from './objects.js';
import { type Pool, toPool } from './pools.js';

/** Store index of BlockAffinity objects by `spec.node`. */
export const AFFINITY_NODE_INDEX = 'calico-node';

/** A block read from the store: the working copy and the object it came from. */
export interface LoadedBlock {
  readonly block: AllocationBlock;
  readonly stored: IPAMBlock;
}

export class IpamStore {
  readonly registry: Registry;
  readonly #pools = new WeakMap<IPPool, Pool | null>();

  constructor(registry: Registry) {
    this.registry = registry;
    registry.store.addIndex(BLOCK_AFFINITIES_KEY, AFFINITY_NODE_INDEX, (obj) => {
      const node = (obj as BlockAffinity).spec?.node;
      return typeof node === 'string' ? [node] : [];
    });
  }

  /** Runs `fn` atomically (see the module comment). */
  transaction<R>(fn: () => R): R {
    return this.registry.store.transaction(fn);
  }

  /** Every usable pool, in name order (disabled ones included; callers filter). */
  pools(): Pool[] {
    const out: Pool[] = [];
    for (const obj of this.registry.store.list<IPPool>(IPPOOLS_KEY)) {
      let pool = this.#pools.get(obj);
      if (pool === undefined) {
        pool = toPool(obj) ?? null;
        this.#pools.set(obj, pool);
      }
      if (pool) out.push(pool);
    }
    return out;
  }

  poolObjects(): IPPool[] {
    return this.registry.store.list<IPPool>(IPPOOLS_KEY);
  }

  createPool(pool: IPPool): IPPool {
    return this.registry.create(pool);
  }

  loadBlock(cidr: Cidr): LoadedBlock | undefined {
    const stored = this.registry.store.get<IPAMBlock>(IPAM_BLOCKS_KEY, undefined, blockName(cidr));
    const block = stored ? AllocationBlock.fromSpec(stored.spec) : undefined;
    return stored && block ? { block, stored } : undefined;
  }

  /** The stored block object, for read-only checks that need no working copy. */
  storedBlock(cidr: Cidr): IPAMBlock | undefined {
    return this.registry.store.get<IPAMBlock>(IPAM_BLOCKS_KEY, undefined, blockName(cidr));
  }

  blocks(): IPAMBlock[] {
    return this.registry.store.list<IPAMBlock>(IPAM_BLOCKS_KEY);
  }

  /** Creates a block object from a new working copy. */
  createBlock(block: AllocationBlock): void {
    block.markWritten();
    this.registry.create<IPAMBlock>({
      apiVersion: CALICO_API_VERSION,
      kind: IPAM_BLOCKS.kind,
      metadata: { name: blockName(block.cidr) },
      spec: block.toSpec(),
    });
  }

  /** Persists a working copy over the object it was loaded from. */
  writeBlock(loaded: LoadedBlock): void {
    loaded.block.markWritten();
    this.registry.update<IPAMBlock>({ ...loaded.stored, spec: loaded.block.toSpec() });
  }

  deleteBlock(cidr: Cidr): void {
    this.registry.delete(IPAM_BLOCKS, undefined, blockName(cidr));
  }

  /** The node's affinities, in name order (how a Kubernetes list returns them). */
  affinitiesOf(node: string): BlockAffinity[] {
    const list = this.registry.store.byIndex<BlockAffinity>(BLOCK_AFFINITIES_KEY, AFFINITY_NODE_INDEX, node);
    return list.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  }

  affinities(): BlockAffinity[] {
    return this.registry.store.list<BlockAffinity>(BLOCK_AFFINITIES_KEY);
  }

  getAffinity(node: string, cidr: Cidr): BlockAffinity | undefined {
    return this.registry.store.get<BlockAffinity>(BLOCK_AFFINITIES_KEY, undefined, affinityName(node, cidr));
  }

  /** Creates or moves the node's affinity for `cidr` to `state`. */
  setAffinity(node: string, cidr: Cidr, state: AffinityState): void {
    const existing = this.getAffinity(node, cidr);
    if (existing) {
      this.registry.update<BlockAffinity>({ ...existing, spec: { ...existing.spec, state } });
      return;
    }
    this.registry.create<BlockAffinity>({
      apiVersion: CALICO_API_VERSION,
      kind: BLOCK_AFFINITIES.kind,
      metadata: { name: affinityName(node, cidr) },
      spec: { state, node, cidr: formatCidr(cidr), type: 'host', deleted: 'false' },
    });
  }

  deleteAffinity(node: string, cidr: Cidr): void {
    if (this.getAffinity(node, cidr))
      this.registry.delete(BLOCK_AFFINITIES, undefined, affinityName(node, cidr));
  }

  getHandle(handleID: string): IPAMHandle | undefined {
    return this.registry.store.get<IPAMHandle>(IPAM_HANDLES_KEY, undefined, handleName(handleID));
  }

  handles(): IPAMHandle[] {
    return this.registry.store.list<IPAMHandle>(IPAM_HANDLES_KEY);
  }

  /** Adds `count` addresses in `cidr` to a handle, creating it (Calico `incrementHandle`). */
  incrementHandle(handleID: string, cidr: Cidr, count: number): void {
    const key = formatCidr(cidr);
    const existing = this.getHandle(handleID);
    if (!existing) {
      this.registry.create<IPAMHandle>({
        apiVersion: CALICO_API_VERSION,
        kind: IPAM_HANDLES.kind,
        metadata: { name: handleName(handleID) },
        spec: { handleID, block: { [key]: count }, deleted: false },
      });
      return;
    }
    const block = { ...existing.spec.block, [key]: (existing.spec.block[key] ?? 0) + count };
    this.registry.update<IPAMHandle>({ ...existing, spec: { ...existing.spec, block } });
  }

  /** Removes addresses from a handle; a handle reaching zero is deleted (Calico `decrementHandle`). */
  decrementHandle(handleID: string, cidr: Cidr, count: number): void {
    const existing = this.getHandle(handleID);
    if (!existing) return;
    const key = formatCidr(cidr);
    const block: Record<string, number> = { ...existing.spec.block };
    const left = (block[key] ?? 0) - count;
    if (left > 0) block[key] = left;
    else delete block[key];
    if (Object.keys(block).length === 0) {
      this.registry.delete(IPAM_HANDLES, undefined, handleName(handleID));
      return;
    }
    this.registry.update<IPAMHandle>({ ...existing, spec: { ...existing.spec, block } });
  }

  /** Deletes a handle whatever it still counts (Calico `deleteHandle`). */
  deleteHandle(handleID: string): void {
    if (this.getHandle(handleID)) this.registry.delete(IPAM_HANDLES, undefined, handleName(handleID));
  }

  /** Labels of an object of a core kind (`nodes`, `namespaces`), if it exists. */
  labelsOf(resource: 'nodes' | 'namespaces', name: string): Readonly<Record<string, string>> | undefined {
    return this.registry.store.get<KubeObject>(resource, undefined, name)?.metadata.labels;
  }

  exists(resource: 'nodes' | 'namespaces', name: string): boolean {
    return this.registry.store.get(resource, undefined, name) !== undefined;
  }
}
