/**
 * A keyed work queue with client-go semantics (`util/workqueue/queue.go`): a key
 * is queued at most once however often it is added; a key being processed is
 * not handed out again until `done`, and if it was added meanwhile it is queued
 * again then. Failed keys come back with per-key exponential back-off.
 */
import type { Clock, TimerHandle } from '../util/clock.js';

export interface WorkQueueConfig {
  readonly clock: Clock;
  /** First retry delay. @default 5 */
  readonly baseDelayMs?: number;
  /** Longest retry delay. @default 60_000 */
  readonly maxDelayMs?: number;
}

export class WorkQueue<K = string> {
  #queue: K[] = [];
  #head = 0;
  #dirty = new Set<K>();
  #processing = new Set<K>();
  #failures = new Map<K, number>();
  #delayed = new Map<K, TimerHandle>();
  #shuttingDown = false;
  #listeners = new Set<() => void>();
  readonly #clock: Clock;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(config: WorkQueueConfig) {
    this.#clock = config.clock;
    this.#baseDelayMs = config.baseDelayMs ?? 5;
    this.#maxDelayMs = config.maxDelayMs ?? 60_000;
  }

  /** Number of keys waiting to be handed out. */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** True when nothing is queued, processing or waiting on a delay. */
  get idle(): boolean {
    return this.length === 0 && this.#processing.size === 0 && this.#delayed.size === 0;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Calls `fn` whenever a key becomes available. Used by the controller runner to wake up. */
  onAdd(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Marks a key as needing work. */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    for (const fn of this.#listeners) fn();
  }

  /** Adds a key after `ms`; an earlier pending delay for the same key is kept if sooner. */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    if (this.#delayed.has(key)) return;
    const handle = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    handle.unref();
    this.#delayed.set(key, handle);
  }

  /** Re-adds a failed key after its back-off: base × 2^failures, capped. */
  addRateLimited(key: K): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** n));
  }

  /** How many times a key has failed since it was last forgotten. */
  retries(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Clears a key's failure count after a successful sync. */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  /**
   * Hands out the next key, or undefined when none is queued. The caller must
   * call `done(key)` when finished, whatever the outcome.
   */
  get(): K | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const key = this.#queue[this.#head] as K;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#processing.add(key);
    this.#dirty.delete(key);
    return key;
  }

  /** Ends processing of a key; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      for (const fn of this.#listeners) fn();
    }
  }

  /** Stops accepting keys and cancels delayed adds. */
  shutdown(): void {
    this.#shuttingDown = true;
    for (const h of this.#delayed.values()) this.#clock.clearTimeout(h);
    this.#delayed.clear();
  }
}
