/**
 * Lifecycle shared by every simulated image: connection tracking (so SIGKILL and
 * exit can close what is open), timers that die with the process, and the
 * terminate → exit path. Image modules extend `SimulatedApp` and implement
 * `serve`; heavy state is created on first use so an idle pod stays small.
 */
import type { Duplex } from 'node:stream';
import type { TimerHandle } from '../../util/clock.js';
import type { AppContext, AppStartFailure, ListenSpec, PodConnection } from '../types.js';

/** Base of every simulated app. */
export abstract class SimulatedApp {
  readonly listens: readonly ListenSpec[];
  protected readonly ctx: AppContext;
  /** Monotonic start, for Go's `m=+…` readings and uptime. */
  protected readonly startedAt: number;
  #connections: Set<Duplex> | undefined;
  #timers: Set<TimerHandle> | undefined;
  #state: 'running' | 'terminating' | 'exited' = 'running';

  constructor(ctx: AppContext, listens: readonly ListenSpec[]) {
    this.ctx = ctx;
    this.listens = listens;
    this.startedAt = ctx.clock.now();
  }

  /** Takes ownership of a connection; after exit it is closed at once. */
  handleConnection(conn: PodConnection): void {
    if (this.#state === 'exited') {
      conn.socket.destroy();
      return;
    }
    this.track(conn.socket);
    this.serve(conn);
  }

  /** Protocol handling of one connection, implemented per image. */
  protected abstract serve(conn: PodConnection): void;

  /**
   * SIGTERM. Default: the process dies of the signal (exit 143), as a Go binary
   * without a signal handler does; images with handlers override `onTerminate`.
   */
  terminate(): void {
    if (this.#state !== 'running') return;
    this.#state = 'terminating';
    this.onTerminate();
  }

  /** SIGKILL: stop now; the runtime reports exit code 137 itself. */
  kill(): void {
    if (this.#state === 'exited') return;
    this.#state = 'exited';
    this.#stop();
  }

  protected onTerminate(): void {
    this.exit(143);
  }

  /** Image-specific cleanup when the process ends (clear state, close UDP…). */
  protected onStop(): void {}

  /** The process exits with `code`. Idempotent. */
  protected exit(code: number): void {
    if (this.#state === 'exited') return;
    this.#state = 'exited';
    this.#stop();
    this.ctx.exit(code);
  }

  protected get terminating(): boolean {
    return this.#state === 'terminating';
  }

  protected get exited(): boolean {
    return this.#state === 'exited';
  }

  /** Remembers an open socket until it closes. */
  protected track(socket: Duplex): void {
    if (!this.#connections) this.#connections = new Set();
    const set = this.#connections;
    set.add(socket);
    socket.once('close', () => set.delete(socket));
  }

  /** Number of open connections (graceful shutdown waits for zero). */
  protected get openConnections(): number {
    return this.#connections?.size ?? 0;
  }

  /** The connections currently open. */
  protected trackedSockets(): Duplex[] {
    return [...(this.#connections ?? [])];
  }

  /** Destroys open connections (Go's `Server.Shutdown` closes idle ones; SIGKILL closes all). */
  protected closeConnections(): void {
    for (const socket of this.#connections ?? []) socket.destroy();
  }

  /** A timer that is cancelled if the process ends first. */
  protected setTimer(fn: () => void, ms: number): TimerHandle {
    if (!this.#timers) this.#timers = new Set();
    const timers = this.#timers;
    const handle = this.ctx.clock.setTimeout(() => {
      timers.delete(handle);
      if (this.#state !== 'exited') fn();
    }, ms);
    handle.unref();
    timers.add(handle);
    return handle;
  }

  protected clearTimer(handle: TimerHandle): void {
    this.ctx.clock.clearTimeout(handle);
    this.#timers?.delete(handle);
  }

  /** Resolves after `ms` of the injected clock (never if the process ends first). */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimer(resolve, ms);
    });
  }

  #stop(): void {
    for (const t of this.#timers ?? []) this.ctx.clock.clearTimeout(t);
    this.#timers = undefined;
    this.closeConnections();
    this.onStop();
  }
}

/** A start failure: the binary printed `message` and exited with `exitCode`. */
export function startFailure(exitCode: number, message: string): AppStartFailure {
  return { kind: 'start-failure', exitCode, message };
}

/** The ports a container declares, or `fallback` when it declares none. */
export function declaredTcpPorts(ctx: AppContext): number[] {
  return ctx.container.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
}
