/**
 * The flow log: a bounded ring buffer of the flow records the dataplane (and
 * the ingress proxy) emit, with live watchers for `netkube flows -f`. Memory
 * is bounded twice: by record count and by an estimate of the bytes the
 * records retain; the oldest records go first.
 *
 * `record` is on the connection-close path when flows are on: it stores the
 * record the dataplane already built (no copy, no serialisation) and
 * estimates its size from a few string lengths.
 */
import type { FlowRecord, FlowSink } from '../dataplane/flow.js';
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

/**
 * An estimate of the heap a record retains: fixed overheads plus its
 * variable-length strings. Hops are shared with the plan that produced
 * them, but the log is what keeps them alive, so they count.
 */
export function estimateFlowBytes(flow: FlowRecord): number {
  let bytes = RECORD_OVERHEAD + flow.Summary.length + (flow.drop_reason_desc?.length ?? 0);
  for (const h of flow.hops) bytes += HOP_OVERHEAD + h.summary.length + (h.route?.length ?? 0);
  return bytes;
}

export class FlowLog implements FlowSink {
  readonly #maxFlows: number;
  readonly #maxBytes: number;
  #enabled: boolean;
  readonly #ring: (FlowRecord | undefined)[];
  readonly #sizes: Float64Array;
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
    this.#ring = new Array<FlowRecord | undefined>(maxFlows).fill(undefined);
    this.#sizes = new Float64Array(maxFlows);
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
    const size = estimateFlowBytes(flow);
    while (this.#count > 0 && (this.#count >= this.#maxFlows || this.#bytes + size > this.#maxBytes))
      this.#evict();
    const i = (this.#start + this.#count) % this.#maxFlows;
    this.#ring[i] = flow;
    this.#sizes[i] = size;
    this.#count++;
    this.#bytes += size;
    this.#total++;
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
      const flow = this.#ring[(this.#start + k) % this.#maxFlows] as FlowRecord;
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
