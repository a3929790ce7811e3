/**
 * kube-proxy's `BoundedFrequencyRunner` (pkg/util/async): runs a function when asked,
 * but never more often than `minIntervalMs`, and at least every `maxIntervalMs`; a
 * failed run can ask to be retried sooner. Requests that arrive while a run is pending
 * coalesce into it. Time comes from the injected clock.
 */
import type { Clock, TimerHandle } from '../util/clock.js';

export interface BoundedFrequencyRunnerConfig {
  readonly clock: Clock;
  /** The work; synchronous. Exceptions are the caller's to catch. */
  readonly run: () => void;
  /** Minimum time between two runs (`--iptables-min-sync-period`). */
  readonly minIntervalMs: number;
  /** Maximum time between two runs (`--iptables-sync-period`); 0 disables periodic runs. */
  readonly maxIntervalMs: number;
}

/** Debounces sync requests. Not reentrant: `run` must not call `request` synchronously expecting a second run. */
export class BoundedFrequencyRunner {
  readonly #config: BoundedFrequencyRunnerConfig;
  #lastRun = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = true;

  constructor(config: BoundedFrequencyRunnerConfig) {
    if (config.minIntervalMs < 0 || config.maxIntervalMs < 0)
      throw new RangeError('Intervals must not be negative');
    this.#config = config;
  }

  /** Starts the periodic runs and accepts requests. */
  start(): void {
    this.#stopped = false;
    this.#armPeriodic();
  }

  /** Cancels pending runs; later requests are ignored until `start`. */
  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  /** Runs now, bypassing the minimum interval, and counts it as a run (start-up, tests). */
  runNow(): void {
    this.#cancel();
    this.#fire();
  }

  /** Asks for a run as soon as the minimum interval allows (`Run()`). */
  request(): void {
    if (this.#stopped) return;
    const earliest = this.#lastRun + this.#config.minIntervalMs;
    this.#schedule(Math.max(0, earliest - this.#config.clock.now()));
  }

  /** Asks for a run after `ms` at the latest (`RetryAfter`), e.g. after a failed sync. */
  retryAfter(ms: number): void {
    if (this.#stopped) return;
    this.#schedule(Math.max(ms, this.#lastRun + this.#config.minIntervalMs - this.#config.clock.now()));
  }

  #schedule(delayMs: number): void {
    const at = this.#config.clock.now() + delayMs;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#cancel();
    this.#timerAt = at;
    this.#timer = this.#config.clock.setTimeout(() => {
      if (!this.#stopped) this.#fire();
    }, delayMs);
    this.#timer.unref();
  }

  #armPeriodic(): void {
    if (this.#config.maxIntervalMs > 0) this.#schedule(this.#config.maxIntervalMs);
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#config.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#lastRun = this.#config.clock.now();
    try {
      this.#config.run();
    } finally {
      if (!this.#stopped && this.#timer === undefined) this.#armPeriodic();
    }
  }
}
