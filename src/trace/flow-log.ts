/**
 * The flow log: a bounded ring buffer of the flow records the dataplane (L3/L4,
 * one per connection) and the HTTP apps and ingress controller (L7, one per
 * answered request) emit, with live watchers for `netkube flows -f`. Memory
 * is bounded twice: by record count and by an estimate of the bytes the
 * records retain; the oldest records go first.
 *
 * `recordPending` is on the connection-close path when flows are on: it
 * stores the dataplane's `PendingFlow` (no copy, no record built yet) and
 * estimates its size from its hops. `recordHttp`, once per answered request,
 * copies the request's fields into the log's columns (`HttpColumns`) and keeps
 * none of its objects. Records are built when they are read (`list`, or at
 * once when someone watches), once each.
 */
import type { FlowRecord, FlowSink, PendingRecord } from '../dataplane/flow.js';
import { buildConnectionRecord, type FlowInput, type Owner, PendingFlow } from '../dataplane/flow-builder.js';
import { buildHttpRecord, httpTextLength, PendingHttpFlow } from '../dataplane/flow-http.js';
import type { HttpExchange } from '../workloads/types.js';
import { ConnectionColumns, HttpColumns } from './flow-columns.js';
import { type FlowFilter, matchesFlow } from './flow-filter.js';

export interface FlowLogConfig {
  /** At most this many records. @default 10_000 */
  readonly maxFlows?: number;
  /** At most about this many bytes of records. @default 16 MiB */
  readonly maxBytes?: number;
  /** Whether the dataplane should build records at all. @default true */
  readonly enabled?: boolean;
}

/** A watcher of new flows. */
export type FlowListener = (flow: FlowRecord) => void;

/** Fixed cost of a record and of each hop (objects, tuples, numbers), measured with the heap profiler. */
const RECORD_OVERHEAD = 1200;
const HOP_OVERHEAD = 420;
/** What a pending flow's Summary and drop reason will take once built (they are ~100–200 characters). */
const PENDING_STRINGS = 240;
/** An L7 record's `l7`, `http` and `ingress` objects and its fixed strings (no hops). */
const L7_OVERHEAD = 400;

function hopBytes(hops: FlowRecord['hops']): number {
  let bytes = 0;
  for (const h of hops) bytes += HOP_OVERHEAD + h.summary.length + (h.route?.length ?? 0);
  return bytes;
}

/**
 * An estimate of the heap a record retains: fixed overheads plus its
 * variable-length strings. Hops are shared with the plan that produced
 * them, but the log is what keeps them alive, so they count.
 */
export function estimateFlowBytes(flow: FlowRecord): number {
  const http = flow.l7?.http;
  const l7 = http ? L7_OVERHEAD + http.url.length + (http.host?.length ?? 0) : 0;
  return (
    RECORD_OVERHEAD + l7 + flow.Summary.length + (flow.drop_reason_desc?.length ?? 0) + hopBytes(flow.hops)
  );
}

/** The same estimate for a flow not built yet: counted as if it were, so the bound holds after reads. */
export function estimatePendingBytes(flow: PendingRecord): number {
  if (flow instanceof PendingHttpFlow) return RECORD_OVERHEAD + L7_OVERHEAD + flow.textLength;
  return RECORD_OVERHEAD + PENDING_STRINGS + hopBytes(flow.hops);
}

/** Marks a slot whose flow is a row of the log's `HttpColumns` (L7) or `ConnectionColumns` (L3/L4), not built yet. */
const HTTP_ROW = Symbol('http row');
const CONNECTION_ROW = Symbol('connection row');

/** A kept flow: a record, a pending flow, or a row; each becomes a record on first read. */
type Kept = FlowRecord | PendingRecord | typeof HTTP_ROW | typeof CONNECTION_ROW;

export class FlowLog implements FlowSink {
  readonly #maxFlows: number;
  readonly #maxBytes: number;
  #enabled: boolean;
  readonly #ring: (Kept | undefined)[];
  readonly #sizes: Float64Array;
  readonly #http: HttpColumns;
  readonly #connections: ConnectionColumns;
  #start = 0;
  #count = 0;
  #bytes = 0;
  #evicted = 0;
  #total = 0;
  readonly #listeners = new Set<{ filter: FlowFilter | undefined; fn: FlowListener }>();

  constructor(config: FlowLogConfig = {}) {
    const maxFlows = config.maxFlows ?? 10_000;
    const maxBytes = config.maxBytes ?? 16 * 1024 * 1024;
    if (!Number.isInteger(maxFlows) || maxFlows < 1)
      throw new RangeError(`maxFlows must be a positive integer, got ${maxFlows}`);
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
    this.#maxFlows = maxFlows;
    this.#maxBytes = maxBytes;
    this.#enabled = config.enabled ?? true;
    this.#ring = new Array<Kept | undefined>(maxFlows).fill(undefined);
    this.#sizes = new Float64Array(maxFlows);
    this.#http = new HttpColumns(maxFlows);
    this.#connections = new ConnectionColumns(maxFlows);
  }

