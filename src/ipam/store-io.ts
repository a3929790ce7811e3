/**
 * The IPAM allocator's reads and writes (Calico `blockReaderWriter`): blocks
 * as working copies, affinities, handles and pools, over an `IpamObjects`
 * backend (the Registry in the emulator). Everything here is synchronous; the
 * allocator runs each operation inside one backend transaction, which is
 * netkube's compare-and-swap: nothing else can write between the read and the
 * write, and a failure rolls every write of the operation back. So Calico's
 * CAS-retry loops have no counterpart.
 */

import type { KubeObject } from '../api/types.js';
import { type AffinityView, byAffinityName, newAffinityView, type UsableBlocks } from './affinity-view.js';
import type { AllocationBlock } from './block.js';
import { objectArray } from './block-arrays.js';
import { type BlockState, type BlockTable, type LoadedBlock, StoredBlockTable } from './block-table.js';
import type { Labels } from './calico-selector.js';
import { type BlockCidr, type Cidr, formatCidr } from './ipv4.js';
import type { IpamObjects } from './object-backends.js';
import {
  type AffinityState,
  affinityName,
  type BlockAffinity,
  CALICO_API_VERSION,
  hostAffinity,
  type IPAMBlock,
  type IPAMHandle,
  type IPPool,
} from './objects.js';
import { type Pool, toPool } from './pools.js';
import { type HandleRead, HandleStore } from './store-handles.js';

export type { AffinityView, UsableBlocks } from './affinity-view.js';
export type { BlockState, LoadedBlock } from './block-table.js';
export type { HandleRead } from './store-handles.js';

export class IpamStore {
  readonly objects: IpamObjects;
  readonly #parsed = new WeakMap<IPPool, Pool | null>();
  /** Where blocks are changed: the backend's live blocks, or stored objects. */
  readonly #blocks: BlockTable;
  readonly #handles: HandleStore;
  #pools:
    | {
        readonly objects: readonly IPPool[];
        readonly pools: readonly Pool[];
        readonly revision: number | undefined;
      }
    | undefined;
  readonly #affinityViews = new Map<string, AffinityView>();

  constructor(objects: IpamObjects) {
    this.objects = objects;
    this.#blocks = objects.liveBlocks ?? new StoredBlockTable(objects);
    this.#handles = new HandleStore(objects);
  }

  /**
   * Runs `fn.call(self, arg)` atomically (see the module comment). The
   * allocator's hot paths pass a method, its object and the request instead
   * of a new closure per operation.
   */
  transaction<R, T = undefined, A = undefined>(fn: (this: T, arg: A) => R, self?: T, arg?: A): R {
    return this.objects.transaction(fn, self, arg);
  }

  /**
   * Every usable pool, in name order (disabled ones included; callers filter).
   * Parsed once per stored object; the list is reused while the stored pools
   * are the very same objects (checked by the backend's IPPool revision when
   * it has one, else by identity, so writes inside a transaction and
   * rollbacks are seen at once). Do not mutate the array.
   */
  pools(): readonly Pool[] {
    const store = this.objects;
    const cached = this.#pools;
    const revision = store.revision('IPPool');
    if (
      cached &&
      (revision === undefined
        ? this.#stillStored('IPPool', store.count('IPPool'), cached.objects)
        : revision === cached.revision)
    ) {
      return cached.pools;
    }
    const objects = store.list<IPPool>('IPPool');
    const pools: Pool[] = objectArray();
    for (const obj of objects) {
      let pool = this.#parsed.get(obj);
      if (pool === undefined) {
        pool = toPool(obj) ?? null;
        this.#parsed.set(obj, pool);
      }
      if (pool) pools.push(pool);
    }
    this.#pools = { objects, pools, revision };
    return pools;
  }

