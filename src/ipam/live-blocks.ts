/**
 * The memory backend's IPAM blocks (`BlockTable`, see `block-table.ts`): one
 * live `AllocationBlock` per block, changed in place by the allocator.
 *
 * - Rollback: the first time a transaction loads a block, it starts an
 *   undo journal (`AllocationBlock.saveTo`, into a journal reused across
 *   transactions); creations, replacements and deletions are journaled with
 *   the entry they replaced. A failed transaction is undone from the journal
 *   in reverse, so the blocks are exactly as before it.
 * - Readers (`get`, `list`: `ipam show`, invariants, tests) get a frozen
 *   Calico-shaped IPAMBlock made from the live block on the first read after
 *   a change (`AllocationBlock.toSpec`) and kept until the next change. A
 *   snapshot never changes afterwards. An IPAMBlock object written directly
 *   (`putObject`) is read into a live block; its arrays are frozen, as a
 *   store of immutable objects would.
 *
 * So an allocation or release costs no copy of the block's arrays, which is
 * what a store of immutable objects has to pay per write.
 */
import type { KubeObject, ObjectMeta } from '../api/types.js';
import { AllocationBlock, BlockJournal } from './block.js';
import { filledArray, objectArray, objectSlots } from './block-arrays.js';
import type { BlockState, BlockTable, LoadedBlock } from './block-table.js';
import type { Cidr } from './ipv4.js';
import { blockName, CALICO_API_VERSION, type IPAMBlock } from './objects.js';

/** One block: the live block, its metadata and its last snapshot. Also what `peek` and `load` return. */
class LiveEntry implements BlockState, LoadedBlock {
  readonly name: string;
  readonly block: AllocationBlock;
  readonly metadata: ObjectMeta;
  readonly owner: LiveBlocks;
  /** The snapshot readers get until the block next changes. */
  snapshot: IPAMBlock | undefined;
  /** The transaction that started the block's undo journal (0: none). */
  savedIn = 0;

  constructor(owner: LiveBlocks, block: AllocationBlock, metadata: ObjectMeta) {
    this.owner = owner;
    this.name = metadata.name ?? '';
    this.block = block;
    this.metadata = metadata;
  }

  get affinity(): string | null {
    return this.block.affinity;
  }

  get affinityClaimTime(): string | undefined {
    return this.block.affinityClaimTime;
  }

  get size(): number {
    return this.block.size;
  }

  numFree(): number {
    return this.block.numFree();
  }
}

/** The entry's snapshot, made now if the block changed since the last one. */
function snapshotOf(entry: LiveEntry): IPAMBlock {
  entry.snapshot ??= freezeSnapshot(entry);
  return entry.snapshot;
}

