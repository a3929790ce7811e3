/**
 * One instance of a simulated container: its app, its place in the pod's port
 * table, its filesystem (created on first use), its fault injector and its log
 * stream. Implements the kubelet's `ContainerHandle`: SIGTERM, the grace period
 * then SIGKILL (exit 137), and one exit callback when the process ends for any
 * reason (a start failure included: the callback fires as soon as it is set).
 */
import type { ContainerHandle } from '../controllers/kubelet/runtime.js';
import type { TimerHandle } from '../util/clock.js';
import type { AppExtras } from './app-extras.js';
import type { ImageProfile } from './catalogue.js';
import { ContainerContext, ContainerExecHost } from './container-context.js';
import { type DnsConfig, hostsFile, type IpFormatter, resolvConf } from './exec/context.js';
import { type ExecHost, type RunResult, runInContainer } from './exec/run.js';
import { type SeedFile, VirtualFs } from './exec/vfs.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultPlan } from './faults.js';
import type { ImageRef } from './image-ref.js';
import type { LogStore } from './logs.js';
import type { PodSandbox } from './sandbox.js';
import type { App, AppContext, AppFactory, AppStartFailure, HttpFlowObserver } from './types.js';

type ExitReason = 'Completed' | 'Error' | 'OOMKilled';
type ExitCallback = (exitCode: number, reason: ExitReason) => void;

/** What every container of a runtime shares (one object, not one per container). */
export interface ContainerServices {
  readonly factory: AppFactory;
  readonly logs: LogStore;
  readonly dns: DnsConfig;
  readonly ipFormatter: IpFormatter | undefined;
  /** Bound for exec runs without their own timeout (ms). */
  readonly execTimeoutMs: number;
  /** `AppContext.httpFlows` of every container. */
  readonly httpFlows: HttpFlowObserver | undefined;
}

/** What one container instance needs; built by the runtime. */
export interface ContainerSetup {
  /** `namespace/pod/container`: the log key. */
  readonly key: string;
  readonly profile: ImageProfile;
  readonly ref: ImageRef;
  readonly sandbox: PodSandbox;
  readonly faultPlan: FaultPlan | undefined;
  /** Pod FQDN when `hostname` + `subdomain` are set. */
  readonly fqdn: string | undefined;
  readonly services: ContainerServices;
  /** The container cannot start (its env references a missing ConfigMap…): reported as its output. */
  readonly configError?: AppStartFailure;
}

/** Apps that print their own bind error (nginx, httpd) implement this. */
interface BindFailureAware {
  onBindFailure(): number;
}

function isStartFailure(x: App | AppStartFailure): x is AppStartFailure {
  return (x as AppStartFailure).kind === 'start-failure';
}

/** A running (or finished) simulated container. */
export class SimulatedContainer implements ContainerHandle, AppExtras {
  readonly setup: ContainerSetup;
  readonly ctx: AppContext;
  #faults: FaultInjector | undefined;
  #app: App | undefined;
  #fs: VirtualFs | undefined;
  #state: 'running' | 'terminating' | 'exited' = 'running';
  #exit: { code: number; reason: ExitReason } | undefined;
  #callback: ExitCallback | undefined;
  #timers: TimerHandle[] | undefined;

  constructor(setup: ContainerSetup, ctx: Omit<AppContext, 'log' | 'exit'>) {
    this.setup = setup;
    this.ctx = new ContainerContext(ctx, this);
    if (setup.faultPlan) this.#faults = this.#newInjector();
  }

