/**
 * The controller runtime (sample-controller `processNextWorkItem`/`syncHandler`):
 * a keyed work queue drained by a reconcile function. Reconcile errors are
 * classified: a NotFound stops (the object is gone), anything else is retried
 * with back-off. An invalid spec is the reconciler's to report (status, event)
 * with a normal return.
 */
import { isNotFound } from '../../api/errors.js';
import type { Logger } from '../../log/index.js';
import { WorkQueue } from '../../store/workqueue.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';

/** What `new Controller(config)` needs. */
export interface ControllerConfig<K = string> {
  /** Used in logs: `controller/replicaset`. */
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Brings the world in line with the desired state of one key. Must not run
   * concurrently for the same key (the queue guarantees it). May be sync or async.
   */
  readonly reconcile: (key: K) => void | Promise<void>;
  /** Keys reconciled concurrently when reconcile is async. @default 1 */
  readonly workers?: number;
  /** Synchronous reconciles run back to back for at most this long before yielding to I/O. @default 20 */
  readonly sliceMs?: number;
  /** Give up retrying a key after this many failures (it is dropped and logged). @default 15 */
  readonly maxRetries?: number;
}

/**
 * A keyed work queue drained by `reconcile`. `start` begins draining (between
 * I/O turns, in slices), `stop` shuts the queue and waits for in-flight work.
 */
export class Controller<K = string> {
  readonly queue: WorkQueue<K>;
  readonly name: string;
  readonly #config: ControllerConfig<K>;
  readonly #logger: Logger;
  #running = false;
  #scheduled = false;
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];
  #stopWaiters: Array<() => void> = [];
  #reconciles = 0;

  constructor(config: ControllerConfig<K>) {
    this.#config = config;
    this.name = config.name;
    this.#logger = config.logger;
    this.queue = new WorkQueue<K>({ clock: config.clock });
    this.queue.onAdd(() => this.#schedule());
  }

  /** Starts draining the queue; stops when the signal aborts. */
  start(signal?: AbortSignal): void {
    this.#running = true;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.#schedule();
  }

  /**
   * Stops taking new keys; resolves when in-flight reconciles have finished.
   * Keys still queued are dropped, not waited for: nothing drains them any more.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.queue.shutdown();
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#stopWaiters.push(resolve));
  }

  /** How many reconciles have run (for metrics and benchmarks). */
  get reconcileCount(): number {
    return this.#reconciles;
  }

  /** True when nothing is queued or in flight (delayed retries not counted). */
  get idle(): boolean {
    return this.queue.length === 0 && this.#inFlight === 0;
  }

  /** Resolves once nothing is queued or in flight (delayed retries not counted). */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Adds a key (convenience for `queue.add`). */
  enqueue(key: K): void {
    this.queue.add(key);
  }

  #schedule(): void {
    if (!this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    const workers = this.#config.workers ?? 1;
    const deadline = performance.now() + (this.#config.sliceMs ?? 20);
    while (this.#running && this.#inFlight < workers) {
      const key = this.queue.get();
      if (key === undefined) break;
      this.#inFlight++;
      this.#reconciles++;
      let result: void | Promise<void>;
      try {
        result = this.#config.reconcile(key);
      } catch (err) {
        this.#finish(key, err);
        continue;
      }
      if (result instanceof Promise) {
        result.then(
          () => {
            this.#finish(key, undefined);
            this.#schedule();
          },
          (err: unknown) => {
            this.#finish(key, err);
            this.#schedule();
          },
        );
      } else {
        this.#finish(key, undefined);
      }
      if (performance.now() > deadline) {
        this.#schedule();
        return;
      }
    }
    this.#checkIdle();
  }

  #finish(key: K, err: unknown): void {
    this.#inFlight--;
    if (err === undefined || isNotFound(err)) {
      this.queue.forget(key);
    } else if (this.queue.retries(key) >= (this.#config.maxRetries ?? 15)) {
      this.#logger.error({ key, err: errorMessage(err) }, 'Dropping key after repeated failures');
      this.queue.forget(key);
    } else {
      this.#logger.debug({ key, err: errorMessage(err) }, 'Reconcile failed; will retry');
      this.queue.addRateLimited(key);
    }
    this.queue.done(key);
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#inFlight === 0 && this.#stopWaiters.length) {
      const waiters = this.#stopWaiters;
      this.#stopWaiters = [];
      for (const w of waiters) w();
    }
    if (this.queue.length === 0 && this.#inFlight === 0 && this.#idleWaiters.length) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
