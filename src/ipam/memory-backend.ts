/**
 * The IPAM objects in plain maps (`IpamObjects` without an API server or
 * watch events): what benchmarks measuring the allocator itself and the fast
 * property tests use. Blocks are live blocks changed in place
 * (`live-blocks.ts`); plain handles are kept compact (`CompactHandles`), in a
 * `HandleTable` (one entry per pod: `handle-table.ts`); the other kinds sit
 * in maps, with an undo log for rollbacks.
 *
 * A class, not an object of closures: its methods are then the same
 * functions for every backend made, so code V8 optimised for one backend's
 * calls still fits the next one's (closures made per backend are new call
 * targets, and each new backend threw away the allocator's optimised code).
 */
import type { KubeObject } from '../api/types.js';
import { objectArray, objectSlots } from './block-arrays.js';
import type { Labels } from './calico-selector.js';
import { HandleTable } from './handle-table.js';
import { LiveBlocks } from './live-blocks.js';
import {
  type CompactHandles,
  compactHandleObject,
  type HandleBlocks,
  type IpamKind,
  type IpamObjects,
  isCompactHandle,
} from './object-backends.js';
import type { BlockAffinity, IPAMHandle } from './objects.js';

/** The kinds kept in plain maps (blocks are live blocks). */
type MapKind = Exclude<IpamKind, 'IPAMBlock'>;

type Stored = KubeObject | HandleBlocks;

/** What the backend needs of a map by name (`Map`, or the handles' `HandleTable`). */
interface NameTable {
  readonly size: number;
  get(name: string): Stored | undefined;
  has(name: string): boolean;
  set(name: string, value: Stored): unknown;
  delete(name: string): boolean;
  entries(): IterableIterator<[string, Stored]>;
}

/**
 * The IPAM objects in plain maps. Node labels come from `labels`; every node
 * exists. For benchmarks and tests.
 */
export function memoryBackend(options: { readonly labels?: (node: string) => Labels } = {}): IpamObjects {
  return new MemoryObjects(options.labels);
}