/** Orders entries by name as `Array.prototype.sort` orders strings (UTF-16 code units). */
function byName(a: LiveEntry, b: LiveEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function freezeSnapshot(entry: LiveEntry): IPAMBlock {
  const spec = entry.block.toSpec();
  Object.freeze(spec.allocations);
  Object.freeze(spec.unallocated);
  Object.freeze(spec.attributes);
  Object.freeze(spec.sequenceNumberForAllocation);
  return Object.freeze({
    apiVersion: CALICO_API_VERSION,
    kind: 'IPAMBlock',
    metadata: entry.metadata,
    spec: Object.freeze(spec),
  });
}

export class LiveBlocks implements BlockTable {
  readonly #entries = new Map<string, LiveEntry>();
  /** The open transaction's number; 0 outside transactions. */
  #transaction = 0;
  #lastTransaction = 0;
  /**
   * The open transaction's records, flat, three slots each: `'journal'`, the
   * entry, its block's undo journal (one record per entry and transaction, so
   * each journal of `#journals` in use is in exactly one); or `'entry'`, a
   * name, the entry it held before a create, replacement or deletion
   * (undefined: none).
   */
  readonly #journal: unknown[] = objectSlots(24);
  /** How many slots of `#journal` belong to the open transaction (a count: `length = 0` would free the array's store). */
  #journalLength = 0;
  /** Block undo journals, reused: `#journalsUsed` of them belong to the open transaction. */
  readonly #journals: BlockJournal[] = objectArray();
  #journalsUsed = 0;
  #generation = 0;

  /** Changes whenever an entry is added, replaced or removed (rollbacks included): `BlockTable.generation`. */
  get generation(): number {
    return this.#generation;
  }

  /** Starts journaling (the backend's transaction). Not nested. */
  begin(): void {
    this.#transaction = ++this.#lastTransaction;
  }

  /** Ends the transaction, keeping its changes. */
  commit(): void {
    this.#transaction = 0;
    const journal = this.#journal;
    for (let i = 0; i < this.#journalLength; i += 3) {
      if (journal[i] !== 'journal') continue;
      (journal[i + 1] as LiveEntry).block.endJournal();
      (journal[i + 2] as BlockJournal).clear();
    }
    this.#journalLength = 0;
    this.#journalsUsed = 0;
  }

  /** Undoes every change of the open transaction, newest first, and ends it. */
  rollback(): void {
    const journal = this.#journal;
    for (let i = this.#journalLength - 3; i >= 0; i -= 3) {
      if (journal[i] === 'journal') {
        const entry = journal[i + 1] as LiveEntry;
        entry.block.restoreFrom(journal[i + 2] as BlockJournal);
        entry.snapshot = undefined;
        continue;
      }
      const name = journal[i + 1] as string;
      const before = journal[i + 2] as LiveEntry | undefined;
      if (before === undefined) this.#entries.delete(name);
      else this.#entries.set(name, before);
    }
    this.#generation++;
    this.commit();
  }

  // ---- BlockTable (the allocator) ----

  peek(cidr: Cidr): BlockState | undefined {
    return this.#entries.get(blockName(cidr));
  }

  load(cidr: Cidr, peeked?: BlockState): LoadedBlock | undefined {
    const entry =
      peeked instanceof LiveEntry && peeked.owner === this ? peeked : this.#entries.get(blockName(cidr));
    if (entry === undefined) return undefined;
    this.#changing(entry);
    return entry;
  }

  create(block: AllocationBlock): void {
    block.markWritten();
    const name = blockName(block.cidr);
    this.#set(name, new LiveEntry(this, block, { name }));
  }

  write(loaded: LoadedBlock): void {
    if (!(loaded instanceof LiveEntry) || loaded.owner !== this) {
      throw new Error('Block was not loaded from this table');
    }
    loaded.block.markWritten();
    loaded.snapshot = undefined;
  }

  delete(cidr: Cidr): void {
    this.deleteObject(blockName(cidr));
  }

  // ---- IpamObjects (readers and direct object writes) ----

  get(name: string): IPAMBlock | undefined {
    const entry = this.#entries.get(name);
    return entry === undefined ? undefined : snapshotOf(entry);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Every block, in name order (from the entries themselves: no lookup by name per block). */
  list(): IPAMBlock[] {
    const entries = [...this.#entries.values()].sort(byName);
    const out = filledArray<IPAMBlock>(entries.length);
    for (let i = 0; i < entries.length; i++) out[i] = snapshotOf(entries[i] as LiveEntry);
    return out;
  }

  count(): number {
    return this.#entries.size;
  }

  /**
   * Stores an IPAMBlock object (created or replacing one): the live block is
   * read from its spec. Throws when the spec cannot be read as a block (an
   * unparsable CIDR, arrays the compact form cannot hold: `block-arrays.ts`).
   */
  putObject(obj: KubeObject): void {
    const spec = (obj as IPAMBlock).spec;
    const block = AllocationBlock.fromSpec(spec);
    if (!block) throw new Error(`IPAMBlock ${obj.metadata.name}: spec cannot be read as a block`);
    const metadata = { ...obj.metadata, name: obj.metadata.name ?? '' };
    this.#set(metadata.name, new LiveEntry(this, block, metadata));
  }

  deleteObject(name: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new Error(`IPAMBlock ${name} not found`);
    if (this.#transaction !== 0) this.#record('entry', name, entry);
    this.#entries.delete(name);
    this.#generation++;
  }

  /** Starts the entry's undo journal once per transaction; its snapshot is stale from now on. */
  #changing(entry: LiveEntry): void {
    const tx = this.#transaction;
    if (tx !== 0 && entry.savedIn !== tx) {
      let undo = this.#journals[this.#journalsUsed];
      if (undo === undefined) {
        undo = new BlockJournal();
        this.#journals.push(undo);
      }
      this.#journalsUsed++;
      entry.block.saveTo(undo);
      entry.savedIn = tx;
      this.#record('journal', entry, undo);
    }
    entry.snapshot = undefined;
  }

  #record(what: 'journal' | 'entry', a: unknown, b: unknown): void {
    const journal = this.#journal;
    journal[this.#journalLength++] = what;
    journal[this.#journalLength++] = a;
    journal[this.#journalLength++] = b;
  }

  #set(name: string, entry: LiveEntry): void {
    const tx = this.#transaction;
    if (tx !== 0) {
      this.#record('entry', name, this.#entries.get(name));
      // A block new in this transaction needs no undo journal: undoing removes it.
      entry.savedIn = tx;
    }
    this.#entries.set(name, entry);
    this.#generation++;
  }
}
