/**
 * How `IpamStore` reads and writes IPAM blocks: the `BlockTable` seam, with
 * two implementations chosen by the backend.
 *
 * - `StoredBlockTable`: blocks are immutable stored objects (the Registry,
 *   whose watchers see every version). A change is made on a working copy
 *   and persisted as a new object per write (`block-copies.ts`).
 * - `LiveBlocks` (`live-blocks.ts`): the memory backend keeps each block as
 *   one live `AllocationBlock`, changed in place, journaled for rollback, and
 *   turned into a Calico-shaped object only when someone reads it.
 *
 * Callers see one protocol: `peek` to decide (never change a peeked block),
 * `load` to change, then `write` (or `delete`) in the same transaction.
 */
import type { AllocationBlock } from './block.js';
import { BlockCopies, type CopySlot } from './block-copies.js';
import type { Cidr } from './ipv4.js';
import type { IpamObjects } from './object-backends.js';
import { blockName, CALICO_API_VERSION, type IPAMBlock, type IPAMBlockSpec } from './objects.js';

/** What the allocator reads from a block to decide where to allocate. Read-only. */
export interface BlockState {
  readonly affinity: string | null;
  readonly affinityClaimTime: string | undefined;
  /** Number of ordinals (`allocations.length`). */
  readonly size: number;
  /** Number of free ordinals (`unallocated.length`). */
  numFree(): number;
}

/**
 * A block loaded for a change. `stored` and `slot` are set by the stored
 * table only (the object the copy came from, where the copy goes back).
 */
export interface LoadedBlock {
  readonly block: AllocationBlock;
  readonly stored?: IPAMBlock | undefined;
  readonly slot?: CopySlot | undefined;
}

export interface BlockTable {
  /** The block's current state, to decide on; undefined when there is no block. Do not keep it. */
  peek(cidr: Cidr): BlockState | undefined;
  /**
   * The block, to change: persist it with `write` (or `delete` it) in the
   * same transaction, before anything else writes the block. `peeked`: what
   * `peek(cidr)` returned just before, which spares a second lookup.
   */
  load(cidr: Cidr, peeked?: BlockState): LoadedBlock | undefined;
  /**
   * A number that changes whenever a block is added, replaced or removed (not
   * when a block's contents change), rollbacks included; undefined when the
   * table cannot tell. While it holds, a peeked state stays the block's state.
   */
  readonly generation?: number | undefined;
  /** Stores a new block (a fresh `AllocationBlock.create`), bumping its sequence number. */
  create(block: AllocationBlock): void;
  /** Persists a loaded block, bumping its sequence number (every write does, Calico's ABA guard). */
  write(loaded: LoadedBlock): void;
  delete(cidr: Cidr): void;
}

/** A stored block object seen through `BlockState` (the stored table's `peek`). */
class StoredBlockState implements BlockState {
  readonly stored: IPAMBlock;

  constructor(stored: IPAMBlock) {
    this.stored = stored;
  }

  get affinity(): string | null {
    return this.stored.spec.affinity;
  }

  get affinityClaimTime(): string | undefined {
    return this.stored.spec.affinityClaimTime;
  }

  get size(): number {
    return this.stored.spec.allocations.length;
  }

  numFree(): number {
    return this.stored.spec.unallocated.length;
  }
}

/** The IPAMBlock object of a spec. */
function blockObject(name: string, spec: IPAMBlockSpec): IPAMBlock {
  return { apiVersion: CALICO_API_VERSION, kind: 'IPAMBlock', metadata: { name }, spec };
}

/** Blocks as immutable stored objects, one new object per write (the Registry backend). */
export class StoredBlockTable implements BlockTable {
  readonly #objects: IpamObjects;
  readonly #copies = new BlockCopies();

  constructor(objects: IpamObjects) {
    this.#objects = objects;
  }

  peek(cidr: Cidr): BlockState | undefined {
    const stored = this.#objects.get<IPAMBlock>('IPAMBlock', blockName(cidr));
    return stored === undefined ? undefined : new StoredBlockState(stored);
  }

  load(cidr: Cidr, peeked?: BlockState): LoadedBlock | undefined {
    const stored =
      peeked instanceof StoredBlockState
        ? peeked.stored
        : this.#objects.get<IPAMBlock>('IPAMBlock', blockName(cidr));
    return stored ? this.#copies.take(stored, cidr) : undefined;
  }

  create(block: AllocationBlock): void {
    block.markWritten();
    const spec = block.toSpec();
    const name = blockName(block.cidr);
    this.#objects.create<IPAMBlock>(blockObject(name, spec));
    this.#copies.put(name, spec, block);
  }

  write(loaded: LoadedBlock): void {
    const { block, stored, slot } = loaded;
    if (stored === undefined || slot === undefined) throw new Error('Block was not loaded from this table');
    block.markWritten();
    const spec = block.toSpec();
    this.#objects.update<IPAMBlock>({ ...stored, spec }, stored);
    this.#copies.put(slot, spec, block);
  }

  delete(cidr: Cidr): void {
    const name = blockName(cidr);
    this.#objects.delete('IPAMBlock', name);
    this.#copies.drop(name);
  }
}