  /** Whether the dataplane builds records (FlowSink). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Turns recording on or off; records already kept stay. */
  setEnabled(on: boolean): void {
    this.#enabled = on;
  }

  /** Stores a record, evicting the oldest ones past either bound, and tells watchers. Never throws. */
  record(flow: FlowRecord): void {
    if (!this.#enabled) return;
    this.#keep(flow, estimateFlowBytes(flow));
    if (this.#listeners.size > 0) this.#tell(flow);
  }

  /**
   * Stores a finished connection without building its record (FlowSink, the
   * dataplane's path); watchers, when there are any, get the record at once.
   * Never throws.
   */
  recordPending(flow: PendingRecord): void {
    if (!this.#enabled) return;
    this.#keep(flow, estimatePendingBytes(flow));
    if (this.#listeners.size > 0) this.#tell(flow.record());
  }

  /**
   * Stores an answered HTTP request as a row of columns (FlowSink, the HTTP
   * observer's path): nothing of `exchange` is kept. Never throws.
   */
  recordHttp(exchange: HttpExchange, client: Owner): void {
    if (!this.#enabled) return;
    const i = this.#keep(HTTP_ROW, RECORD_OVERHEAD + L7_OVERHEAD + httpTextLength(exchange));
    this.#http.write(i, exchange, client);
    if (this.#listeners.size > 0) this.#tell(this.#built(i));
  }

  /**
   * Stores a finished connection as a row of columns (FlowSink, the
   * dataplane's path): of its objects only the plan's hops are kept. Never throws.
   */
  recordConnection(input: FlowInput): void {
    if (!this.#enabled) return;
    const i = this.#keep(CONNECTION_ROW, RECORD_OVERHEAD + PENDING_STRINGS + hopBytes(input.plan.hops));
    this.#connections.write(i, input);
    if (this.#listeners.size > 0) this.#tell(this.#built(i));
  }

  /** Stores `flow` in the next slot, evicting the oldest past either bound; returns the slot. */
  #keep(flow: Kept, size: number): number {
    while (this.#count > 0 && (this.#count >= this.#maxFlows || this.#bytes + size > this.#maxBytes))
      this.#evict();
    const i = (this.#start + this.#count) % this.#maxFlows;
    this.#ring[i] = flow;
    this.#sizes[i] = size;
    this.#count++;
    this.#bytes += size;
    this.#total++;
    return i;
  }

  /** The record of slot `i`, built on the first read and kept (same uuid on every read). */
  #built(i: number): FlowRecord {
    const flow = this.#ring[i] as Kept;
    let record: FlowRecord;
    if (flow === HTTP_ROW) record = buildHttpRecord(this.#http.exchange(i), this.#http.client(i));
    else if (flow === CONNECTION_ROW) record = buildConnectionRecord(this.#connections.facts(i));
    else if (flow instanceof PendingFlow || flow instanceof PendingHttpFlow) record = flow.record();
    else return flow;
    this.#ring[i] = record;
    return record;
  }

  #tell(flow: FlowRecord): void {
    for (const l of this.#listeners) {
      if (l.filter && !matchesFlow(l.filter, flow)) continue;
      try {
        l.fn(flow);
      } catch {
        // A watcher's failure (a closed stream) must not reach the dataplane.
      }
    }
  }

  #evict(): void {
    this.#bytes -= this.#sizes[this.#start] as number;
    this.#ring[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.#maxFlows;
    this.#count--;
    this.#evicted++;
  }

  /** The most recent `limit` records passing `filter`, oldest first. */
  list(options: { filter?: FlowFilter; limit?: number } = {}): FlowRecord[] {
    const limit = options.limit ?? this.#count;
    const out: FlowRecord[] = [];
    for (let k = this.#count - 1; k >= 0 && out.length < limit; k--) {
      const flow = this.#built((this.#start + k) % this.#maxFlows);
      if (!options.filter || matchesFlow(options.filter, flow)) out.push(flow);
    }
    return out.reverse();
  }

  /** Calls `fn` for every new record passing `filter`, until the returned function is called. */
  watch(fn: FlowListener, filter?: FlowFilter): () => void {
    const entry = { filter, fn };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Counts for `netkube status` and the bounds test. */
  stats(): {
    flows: number;
    bytes: number;
    evicted: number;
    total: number;
    maxFlows: number;
    maxBytes: number;
  } {
    return {
      flows: this.#count,
      bytes: this.#bytes,
      evicted: this.#evicted,
      total: this.#total,
      maxFlows: this.#maxFlows,
      maxBytes: this.#maxBytes,
    };
  }
}