class MemoryObjects implements IpamObjects, CompactHandles {
  readonly liveBlocks = new LiveBlocks();
  readonly compactHandles: CompactHandles = this;
  readonly #labels: ((node: string) => Labels) | undefined;
  // IPAMHandle values may be compact (`HandleBlocks`); `get` and `list` make the object.
  readonly #maps: Readonly<Record<MapKind, NameTable>> = {
    IPPool: new Map(),
    BlockAffinity: new Map(),
    IPAMHandle: new HandleTable<Stored>(),
  };
  readonly #handles = this.#maps.IPAMHandle as HandleTable<Stored>;
  readonly #byNode = new Map<string, Set<string>>();
  /**
   * The open transaction's undo log, flat: kind, name, object before, per
   * write. One array reused by every transaction: `#undoLength` slots belong
   * to the open one (a count, not `length = 0`, which would free the array's
   * store every time).
   */
  readonly #undo: (MapKind | string | Stored | undefined)[] = objectSlots(24);
  #undoLength = 0;
  #inTransaction = false;
  #poolRevision = 0;
  #affinityRevision = 0;

  constructor(labels: ((node: string) => Labels) | undefined) {
    this.#labels = labels;
  }

  #logUndo(kind: MapKind, name: string, before: Stored | undefined): void {
    if (!this.#inTransaction) return;
    const undo = this.#undo;
    undo[this.#undoLength++] = kind;
    undo[this.#undoLength++] = name;
    undo[this.#undoLength++] = before;
  }

  #write(kind: MapKind, name: string, before: Stored | undefined, after: Stored | undefined): void {
    this.#logUndo(kind, name, before);
    if (after) this.#maps[kind].set(name, after);
    else this.#maps[kind].delete(name);
    if (kind === 'IPPool') this.#poolRevision++;
    if (kind !== 'BlockAffinity') return;
    this.#affinityRevision++;
    const oldNode = (before as BlockAffinity | undefined)?.spec.node;
    if (oldNode !== undefined) this.#byNode.get(oldNode)?.delete(name);
    const newNode = (after as BlockAffinity | undefined)?.spec.node;
    if (newNode !== undefined) this.#byNode.set(newNode, (this.#byNode.get(newNode) ?? new Set()).add(name));
  }

  #objectOf(kind: MapKind, name: string, value: Stored): KubeObject {
    return kind === 'IPAMHandle' && isCompactHandle(value as IPAMHandle | HandleBlocks)
      ? compactHandleObject(name, value as HandleBlocks)
      : (value as KubeObject);
  }

  // ---- CompactHandles ----

  entry(name: string, hash?: number): IPAMHandle | HandleBlocks | undefined {
    return this.#handles.get(name, hash) as IPAMHandle | HandleBlocks | undefined;
  }

  // `#write` for IPAMHandle, without its per-kind dispatch (two of these per pod).
  createCompact(name: string, held: HandleBlocks): void {
    this.#logUndo('IPAMHandle', name, undefined);
    this.#handles.set(name, held);
  }

  deleteEntry(name: string, current: IPAMHandle | HandleBlocks): void {
    this.#logUndo('IPAMHandle', name, current);
    this.#handles.delete(name);
  }

  // ---- IpamObjects ----

  transaction<R, T, A>(fn: (this: T, arg: A) => R, self?: T, arg?: A): R {
    if (this.#inTransaction) return fn.call(self as T, arg as A);
    this.#inTransaction = true;
    this.liveBlocks.begin();
    try {
      const result = fn.call(self as T, arg as A);
      this.liveBlocks.commit();
      return result;
    } catch (err) {
      this.#inTransaction = false;
      this.liveBlocks.rollback();
      const undo = this.#undo;
      for (let i = this.#undoLength - 3; i >= 0; i -= 3) {
        const kind = undo[i] as MapKind;
        const name = undo[i + 1] as string;
        this.#write(kind, name, this.#maps[kind].get(name), undo[i + 2] as Stored | undefined);
      }
      throw err;
    } finally {
      this.#inTransaction = false;
      this.#undoLength = 0;
    }
  }

  get<T extends KubeObject>(kind: IpamKind, name: string): T | undefined {
    if (kind === 'IPAMBlock') return this.liveBlocks.get(name) as T | undefined;
    const value = this.#maps[kind].get(name);
    return (value === undefined ? undefined : this.#objectOf(kind, name, value)) as T | undefined;
  }

  list<T extends KubeObject>(kind: IpamKind): T[] {
    if (kind === 'IPAMBlock') return this.liveBlocks.list() as KubeObject[] as T[];
    return [...this.#maps[kind].entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => this.#objectOf(kind, name, value) as T);
  }

  count(kind: IpamKind): number {
    return kind === 'IPAMBlock' ? this.liveBlocks.count() : this.#maps[kind].size;
  }

  affinitiesOf(node: string): BlockAffinity[] {
    const affinities = this.#maps.BlockAffinity;
    const out: BlockAffinity[] = objectArray();
    for (const name of this.#byNode.get(node) ?? []) out.push(affinities.get(name) as BlockAffinity);
    return out;
  }

  countAffinitiesOf(node: string): number {
    return this.#byNode.get(node)?.size ?? 0;
  }

  revision(kind: 'IPPool' | 'BlockAffinity'): number {
    return kind === 'IPPool' ? this.#poolRevision : this.#affinityRevision;
  }

  create<T extends KubeObject>(obj: T, absent?: boolean): T {
    const kind = obj.kind as IpamKind;
    const name = obj.metadata.name ?? '';
    if (kind === 'IPAMBlock') {
      if (this.liveBlocks.has(name)) throw new Error(`${kind} ${name} already exists`);
      this.liveBlocks.putObject(obj);
      return obj;
    }
    if (absent !== true && this.#maps[kind].has(name)) throw new Error(`${kind} ${name} already exists`);
    this.#write(kind, name, undefined, obj);
    return obj;
  }

  update<T extends KubeObject>(obj: T, current?: KubeObject): T {
    const kind = obj.kind as IpamKind;
    const name = obj.metadata.name ?? '';
    if (kind === 'IPAMBlock') {
      if (!this.liveBlocks.has(name)) throw new Error(`${kind} ${name} not found`);
      this.liveBlocks.putObject(obj);
      return obj;
    }
    const before = current ?? this.#maps[kind].get(name);
    if (!before) throw new Error(`${kind} ${name} not found`);
    this.#write(kind, name, before, obj);
    return obj;
  }

  delete(kind: IpamKind, name: string, current?: KubeObject): void {
    if (kind === 'IPAMBlock') {
      this.liveBlocks.deleteObject(name);
      return;
    }
    const before = current ?? this.#maps[kind].get(name);
    if (!before) throw new Error(`${kind} ${name} not found`);
    this.#write(kind, name, before, undefined);
  }

  labelsOf(_resource: 'nodes' | 'namespaces', name: string): Labels {
    return this.#labels?.(name);
  }

  annotationsOf(): Labels {
    return undefined;
  }

  exists(): boolean {
    return true;
  }
}
