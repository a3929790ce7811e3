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
 * Caches are LRU-bounded (4096 entries each), as upstream's are.
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
  /** source + involved object (+ type): the spam filter's key. */
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

const COMBINED_PREFIX = '(combined from similar events): ';

class Lru<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
  }
}

export class EventCorrelator {
  readonly #maxSimilar: number;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #qps: number;
  readonly #aggregates: Lru<{ messages: Set<string>; last: number }>;
  readonly #stored: Lru<StoredEventRef>;
  readonly #buckets: Lru<{ tokens: number; last: number }>;

  constructor(config: EventCorrelatorConfig = {}) {
    const size = config.cacheSize ?? 4096;
    this.#maxSimilar = config.maxSimilar ?? 10;
    this.#windowMs = config.aggregateWindowMs ?? 600_000;
    this.#burst = config.spamBurst ?? 25;
    this.#qps = config.spamQps ?? 1 / 300;
    this.#aggregates = new Lru(size);
    this.#stored = new Lru(size);
    this.#buckets = new Lru(size);
  }

  /**
   * Correlates one event at `now` (ms): aggregates, finds the stored event to
   * bump, and applies the spam filter. The caller records the result with
   * `remember` after writing it.
   */
  correlate(event: EventIdentity, now: number): CorrelatedEvent {
    const aggregateKey = `${event.object}\u0000${event.type}\u0000${event.reason}`;
    let record = this.#aggregates.get(aggregateKey);
    if (!record || now - record.last > this.#windowMs) record = { messages: new Set(), last: now };
    record.messages.add(event.message);
    record.last = now;
    this.#aggregates.set(aggregateKey, record);
    let message = event.message;
    let key = `${aggregateKey}\u0000${event.message}`;
    if (record.messages.size >= this.#maxSimilar) {
      const first = record.messages.values().next().value as string;
      record.messages.delete(first);
      message = COMBINED_PREFIX + event.message;
      key = aggregateKey;
    }
    return { message, key, existing: this.#stored.get(key), allowed: this.#take(event.object, now) };
  }

  /** Records where the event of `key` is stored. */
  remember(key: string, ref: StoredEventRef): void {
    this.#stored.set(key, ref);
  }

  /** Token bucket of the spam filter (`EventSourceObjectSpamFilter`). */
  #take(object: string, now: number): boolean {
    let bucket = this.#buckets.get(object);
    if (!bucket) bucket = { tokens: this.#burst, last: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.last) / 1000) * this.#qps);
    bucket.last = now;
    this.#buckets.set(object, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
