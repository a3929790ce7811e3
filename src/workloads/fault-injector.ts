/**
 * Applies a container's `FaultPlan` while it runs: per-request decisions
 * (latency, errors), the request counter behind crash-after-requests, refused
 * connections, and readiness forced down by the plan or by
 * `netkube pod fail-readiness`. One injector per running container; a restart
 * gets a fresh one (the counter and the readiness window start over).
 */
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { type FaultPlan, readinessForcedDown } from './faults.js';

/** What happens to one request (or one connection, for non-HTTP apps). */
export interface FaultDecision {
  /** Milliseconds to wait before the app sees the request. */
  readonly delayMs: number;
  /** `http-500`: the server answers its own 500; `reset`: the connection is reset. */
  readonly failure: 'none' | 'http-500' | 'reset';
}

const PASS: FaultDecision = { delayMs: 0, failure: 'none' };

export interface FaultInjectorConfig {
  readonly plan: FaultPlan | undefined;
  readonly clock: Clock;
  readonly random: Random;
  /** Called once when an injected crash is due; the container exits with `exitCode`. */
  readonly onCrash: (exitCode: number) => void;
}

/** Fault state of one running container. */
export class FaultInjector {
  readonly #plan: FaultPlan | undefined;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #onCrash: (exitCode: number) => void;
  readonly #startedAt: number;
  #served = 0;
  #crashed = false;
  #manualDownUntil = 0;

  constructor(config: FaultInjectorConfig) {
    this.#plan = config.plan;
    this.#clock = config.clock;
    this.#random = config.random;
    this.#onCrash = config.onCrash;
    this.#startedAt = config.clock.now();
  }

  /** The plan in force (undefined when the pod has no fault annotations for this container). */
  get plan(): FaultPlan | undefined {
    return this.#plan;
  }

  /** Decides the fate of the next request; call `afterRequest` when it has been answered. */
  beforeRequest(): FaultDecision {
    const plan = this.#plan;
    if (!plan) return PASS;
    const delayMs = plan.latencyMs + (plan.jitterMs > 0 ? this.#random.float() * plan.jitterMs : 0);
    const failing = plan.errorRate > 0 && this.#random.float() < plan.errorRate;
    if (delayMs === 0 && !failing) return PASS;
    return { delayMs, failure: failing ? plan.errorMode : 'none' };
  }

  /** Counts a served request; triggers the crash once the plan's count is reached. */
  afterRequest(): void {
    const limit = this.#plan?.crashAfterRequests;
    if (limit === undefined || this.#crashed) return;
    this.#served++;
    if (this.#served >= limit) this.crash();
  }

  /** Runs `fn` after `ms` on the container's clock (injected latency). */
  delay(fn: () => void, ms: number): void {
    this.#clock.setTimeout(fn, ms).unref();
  }

  /** Ends the process with the plan's exit code (once). */
  crash(): void {
    if (this.#crashed) return;
    this.#crashed = true;
    this.#onCrash(this.#plan?.crashExitCode ?? 1);
  }

  /** Whether new connections are refused right now. */
  refusesConnections(): boolean {
    return this.#plan?.refuseConnections === true;
  }

  /** Readiness forced down (by the plan's schedule or a manual fail-readiness window). */
  readinessDown(): boolean {
    const now = this.#clock.now();
    if (now < this.#manualDownUntil) return true;
    return this.#plan ? readinessForcedDown(this.#plan, now - this.#startedAt) : false;
  }

  /** `netkube pod fail-readiness`: readiness fails for `ms` from now. */
  failReadiness(ms: number): void {
    this.#manualDownUntil = Math.max(this.#manualDownUntil, this.#clock.now() + ms);
  }

  /** Milliseconds until the plan's crash-after is due (undefined when none). */
  crashDelayMs(): number | undefined {
    return this.#plan?.crashAfterMs;
  }
}
