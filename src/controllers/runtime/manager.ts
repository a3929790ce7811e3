/**
 * The ControllerManager (kube-controller-manager in one process): starts a set
 * of controllers in order, stops them in reverse order, and can wait until the
 * whole control loop has settled — every controller idle at the same moment —
 * which is what tests, benchmarks and `netkube up` ("return once ready") need.
 */
import type { Logger } from '../../log/index.js';

/** What the manager needs from a controller. Every controller of this folder satisfies it. */
export interface ManagedController {
  /** Used in logs: `deployment`, `scheduler`. */
  readonly name: string;
  /** Subscribes to the store and starts draining its queue. Called once. */
  start(signal: AbortSignal): void;
  /** Unsubscribes and resolves once in-flight work has finished. */
  stop(): Promise<void>;
  /** True when nothing is queued or in flight (delayed retries are not counted). */
  readonly idle: boolean;
  /** Resolves once nothing is queued or in flight. */
  whenIdle(): Promise<void>;
  /** Reconciles run so far, when the controller counts them. */
  readonly reconcileCount?: number;
}

/** The controllers to run, in start order. */
export interface ControllerManagerConfig {
  readonly controllers: readonly ManagedController[];
  readonly logger: Logger;
}

/** Runs a set of controllers: `start(signal)`, `settle()`, `stop()`. */
export class ControllerManager {
  readonly #controllers: readonly ManagedController[];
  readonly #logger: Logger;
  #abort: AbortController | undefined;

  constructor(config: ControllerManagerConfig) {
    const names = new Set<string>();
    for (const c of config.controllers) {
      if (names.has(c.name)) throw new Error(`Controller ${c.name} is registered twice`);
      names.add(c.name);
    }
    this.#controllers = config.controllers;
    this.#logger = config.logger;
  }

  /** The controllers, in start order. */
  get controllers(): readonly ManagedController[] {
    return this.#controllers;
  }

  /**
   * Starts every controller in order. Aborting `signal` stops them all (as
   * `stop()` does). Throws if already started.
   */
  start(signal?: AbortSignal): void {
    if (this.#abort) throw new Error('ControllerManager already started');
    const abort = new AbortController();
    this.#abort = abort;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    for (const c of this.#controllers) c.start(abort.signal);
    this.#logger.info({ controllers: this.#controllers.map((c) => c.name) }, 'Started controllers');
  }

  /** Stops every controller, last started first; resolves when all have finished. */
  async stop(): Promise<void> {
    const abort = this.#abort;
    if (!abort || abort.signal.aborted) return;
    abort.abort();
    for (const c of [...this.#controllers].reverse()) await c.stop();
    this.#logger.info('Stopped controllers');
  }

  /** True when every controller is idle right now. */
  get idle(): boolean {
    return this.#controllers.every((c) => c.idle);
  }

  /**
   * Resolves once every controller is idle at the same moment, after giving
   * I/O callbacks a turn between checks (one controller's writes wake others).
   * Work scheduled for later (`addAfter`, back-off) does not count: advance the
   * clock and call again to run it.
   */
  async settle(): Promise<void> {
    for (;;) {
      for (const c of this.#controllers) await c.whenIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.idle) return;
    }
  }
}
