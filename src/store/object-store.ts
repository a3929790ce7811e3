/**
 * The object store: every API object of the cluster, in memory, with a global
 * resourceVersion counter, synchronous secondary indexes, and a bounded event
 * history for watches that resume from a resourceVersion (the k3s/kine model: a
 * global revision plus an event log).
 *
 * The store is raw persistence. It does not default, validate, or check
 * preconditions beyond existence: that is the `Registry`'s job. Objects handed
 * in and out are shared, never copied: callers must treat them as immutable and
 * write new objects (enable `freeze` in tests to catch mutation).
 *
 * Writes are synchronous. Indexes are updated inside the write; watch events are
 * recorded in the history and dispatched after it (or, inside `transaction`, after
 * the transaction commits), so subscribers never observe a half-applied batch.
 * A handler that writes during dispatch has its events queued behind the current
 * ones: every subscriber sees every resource's events in resourceVersion order.
 */
import { alreadyExists, expired, notFound } from '../api/errors.js';
import type { FieldSelector } from '../api/fields.js';
import type { Selector } from '../api/labels.js';
import { resourceForKey } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Unsubscribe, WatchEvent, WatchHandler } from './watch.js';

/** Computes the index values of an object (client-go `IndexFunc`). */
export type IndexFunc = (obj: KubeObject) => readonly string[];

export interface ObjectStoreConfig {
  /** How many events the history keeps for resumed watches. @default 50_000 */
  readonly historySize?: number;
  /** Deep-freeze every stored object, to catch accidental mutation in tests. @default false */
  readonly freeze?: boolean;
}

export interface ListOptions {
  readonly namespace?: string | undefined;
  readonly labelSelector?: Selector | undefined;
  readonly fieldSelector?: FieldSelector | undefined;
}

interface Table {
  /** `ns/name` or `name` → object. */
  readonly objects: Map<string, KubeObject>;
  /** namespace → keys. */
  readonly byNamespace: Map<string, Set<string>>;
  readonly indexes: Map<string, { fn: IndexFunc; values: Map<string, Set<string>> }>;
  readonly subscribers: Set<WatchHandler>;
}

interface HistoryEntry {
  readonly rv: number;
  readonly event: WatchEvent;
}

type UndoEntry = { readonly resource: string; readonly key: string; readonly before: KubeObject | undefined };

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

export class ObjectStore {
  #tables = new Map<string, Table>();
  #rv = 0;
  #history: (HistoryEntry | undefined)[];
  #historyStart = 0;
  #historyLen = 0;
  #freeze: boolean;
  #globalSubscribers = new Set<WatchHandler>();
  /** Events waiting for the outermost write or transaction to finish. */
  #pending: WatchEvent[] = [];
  #depth = 0;
  #undo: UndoEntry[] | undefined;

  constructor(config: ObjectStoreConfig = {}) {
    this.#history = new Array(config.historySize ?? 50_000);
    this.#freeze = config.freeze ?? false;
  }

  /** The newest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch can still resume after. */
  get oldestResourceVersion(): number {
    return this.#historyLen === 0 ? this.#rv : (this.#history[this.#historyStart]?.rv ?? this.#rv) - 1;
  }

