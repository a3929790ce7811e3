/**
 * client-go's EventCorrelator (`tools/record/events_cache.go`), the reason
 * `kubectl describe` shows `(x16 over 2m)` and `(combined from similar
 * events): …` instead of one line per event:
 *
 * - aggregation: once an object has had 10 distinct messages for the same
 *   reason within 10 minutes, further ones are folded into one event whose
 *   message is prefixed with `(combined from similar events): `;
 * - deduplication: an identical event bumps `count` on the existing one;
 * - spam filter: each source/object pair has a token bucket of 25 events,
 *   refilled at one per 5 minutes; events beyond it are dropped.
 *
 * State is LRU-bounded at 4096 source/object pairs, as upstream bounds its caches.
 */

export interface EventCorrelatorConfig {
  /** Distinct messages before aggregation (`maxEvents`). @default 10 */
  readonly maxSimilar?: number;
  /** Aggregation window (`maxIntervalInSeconds`). @default 600_000 */
  readonly aggregateWindowMs?: number;
  /** Spam filter burst. @default 25 */
  readonly spamBurst?: number;
  /** Spam filter refill, tokens per second. @default 1 / 300 */
  readonly spamQps?: number;
  /** Entries per cache. @default 4096 */
  readonly cacheSize?: number;
}

/** Where a correlated event was stored, to bump it next time. */
export interface StoredEventRef {
  readonly namespace: string;
  readonly name: string;
}

/** What to do with one event. */
export interface CorrelatedEvent {
  /** The message to record (prefixed when aggregated). */
  readonly message: string;
  /** Deduplication key: identical events share it. */
  readonly key: string;
  /** The event already stored under `key` (bump its count), if any. */
  readonly existing: StoredEventRef | undefined;
  /** False when the spam filter drops the event. */
  readonly allowed: boolean;
}

/** Identity of an event for correlation. */
export interface EventIdentity {
  /** The involved object: its uid (or kind/namespace/name when it has none). */
  readonly object: string;
  /** The reporting source: component, host and field path. */
  readonly source: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

const COMBINED_PREFIX = '(combined from similar events): ';

/**
 * An approximate LRU in two generations: lookups promote entries to the
 * current map; when it fills half the capacity it becomes the previous one and
 * the oldest generation is dropped whole. No per-entry deletes or ordering
 * work, which matters when every pod brings a new key.
 */
class Lru<V> {
  readonly #half: number;
  #current = new Map<string, V>();
  #previous = new Map<string, V>();

  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
  }

  get(key: string): V | undefined {
    const v = this.#current.get(key);
    if (v !== undefined) return v;
    const old = this.#previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    this.#current.set(key, value);
    if (this.#current.size >= this.#half) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }
}

/** Distinct recent messages of one type/reason of an object (at most `maxSimilar`). */
interface AggregateRecord {
  readonly key: string;
  readonly messages: string[];
  last: number;
}

/**
 * What the correlator remembers about one source/object pair. Most objects
 * see one source and one or two kinds of event, so small arrays stand in for
 * maps (this runs for every event; 100,000 pods mean 100,000 objects).
 */
interface SourceState {
  readonly source: string;
  /** Spam filter token bucket. */
  tokens: number;
  last: number;
  readonly aggregates: AggregateRecord[];
  /** Deduplication key → where that event is stored, newest last. */
  readonly stored: Array<{ readonly key: string; readonly ref: StoredEventRef }>;
}

/** Most stored-event references kept per object (oldest dropped). */
const MAX_STORED_PER_OBJECT = 64;

/**
 * One LRU of per-object state holds what upstream keeps in three LRUs (the
 * aggregator's, the logger's and the spam filter's); one lookup per event.
 */
export class EventCorrelator {
  readonly #maxSimilar: number;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #qps: number;
  /** Keyed by object uid: a string stored in the object, so its hash is computed once. */
  readonly #objects: Lru<SourceState[]>;

  constructor(config: EventCorrelatorConfig = {}) {
    this.#maxSimilar = config.maxSimilar ?? 10;
    this.#windowMs = config.aggregateWindowMs ?? 600_000;
    this.#burst = config.spamBurst ?? 25;
    this.#qps = config.spamQps ?? 1 / 300;
    this.#objects = new Lru(config.cacheSize ?? 4096);
  }

  /**
   * Correlates one event at `now` (ms): aggregates, finds the stored event to
   * bump, and applies the spam filter. The caller records where it stored the
   * result with `remember`.
   */
  correlate(event: EventIdentity, now: number): CorrelatedEvent {
    const state = this.#state(event.object, event.source, now);
    const aggregateKey = `${event.type}\u0000${event.reason}`;
    let record = state.aggregates.find((r) => r.key === aggregateKey);
    if (!record || now - record.last > this.#windowMs) {
      if (record) state.aggregates.splice(state.aggregates.indexOf(record), 1);
      record = { key: aggregateKey, messages: [], last: now };
      state.aggregates.push(record);
    }
    if (!record.messages.includes(event.message)) record.messages.push(event.message);
    record.last = now;
    let message = event.message;
    let key = `${aggregateKey}\u0000${event.message}`;
    if (record.messages.length >= this.#maxSimilar) {
      record.messages.shift();
      message = COMBINED_PREFIX + event.message;
      key = aggregateKey;
    }
    const existing = state.stored.find((s) => s.key === key)?.ref;
    return { message, key, existing, allowed: this.#take(state, now) };
  }

  /** Records where the event of `key` (from `correlate`) for `object` and `source` is stored. */
  remember(object: string, source: string, key: string, ref: StoredEventRef): void {
    const state = this.#objects.get(object)?.find((s) => s.source === source);
    if (!state) return;
    const i = state.stored.findIndex((s) => s.key === key);
    if (i >= 0) state.stored.splice(i, 1);
    state.stored.push({ key, ref });
    if (state.stored.length > MAX_STORED_PER_OBJECT) state.stored.shift();
  }

  #state(object: string, source: string, now: number): SourceState {
    let sources = this.#objects.get(object);
    if (!sources) {
      sources = [];
      this.#objects.set(object, sources);
    }
    let state = sources.find((s) => s.source === source);
    if (!state) {
      state = { source, tokens: this.#burst, last: now, aggregates: [], stored: [] };
      sources.push(state);
    }
    return state;
  }

  /** Token bucket of the spam filter (`EventSourceObjectSpamFilter`). */
  #take(state: SourceState, now: number): boolean {
    state.tokens = Math.min(this.#burst, state.tokens + ((now - state.last) / 1000) * this.#qps);
    state.last = now;
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }
}