  /**
   * Whether `cached` are still exactly the stored objects of a set that now
   * counts `count`: as many, and each still the object stored under its name.
   */
  #stillStored(kind: 'IPPool' | 'BlockAffinity', count: number, cached: readonly KubeObject[]): boolean {
    if (count !== cached.length) return false;
    for (const o of cached) if (this.objects.get(kind, o.metadata.name ?? '') !== o) return false;
    return true;
  }

  poolObjects(): IPPool[] {
    return this.objects.list<IPPool>('IPPool');
  }

  createPool(pool: IPPool): IPPool {
    return this.objects.create(pool);
  }

  /**
   * The block's current state, for decisions (affinity, free addresses);
   * undefined when there is no block. Read it at once and do not keep it:
   * it may be the live block itself.
   */
  peekBlock(cidr: Cidr): BlockState | undefined {
    return this.#blocks.peek(cidr);
  }

  /**
   * `peekBlock` of `usable.cidrs[i]`, kept in `usable` while the block
   * table's entries stay the same (`BlockTable.generation`; a live state
   * follows its block's changes). Same rules as `peekBlock`.
   */
  peekUsable(usable: UsableBlocks, i: number): BlockState | undefined {
    const cidr = usable.cidrs[i] as Cidr;
    const generation = this.#blocks.generation;
    if (generation === undefined) return this.#blocks.peek(cidr);
    let states = usable.states;
    if (states === undefined || usable.generation !== generation) {
      states = usable.states = objectArray();
      usable.generation = generation;
    }
    let state = states[i];
    if (state === undefined) {
      state = this.#blocks.peek(cidr) ?? null;
      states[i] = state;
    }
    return state ?? undefined;
  }

  /**
   * The block, to change: persist it with `writeBlock` (or `deleteBlock`) in
   * the same transaction, before anything else writes the block. With the
   * Registry it is a working copy private to the caller (dropping it changes
   * nothing); with live blocks it is the block itself, so change it only to
   * write it. After `writeBlock`, load the block anew to change it further.
   * `peeked`: what `peekBlock(cidr)` returned just before (spares a lookup).
   */
  loadBlock(cidr: Cidr, peeked?: BlockState): LoadedBlock | undefined {
    return this.#blocks.load(cidr, peeked);
  }

  blocks(): IPAMBlock[] {
    return this.objects.list<IPAMBlock>('IPAMBlock');
  }

  /** Stores a new block (`AllocationBlock.create`). */
  createBlock(block: AllocationBlock): void {
    this.#blocks.create(block);
  }

  /** Persists a loaded block (see `loadBlock`). */
  writeBlock(loaded: LoadedBlock): void {
    this.#blocks.write(loaded);
  }

  deleteBlock(cidr: Cidr): void {
    this.#blocks.delete(cidr);
  }

  /** The node's affinities, in name order (how a Kubernetes list returns them). */
  affinitiesOf(node: string): BlockAffinity[] {
    const list = this.objects.affinitiesOf(node);
    return list.length < 2 ? list : list.sort(byAffinityName);
  }

  /**
   * `affinitiesOf(node)` with the CIDRs parsed, the same object for as long as
   * the node's affinities are the very same stored objects: checked on every
   * call, by the backend's affinity revision when it has one, else by count
   * and identity, so writes by anyone and rollbacks are seen at once. Every
   * assignment starts here; do not mutate it.
   */
  affinityView(node: string): AffinityView {
    const objects = this.objects;
    const cached = this.#affinityViews.get(node);
    const revision = objects.revision('BlockAffinity');
    if (cached !== undefined && revision !== undefined) {
      if (cached.revision === revision) return cached;
    } else if (
      cached !== undefined &&
      this.#stillStored('BlockAffinity', objects.countAffinitiesOf(node), cached.affinities)
    ) {
      return cached;
    }
    const view = newAffinityView(this.affinitiesOf(node), hostAffinity(node), revision);
    if (this.#affinityViews.size >= 100_000) this.#affinityViews.clear();
    this.#affinityViews.set(node, view);
    return view;
  }

  affinities(): BlockAffinity[] {
    return this.objects.list<BlockAffinity>('BlockAffinity');
  }

  getAffinity(node: string, cidr: Cidr): BlockAffinity | undefined {
    return this.objects.get<BlockAffinity>('BlockAffinity', affinityName(node, cidr));
  }

  /** Creates or moves the node's affinity for `cidr` to `state`. */
  setAffinity(node: string, cidr: Cidr, state: AffinityState): void {
    const existing = this.getAffinity(node, cidr);
    if (existing) {
      this.objects.update<BlockAffinity>({ ...existing, spec: { ...existing.spec, state } });
      return;
    }
    this.objects.create<BlockAffinity>({
      apiVersion: CALICO_API_VERSION,
      kind: 'BlockAffinity',
      metadata: { name: affinityName(node, cidr) },
      spec: { state, node, cidr: formatCidr(cidr), type: 'host', deleted: 'false' },
    });
  }

  deleteAffinity(node: string, cidr: Cidr): void {
    if (this.getAffinity(node, cidr)) this.objects.delete('BlockAffinity', affinityName(node, cidr));
  }

  /**
   * A handle's ID as stored and its blocks (`spec.block`), for releasing it
   * (`HandleStore.read`). Delete it with `deleteHandleRead` in the same transaction.
   */
  readHandle(handleID: string): HandleRead | undefined {
    return this.#handles.read(handleID);
  }

  /**
   * The block of handle `handleID` when the backend keeps it compact
   * (`HandleStore.compact`). Delete it with `deleteCompactHandle` in the same
   * transaction. `hash`: `handleHash(handleID)`, when the caller has it.
   */
  compactHandle(handleID: string, hash?: number): BlockCidr | undefined {
    return this.#handles.compact(handleID, hash);
  }

  /** Deletes a handle just read with `compactHandle` (no second lookup). */
  deleteCompactHandle(handleID: string, cidr: BlockCidr): void {
    this.#handles.deleteCompact(handleID, cidr);
  }

  /** Deletes a handle just read with `readHandle` (no second lookup). */
  deleteHandleRead(read: HandleRead): void {
    this.#handles.deleteRead(read);
  }

  getHandle(handleID: string): IPAMHandle | undefined {
    return this.#handles.get(handleID);
  }

  handles(): IPAMHandle[] {
    return this.objects.list<IPAMHandle>('IPAMHandle');
  }

  /**
   * Adds `count` addresses in `block` to a handle, creating it (Calico
   * `incrementHandle`). `hash`: `handleHash(handleID)`, when the caller has it.
   */
  incrementHandle(handleID: string, block: AllocationBlock, count: number, hash?: number): void {
    this.#handles.increment(handleID, block, count, hash);
  }

  /** Removes addresses from a handle; a handle reaching zero is deleted (Calico `decrementHandle`). */
  decrementHandle(handleID: string, cidr: Cidr, count: number): void {
    this.#handles.decrement(handleID, cidr, count);
  }

  /** Labels of a Node or Namespace, if it exists. */
  labelsOf(resource: 'nodes' | 'namespaces', name: string): Labels {
    return this.objects.labelsOf(resource, name);
  }

  /** Annotations of a Node or Namespace, if it exists. */
  annotationsOf(resource: 'nodes' | 'namespaces', name: string): Labels {
    return this.objects.annotationsOf(resource, name);
  }

  exists(resource: 'nodes' | 'namespaces', name: string): boolean {
    return this.objects.exists(resource, name);
  }
}
