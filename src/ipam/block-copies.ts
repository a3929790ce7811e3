/**
 * The working copies of IPAM blocks that `IpamStore` hands out (`loadBlock`)
 * and takes back when it writes them (`writeBlock`), so that the next
 * operation on a block continues with the copy that wrote it — attribute
 * hashes included — instead of a copy made afresh from the stored spec.
 *
 * A slot per block name remembers the copy and the spec object it wrote. The
 * copy is handed out only to a load that finds that very spec object stored
 * and the copy still in step with it (`AllocationBlock.inStepWith`): a block
 * replaced by anyone else, or restored by a rolled-back transaction, has
 * another spec object and gets a fresh copy. Handing a copy out empties the
 * slot, so no two loads ever share one. (Not a WeakMap keyed by spec: adding
 * a key per write cost more than the rebuild it saves.)
 */
import { AllocationBlock } from './block.js';
import type { Cidr } from './ipv4.js';
import type { IPAMBlock, IPAMBlockSpec } from './objects.js';

/** The copy a block name last wrote. */
export interface CopySlot {
  spec: IPAMBlockSpec | undefined;
  block: AllocationBlock | undefined;
}

/** A block read from the store: the working copy and the object it came from. */
export interface CopiedBlock {
  readonly block: AllocationBlock;
  readonly stored: IPAMBlock;
  /** Where `writeBlock` puts the copy back. */
  readonly slot: CopySlot;
}

export class BlockCopies {
  readonly #slots = new Map<string, CopySlot>();

  #slot(name: string): CopySlot {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      if (this.#slots.size >= 200_000) this.#slots.clear();
      slot = { spec: undefined, block: undefined };
      this.#slots.set(name, slot);
    }
    return slot;
  }

  /**
   * A working copy of `stored` (whose block is `cidr`), private to the
   * caller; undefined when the spec cannot be read as a block
   * (`AllocationBlock.fromSpec`).
   */
  take(stored: IPAMBlock, cidr: Cidr): CopiedBlock | undefined {
    const slot = this.#slot(stored.metadata.name ?? '');
    const block = slot.block;
    const spec = stored.spec;
    if (block !== undefined && slot.spec === spec && block.inStepWith(spec)) {
      slot.spec = undefined;
      slot.block = undefined;
      return { block, stored, slot };
    }
    const fresh = AllocationBlock.fromSpec(spec, cidr);
    return fresh === undefined ? undefined : { block: fresh, stored, slot };
  }

  /** Takes back a copy that has just written `spec` under `name`. */
  put(slot: CopySlot | string, spec: IPAMBlockSpec, block: AllocationBlock): void {
    const s = typeof slot === 'string' ? this.#slot(slot) : slot;
    s.spec = spec;
    s.block = block;
  }

  /** Forgets a deleted block. */
  drop(name: string): void {
    this.#slots.delete(name);
  }
}
