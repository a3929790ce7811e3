/**
 * Where the IPAM objects live: the narrow seam under `IpamStore` (Calico's
 * `blockReaderWriter` sits on a backend client the same way). Two
 * implementations:
 *
 * - `registryBackend`: the cluster's API objects, written through the Registry
 *   (what the emulator uses: `kubectl get ipamblocks` shows them);
 * - `memoryBackend` (`memory-backend.ts`): plain maps with the same
 *   transaction semantics, for benchmarks that measure the allocator itself
 *   and for fast property tests. Its blocks are live blocks changed in place
 *   (`live-blocks.ts`), offered to `IpamStore` as `liveBlocks`; readers get
 *   Calico-shaped snapshots.
 *
 * Both are synchronous; `transaction(fn)` undoes every write of `fn` if it throws.
 */
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Registry } from '../store/registry.js';
import type { Labels } from './calico-selector.js';
import type { BlockCidr } from './ipv4.js';
import type { LiveBlocks } from './live-blocks.js';
import {
  BLOCK_AFFINITIES,
  type BlockAffinity,
  CALICO_API_VERSION,
  IPAM_BLOCKS,
  IPAM_HANDLES,
  type IPAMHandle,
  IPPOOLS,
} from './objects.js';

/** The four Calico kinds. */
export type IpamKind = 'IPPool' | 'BlockAffinity' | 'IPAMBlock' | 'IPAMHandle';

const INFO = {
  IPPool: IPPOOLS,
  BlockAffinity: BLOCK_AFFINITIES,
  IPAMBlock: IPAM_BLOCKS,
  IPAMHandle: IPAM_HANDLES,
} as const;

/** Store key of each kind (`ipamblocks.crd.projectcalico.org`). */
export const KIND_KEYS: Readonly<Record<IpamKind, string>> = {
  IPPool: 'ippools.crd.projectcalico.org',
  BlockAffinity: 'blockaffinities.crd.projectcalico.org',
  IPAMBlock: 'ipamblocks.crd.projectcalico.org',
  IPAMHandle: 'ipamhandles.crd.projectcalico.org',
};

export interface IpamObjects {
  /**
   * Runs `fn.call(self, arg)` atomically (see `IpamStore.transaction`):
   * `self` and `arg` let a caller pass a method, its object and its request
   * instead of a new closure per call.
   */
  transaction<R, T = undefined, A = undefined>(fn: (this: T, arg: A) => R, self?: T, arg?: A): R;
  get<T extends KubeObject>(kind: IpamKind, name: string): T | undefined;
  /** Every object of a kind, in name order. */
  list<T extends KubeObject>(kind: IpamKind): T[];
  count(kind: IpamKind): number;
  /** The BlockAffinity objects of a node (any order). */
  affinitiesOf(node: string): BlockAffinity[];
  /** How many BlockAffinity objects a node has (`affinitiesOf(node).length`, without the list). */
  countAffinitiesOf(node: string): number;
  /**
   * A number that changes whenever any object of `kind` is written (rollbacks
   * included), when the backend can tell cheaply; undefined otherwise. Only
   * the kinds `IpamStore` caches by (pools, affinity views).
   */
  revision(kind: 'IPPool' | 'BlockAffinity'): number | undefined;
  /**
   * Stores a new object. `absent`: the caller found no object of this name in
   * this transaction just before, so the backend may skip its own check.
   */
  create<T extends KubeObject>(obj: T, absent?: boolean): T;
  /**
   * Replaces the object of the same name. `current`: the stored object, read
   * by the caller in this transaction, so the backend may skip its own lookup.
   */
  update<T extends KubeObject>(obj: T, current?: KubeObject): T;
  /**
   * Deletes an object. `current`: the stored object, just read by the caller
   * in this transaction, so the backend may skip its own lookup.
   */
  delete(kind: IpamKind, name: string, current?: KubeObject): void;
  /** Labels of a Node or Namespace (selectors); undefined when unknown. */
  labelsOf(resource: 'nodes' | 'namespaces', name: string): Labels;
  /** Annotations of a Node or Namespace (pool annotations); undefined when unknown. */
  annotationsOf(resource: 'nodes' | 'namespaces', name: string): Labels;
  exists(resource: 'nodes' | 'namespaces', name: string): boolean;
  /**
   * Set when the backend keeps IPAM blocks as live blocks (the memory
   * backend): `IpamStore` then changes them through this table instead of
   * writing a new IPAMBlock object per change. The generic methods above
   * still read and write IPAMBlock objects (as snapshots of the live blocks).
   */
  readonly liveBlocks?: LiveBlocks;
  /**
   * Set when the backend can keep plain handles compact (the memory
   * backend): `IpamStore` then creates, reads and deletes them through this
   * table, without an IPAMHandle object. The generic methods above still
   * read and write IPAMHandle objects (made from the compact form on read).
   */
  readonly compactHandles?: CompactHandles;
}