  #table(resource: string): Table {
    let t = this.#tables.get(resource);
    if (!t) {
      t = { objects: new Map(), byNamespace: new Map(), indexes: new Map(), subscribers: new Set() };
      this.#tables.set(resource, t);
    }
    return t;
  }

  /**
   * Adds a secondary index. Call before objects are written or at any time; existing
   * objects are indexed immediately. Index names are per resource.
   */
  addIndex(resource: string, name: string, fn: IndexFunc): void {
    const t = this.#table(resource);
    if (t.indexes.has(name)) return;
    const values = new Map<string, Set<string>>();
    t.indexes.set(name, { fn, values });
    for (const [key, obj] of t.objects) {
      for (const v of fn(obj)) {
        let set = values.get(v);
        if (!set) {
          set = new Set();
          values.set(v, set);
        }
        set.add(key);
      }
    }
  }

  /** Objects whose index `name` has `value` (client-go `ByIndex`). */
  byIndex<T extends KubeObject = KubeObject>(resource: string, name: string, value: string): T[] {
    const t = this.#tables.get(resource);
    const idx = t?.indexes.get(name);
    if (!t || !idx) {
      if (t && !idx) throw new Error(`No index ${name} on ${resource}`);
      return [];
    }
    const keys = idx.values.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) out.push(t.objects.get(k) as T);
    return out;
  }

  /** Number of objects whose index `name` has `value`. */
  countByIndex(resource: string, name: string, value: string): number {
    return this.#tables.get(resource)?.indexes.get(name)?.values.get(value)?.size ?? 0;
  }

  get<T extends KubeObject = KubeObject>(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.#tables.get(resource)?.objects.get(keyOf(namespace, name)) as T | undefined;
  }

  /** Objects of a resource, optionally in one namespace and matching selectors, in key order. */
  list<T extends KubeObject = KubeObject>(resource: string, options: ListOptions = {}): T[] {
    const t = this.#tables.get(resource);
    if (!t) return [];
    let keys: Iterable<string>;
    if (options.namespace !== undefined) keys = t.byNamespace.get(options.namespace) ?? [];
    else keys = t.objects.keys();
    const out: T[] = [];
    for (const k of keys) {
      const obj = t.objects.get(k);
      if (!obj) continue;
      if (options.labelSelector && !options.labelSelector.matches(obj.metadata.labels)) continue;
      if (options.fieldSelector && !options.fieldSelector.matches(obj)) continue;
      out.push(obj as T);
    }
    out.sort((a, b) => {
      const ka = keyOf(a.metadata.namespace, a.metadata.name ?? '');
      const kb = keyOf(b.metadata.namespace, b.metadata.name ?? '');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    return out;
  }

  /** Number of objects of a resource (in one namespace when given). */
  count(resource: string, namespace?: string): number {
    const t = this.#tables.get(resource);
    if (!t) return 0;
    return namespace === undefined ? t.objects.size : (t.byNamespace.get(namespace)?.size ?? 0);
  }

  /** Store keys of every resource holding objects. */
  resources(): string[] {
    return [...this.#tables.keys()];
  }

  /**
   * Stores a new object and assigns its resourceVersion. Throws AlreadyExists.
   * The caller (the Registry) has already set uid, creationTimestamp and defaults.
   */
  create<T extends KubeObject>(resource: string, obj: T): T {
    const t = this.#table(resource);
    const name = obj.metadata.name ?? '';
    const key = keyOf(obj.metadata.namespace, name);
    if (t.objects.has(key)) throw alreadyExists(this.#info(resource), name);
    const stored = this.#stamp(obj);
    this.#write(resource, t, key, undefined, stored);
    this.#emit({ type: 'ADDED', resource, object: stored });
    return stored;
  }

  /** Replaces an existing object and assigns a new resourceVersion. Throws NotFound. */
  update<T extends KubeObject>(resource: string, obj: T): T {
    const t = this.#table(resource);
    const name = obj.metadata.name ?? '';
    const key = keyOf(obj.metadata.namespace, name);
    const previous = t.objects.get(key);
    if (!previous) throw notFound(this.#info(resource), name);
    const stored = this.#stamp(obj);
    this.#write(resource, t, key, previous, stored);
    this.#emit({ type: 'MODIFIED', resource, object: stored, previous: previous as T });
    return stored;
  }

  /** Removes an object; returns its last state with a new resourceVersion. Throws NotFound. */
  delete<T extends KubeObject = KubeObject>(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): T {
    const t = this.#table(resource);
    const key = keyOf(namespace, name);
    const previous = t.objects.get(key);
    if (!previous) throw notFound(this.#info(resource), name);
    const last = this.#stamp(previous) as T;
    this.#write(resource, t, key, previous, undefined);
    this.#emit({ type: 'DELETED', resource, object: last });
    return last;
  }

  /**
   * Runs `fn` as one atomic batch: if it throws, every write it made is undone
   * (objects and indexes restored, the resourceVersion counter rewound) and no
   * watch event of the batch is ever dispatched. Nested transactions join the
   * outermost one.
   */
  transaction<R>(fn: () => R): R {
    if (this.#undo) return fn();
    const rvBefore = this.#rv;
    // Events queued before this transaction (a handler may open one while earlier
    // events are still being dispatched) belong to others: only this batch's go.
    const pendingBefore = this.#pending.length;
    this.#undo = [];
    this.#depth++;
    let result: R;
    try {
      result = fn();
    } catch (err) {
      const undo = this.#undo;
      this.#undo = undefined;
      for (let i = undo.length - 1; i >= 0; i--) {
        const u = undo[i] as UndoEntry;
        const t = this.#table(u.resource);
        this.#write(u.resource, t, u.key, t.objects.get(u.key), u.before, true);
      }
      this.#rv = rvBefore;
      this.#pending.length = pendingBefore;
      this.#depth--;
      throw err;
    }
    this.#undo = undefined;
    this.#depth--;
    this.#flush();
    return result;
  }

  /**
   * Subscribes to every event of one resource (or of all resources with `'*'`),
   * delivered synchronously after each write. Handlers must be quick (enqueue a
   * key, write a line) and must not throw.
   */
  subscribe(resource: string, handler: WatchHandler): Unsubscribe {
    const set = resource === '*' ? this.#globalSubscribers : this.#table(resource).subscribers;
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /**
   * Replays the events of `resource` newer than `resourceVersion` from history,
   * then subscribes. Throws a 410 Expired StatusError when the history no longer
   * reaches back that far. The replay happens synchronously inside this call.
   */
  watchFrom(resource: string, resourceVersion: number, handler: WatchHandler): Unsubscribe {
    if (resourceVersion < this.oldestResourceVersion) {
      throw expired(String(resourceVersion), this.oldestResourceVersion + 1);
    }
    const cap = this.#history.length;
    for (let i = 0; i < this.#historyLen; i++) {
      const entry = this.#history[(this.#historyStart + i) % cap];
      if (entry && entry.rv > resourceVersion && (resource === '*' || entry.event.resource === resource)) {
        handler(entry.event);
      }
    }
    return this.subscribe(resource, handler);
  }

  #info(resource: string) {
    return resourceForKey(resource) ?? { group: '', resource };
  }

  #stamp<T extends KubeObject>(obj: T): T {
    const rv = ++this.#rv;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    return this.#freeze ? deepFreeze(stored) : stored;
  }

  #write(
    resource: string,
    t: Table,
    key: string,
    before: KubeObject | undefined,
    after: KubeObject | undefined,
    undoing = false,
  ): void {
    if (this.#undo && !undoing) this.#undo.push({ resource, key, before });
    if (before) {
      for (const idx of t.indexes.values()) {
        for (const v of idx.fn(before)) {
          const set = idx.values.get(v);
          set?.delete(key);
          if (set?.size === 0) idx.values.delete(v);
        }
      }
    }
    if (after) {
      t.objects.set(key, after);
      const ns = after.metadata.namespace ?? '';
      let set = t.byNamespace.get(ns);
      if (!set) {
        set = new Set();
        t.byNamespace.set(ns, set);
      }
      set.add(key);
      for (const idx of t.indexes.values()) {
        for (const v of idx.fn(after)) {
          let s = idx.values.get(v);
          if (!s) {
            s = new Set();
            idx.values.set(v, s);
          }
          s.add(key);
        }
      }
    } else if (before) {
      t.objects.delete(key);
      const ns = before.metadata.namespace ?? '';
      const set = t.byNamespace.get(ns);
      set?.delete(key);
      if (set?.size === 0) t.byNamespace.delete(ns);
    }
  }

  #emit(event: WatchEvent): void {
    this.#pending.push(event);
    if (this.#depth === 0) this.#flush();
  }

  #record(event: WatchEvent): void {
    const cap = this.#history.length;
    const entry: HistoryEntry = { rv: Number(event.object.metadata.resourceVersion), event };
    if (this.#historyLen < cap) {
      this.#history[(this.#historyStart + this.#historyLen) % cap] = entry;
      this.#historyLen++;
    } else {
      this.#history[this.#historyStart] = entry;
      this.#historyStart = (this.#historyStart + 1) % cap;
    }
  }

  #flush(): void {
    if (this.#depth > 0) return;
    this.#depth++;
    try {
      for (let i = 0; i < this.#pending.length; i++) {
        const event = this.#pending[i] as WatchEvent;
        this.#record(event);
        const subs = this.#tables.get(event.resource)?.subscribers;
        if (subs) for (const h of subs) h(event);
        for (const h of this.#globalSubscribers) h(event);
      }
    } finally {
      this.#pending = [];
      this.#depth--;
    }
  }
}