  #newInjector(): FaultInjector {
    return new FaultInjector({
      plan: this.setup.faultPlan,
      clock: this.ctx.clock,
      random: this.ctx.random,
      onCrash: (code) => this.#crash(code),
    });
  }

  /** The fault injector of a pod with a fault plan for this container. */
  get faults(): FaultInjector | undefined {
    return this.#faults?.plan ? this.#faults : undefined;
  }

  /** `netkube pod fail-readiness`: readiness probes fail for `ms`. */
  failReadiness(ms: number): void {
    this.#faults ??= this.#newInjector();
    this.#faults.failReadiness(ms);
  }

  /** Whether readiness is forced down now (fault plan schedule or fail-readiness). */
  readinessDown(): boolean {
    return this.#faults?.readinessDown() ?? false;
  }

  /** The filesystem if it exists already. */
  fsIfCreated(): VirtualFs | undefined {
    return this.#fs;
  }

  /** Runs `/bin/sh -c command` (agnhost `/shell`). */
  shell(command: string): Promise<RunResult> {
    return this.exec(['/bin/sh', '-c', command]);
  }

  /** Starts the process: runs the factory and binds its ports in the pod. */
  start(): void {
    this.setup.services.logs.startInstance(this.setup.key);
    const result = this.setup.configError ?? this.setup.services.factory(this.ctx);
    if (isStartFailure(result)) {
      // `message` is the output without its final newline: each line becomes a log line.
      if (result.message !== '') for (const line of result.message.split('\n')) this.writeLog(line);
      this.#finish(result.exitCode);
      return;
    }
    this.#app = result;
    if (this.#state === 'exited') return;
    const binding = { container: this.ctx.container.name, app: result, faults: this.faults };
    const anyPort = (result as { anyTcpPort?: boolean }).anyTcpPort === true;
    const conflict = anyPort ? undefined : this.setup.sandbox.bind(binding, result.listens);
    if (anyPort) this.setup.sandbox.bindAnyTcp(binding);
    if (conflict) {
      const aware = result as App & Partial<BindFailureAware>;
      const code = aware.onBindFailure?.() ?? this.#genericBindFailure(conflict.port, conflict.protocol);
      result.kill();
      this.#finish(code);
      return;
    }
    const crashMs = this.#faults?.crashDelayMs();
    if (crashMs !== undefined) this.#timer(() => this.#faults?.crash(), crashMs);
  }

  #genericBindFailure(port: number, protocol: string): number {
    this.writeLog(`listen ${protocol.toLowerCase()} :${port}: bind: address already in use`);
    return 1;
  }

  /** The app, while running. */
  get app(): App | undefined {
    return this.#state === 'exited' ? undefined : this.#app;
  }

  get running(): boolean {
    return this.#state !== 'exited';
  }

  onExit(callback: ExitCallback): void {
    this.#callback = callback;
    const done = this.#exit;
    if (done) queueMicrotask(() => callback(done.code, done.reason));
  }

  terminate(gracePeriodMs: number): void {
    if (this.#state !== 'running') return;
    this.#state = 'terminating';
    this.#timer(() => this.kill(), Math.max(0, gracePeriodMs));
    this.#app?.terminate();
  }

  kill(): void {
    if (this.#state === 'exited') return;
    this.#app?.kill();
    this.#finish(137);
  }

  /** The container's filesystem (kubelet-managed /etc files and the image's files). */
  fs(): VirtualFs {
    if (this.#fs) return this.#fs;
    const pod = this.#execPod();
    const now = this.ctx.clock.now();
    const seed: Record<string, SeedFile> = {
      ...(this.setup.profile.files?.(this.setup.ref) ?? {}),
      '/etc/hosts': { content: hostsFile(pod), mtimeMs: now },
      '/etc/resolv.conf': { content: resolvConf(pod, this.setup.services.dns), mtimeMs: now },
      '/etc/hostname': { content: `${pod.hostname}\n`, mtimeMs: now },
    };
    this.#fs = new VirtualFs(this.ctx.clock, seed);
    return this.#fs;
  }

  #timer(fn: () => void, ms: number): void {
    this.#timers ??= [];
    const handle = this.ctx.clock.setTimeout(fn, ms);
    handle.unref();
    this.#timers.push(handle);
  }

  /** The container as the safe command set sees it (the filesystem is created when a command touches it). */
  execHost(): ExecHost {
    return new ContainerExecHost(this, this.#execPod());
  }

  /** `kubectl exec` / exec probe / agnhost `/shell`: runs `argv` with the safe command set. */
  exec(argv: readonly string[], options: { timeoutMs?: number; stdin?: string } = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? this.setup.services.execTimeoutMs;
    return runInContainer(this.execHost(), argv, this.ctx.container.env, {
      timeoutMs,
      maxSleepMs: timeoutMs,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
  }

  #execPod() {
    const p = this.ctx.pod;
    return {
      name: p.name,
      namespace: p.namespace,
      ip: p.ip,
      hostname: p.hostname,
      nodeName: p.nodeName,
      ...(this.setup.fqdn ? { fqdn: this.setup.fqdn } : {}),
    };
  }

  /** The process wrote `line` (stdout/stderr are one stream in container logs). */
  writeLog(line: string): void {
    if (this.#state === 'exited') return;
    for (const part of line.split('\n')) this.setup.services.logs.append(this.setup.key, part);
  }

  #crash(code: number): void {
    if (this.#state === 'exited') return;
    this.#app?.kill();
    this.#finish(code);
  }

  /** The process ended by itself with `code` (`AppContext.exit`). */
  processExited(code: number): void {
    this.#finish(code);
  }

  #finish(code: number): void {
    if (this.#state === 'exited') return;
    this.#state = 'exited';
    for (const t of this.#timers ?? []) this.ctx.clock.clearTimeout(t);
    this.#timers = undefined;
    this.setup.sandbox.release(this.ctx.container.name);
    this.setup.services.logs.endInstance(this.setup.key);
    const exit = { code, reason: (code === 0 ? 'Completed' : 'Error') as ExitReason };
    this.#exit = exit;
    const cb = this.#callback;
    if (cb) queueMicrotask(() => cb(exit.code, exit.reason));
  }
}