/**
 * A handle kept compact: the one block where it holds one address (the
 * shared `parseBlockCidr` object). The handle's ID is its name, it is not
 * being deleted, and its object would be exactly `compactHandleObject`.
 */
export type HandleBlocks = BlockCidr;

/** Handles as the memory backend keeps them: an IPAMHandle object, or only its blocks. */
export interface CompactHandles {
  /**
   * What is stored under `name`: the IPAMHandle, its blocks when kept compact
   * (`isCompactHandle`), or undefined. `hash`: `handleHash(name)`, when the caller has it.
   */
  entry(name: string, hash?: number): IPAMHandle | HandleBlocks | undefined;
  /**
   * Stores a new handle whose ID is `name` (so `handleName(name) === name`),
   * holding one address in block `blocks`. The caller found no handle of
   * this name in this transaction just before.
   */
  createCompact(name: string, blocks: HandleBlocks): void;
  /** Deletes handle `name`; `current`: what `entry(name)` returned just before, in this transaction. */
  deleteEntry(name: string, current: IPAMHandle | HandleBlocks): void;
}

/** Whether a `CompactHandles.entry` is the compact form (an object otherwise). */
export function isCompactHandle(entry: IPAMHandle | HandleBlocks): entry is HandleBlocks {
  return (entry as Partial<IPAMHandle>).kind !== 'IPAMHandle';
}

/** The IPAMHandle object a compact handle stands for (the shape `IpamStore.incrementHandle` creates). */
export function compactHandleObject(name: string, blocks: HandleBlocks): IPAMHandle {
  return {
    apiVersion: CALICO_API_VERSION,
    kind: 'IPAMHandle',
    metadata: { name },
    spec: { handleID: name, block: Object.freeze({ [blocks.text]: 1 }), deleted: false },
  };
}

/** Store index of BlockAffinity objects by `spec.node`. */
export const AFFINITY_NODE_INDEX = 'calico-node';

/** The IPAM objects as API objects of the cluster, written through the Registry. */
export function registryBackend(registry: Registry): IpamObjects & { readonly store: ObjectStore } {
  const store = registry.store;
  store.addIndex(KIND_KEYS.BlockAffinity, AFFINITY_NODE_INDEX, (obj) => {
    const node = (obj as BlockAffinity).spec?.node;
    return typeof node === 'string' ? [node] : [];
  });
  return {
    store,
    transaction: (fn, self, arg) => store.transaction(() => fn.call(self as never, arg as never)),
    get: (kind, name) => store.get(KIND_KEYS[kind], undefined, name),
    list: (kind) => store.list(KIND_KEYS[kind]),
    count: (kind) => store.count(KIND_KEYS[kind]),
    affinitiesOf: (node) => store.byIndex<BlockAffinity>(KIND_KEYS.BlockAffinity, AFFINITY_NODE_INDEX, node),
    countAffinitiesOf: (node) => store.countByIndex(KIND_KEYS.BlockAffinity, AFFINITY_NODE_INDEX, node),
    revision: () => undefined,
    create: (obj) => registry.create(obj),
    update: (obj) => registry.update(obj),
    delete: (kind, name) => {
      registry.delete(INFO[kind], undefined, name);
    },
    labelsOf: (resource, name) => store.get(resource, undefined, name)?.metadata.labels,
    annotationsOf: (resource, name) => store.get(resource, undefined, name)?.metadata.annotations,
    exists: (resource, name) => store.get(resource, undefined, name) !== undefined,
  };
}
