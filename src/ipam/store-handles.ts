/**
 * IPAMHandles as the allocator reads and writes them (Calico `incrementHandle`,
 * `decrementHandle`, the handle side of `ReleaseByHandle`): the handle half
 * of `IpamStore` (`store-io.ts`, which delegates here). A backend that keeps
 * plain handles compact (`CompactHandles`: the memory backend) is written and
 * read through that table without IPAMHandle objects; otherwise handles are
 * stored objects. Everything runs inside the caller's transaction.
 */
import type { AllocationBlock } from './block.js';
import { type BlockCidr, type Cidr, formatCidr } from './ipv4.js';
import { type HandleBlocks, type IpamObjects, isCompactHandle } from './object-backends.js';
import { CALICO_API_VERSION, handleName, type IPAMHandle } from './objects.js';

/**
 * `{ [cidr]: 1 }`, frozen and shared by the handles of one store holding one
 * address of the block (what nearly every pod's handle is). Store objects are
 * immutable, so sharing is safe, and it spares building an object whose one
 * key differs per block (V8 makes a hidden class per key and searches among
 * them). Kept per store: objects shared across stores (and backends) made
 * the Registry path two times slower in a benchmark process that ran the
 * memory backend first.
 */
class OneAddressBlocks {
  readonly #byCidr = new Map<string, Readonly<Record<string, number>>>();

  of(cidr: string): Readonly<Record<string, number>> {
    let block = this.#byCidr.get(cidr);
    if (block === undefined) {
      if (this.#byCidr.size >= 100_000) this.#byCidr.clear();
      block = Object.freeze({ [cidr]: 1 });
      this.#byCidr.set(cidr, block);
    }
    return block;
  }
}

/** A handle read for release (`HandleStore.read`). */
export interface HandleRead {
  /** `spec.handleID`. */
  readonly handleID: string;
  /** The handle's one block, when it is kept compact (one address there); else `blocks` says. */
  readonly cidr: BlockCidr | undefined;
  /** `spec.block` (block CIDR → addresses held there), when not compact. */
  readonly blocks: Readonly<Record<string, number>> | undefined;
  readonly name: string;
  /** What the backend holds (for the deletion). */
  readonly entry: IPAMHandle | HandleBlocks;
}

function handleRead(name: string, stored: IPAMHandle): HandleRead {
  return { handleID: stored.spec.handleID, cidr: undefined, blocks: stored.spec.block, name, entry: stored };
}

export class HandleStore {
  readonly #objects: IpamObjects;
  readonly #ones = new OneAddressBlocks();

  constructor(objects: IpamObjects) {
    this.#objects = objects;
  }

  /**
   * A handle's ID as stored and its blocks (`spec.block`), for releasing it:
   * read without making an IPAMHandle object when the backend keeps the
   * handle compact. Undefined when there is no handle. Delete it with
   * `deleteRead` in the same transaction.
   */
  read(handleID: string): HandleRead | undefined {
    const compact = this.#objects.compactHandles;
    if (compact === undefined) {
      const stored = this.get(handleID);
      return stored && handleRead(stored.metadata.name ?? '', stored);
    }
    const name = handleName(handleID);
    const entry = compact.entry(name);
    if (entry === undefined) return undefined;
    return isCompactHandle(entry)
      ? { handleID: name, cidr: entry, blocks: undefined, name, entry }
      : handleRead(name, entry);
  }

  /**
   * The block of handle `handleID` when the backend keeps it compact (one
   * address there; its ID is its name): all that releasing it needs, read
   * without making a `HandleRead`. Undefined otherwise (no such handle, or
   * one kept as an object, or an ID that is not its own name: use
   * `read`). Delete it with `deleteCompact` in the same transaction.
   * `hash`: `handleHash(handleID)`, when the caller has it.
   */
  compact(handleID: string, hash?: number): BlockCidr | undefined {
    const compact = this.#objects.compactHandles;
    if (compact === undefined) return undefined;
    // No `handleName(handleID) === handleID` check first: a compact handle is
    // stored under its ID, which is its own name, so an ID that is not finds none.
    const entry = compact.entry(handleID, hash);
    return entry !== undefined && isCompactHandle(entry) ? entry : undefined;
  }

  /** Deletes a handle just read with `compact` (no second lookup). */
  deleteCompact(handleID: string, cidr: BlockCidr): void {
    this.#objects.compactHandles?.deleteEntry(handleID, cidr);
  }

  /** Deletes a handle just read with `read` (no second lookup). */
  deleteRead(read: HandleRead): void {
    const compact = this.#objects.compactHandles;
    if (compact === undefined) this.#objects.delete('IPAMHandle', read.name, read.entry as IPAMHandle);
    else compact.deleteEntry(read.name, read.entry);
  }

  get(handleID: string): IPAMHandle | undefined {
    return this.#objects.get<IPAMHandle>('IPAMHandle', handleName(handleID));
  }

  /**
   * Adds `count` addresses in `block` to a handle, creating it (Calico
   * `incrementHandle`). `hash`: `handleHash(handleID)`, when the caller has it.
   */
  increment(handleID: string, block: AllocationBlock, count: number, hash?: number): void {
    const objects = this.#objects;
    const name = handleName(handleID);
    const compact = objects.compactHandles;
    // The plain case (a new handle of one address whose ID is its name) is kept compact when the backend can.
    if (
      compact !== undefined &&
      count === 1 &&
      name === handleID &&
      compact.entry(name, hash) === undefined
    ) {
      compact.createCompact(name, block.blockCidr);
      return;
    }
    const key = block.cidrText;
    const existing = objects.get<IPAMHandle>('IPAMHandle', name);
    if (!existing) {
      objects.create<IPAMHandle>(
        {
          apiVersion: CALICO_API_VERSION,
          kind: 'IPAMHandle',
          metadata: { name },
          spec: { handleID, block: count === 1 ? this.#ones.of(key) : { [key]: count }, deleted: false },
        },
        true,
      );
      return;
    }
    const blocks = { ...existing.spec.block, [key]: (existing.spec.block[key] ?? 0) + count };
    objects.update<IPAMHandle>({ ...existing, spec: { ...existing.spec, block: blocks } });
  }

  /** Removes addresses from a handle; a handle reaching zero is deleted (Calico `decrementHandle`). */
  decrement(handleID: string, cidr: Cidr, count: number): void {
    const existing = this.get(handleID);
    if (!existing) return;
    const key = formatCidr(cidr);
    const block: Record<string, number> = { ...existing.spec.block };
    const left = (block[key] ?? 0) - count;
    if (left > 0) block[key] = left;
    else delete block[key];
    if (Object.keys(block).length === 0) {
      this.#objects.delete('IPAMHandle', handleName(handleID));
      return;
    }
    this.#objects.update<IPAMHandle>({ ...existing, spec: { ...existing.spec, block } });
  }
}
