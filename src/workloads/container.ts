/**
 * One instance of a simulated container: its app, its place in the pod's port
 * table, its filesystem (created on first use), its fault injector and its log
 * stream. Implements the kubelet's `ContainerHandle`: SIGTERM, the grace period
 * then SIGKILL (exit 137), and one exit callback when the process ends for any
 * reason (a start failure included: the callback fires as soon as it is set).
 */
import type { ContainerHandle } from '../controllers/kubelet/runtime.js';
import type { TimerHandle } from '../util/clock.js';
import { attachExtras } from './app-extras.js';
import type { ImageProfile } from './catalogue.js';
import { type DnsConfig, hostsFile, type IpFormatter, resolvConf } from './exec/context.js';
import { type ExecHost, type RunResult, runInContainer } from './exec/run.js';
import { type SeedFile, VirtualFs } from './exec/vfs.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultPlan } from './faults.js';
import type { ImageRef } from './image-ref.js';
import type { LogStore } from './logs.js';
import type { PodSandbox } from './sandbox.js';
import type { App, AppContext, AppFactory, AppStartFailure } from './types.js';

type ExitReason = 'Completed' | 'Error' | 'OOMKilled';
type ExitCallback = (exitCode: number, reason: ExitReason) => void;

/** Everything a container instance needs; built by the runtime. */
export interface ContainerSetup {
  /** `namespace/pod/container`: the log key. */
  readonly key: string;
  readonly ctx: Omit<AppContext, 'log' | 'exit'>;
  readonly profile: ImageProfile;
  readonly ref: ImageRef;
  readonly factory: AppFactory;
  readonly sandbox: PodSandbox;
  readonly logs: LogStore;
  readonly faultPlan: FaultPlan | undefined;
  readonly dns: DnsConfig;
  readonly ipFormatter: IpFormatter | undefined;
  /** Pod FQDN when `hostname` + `subdomain` are set. */
  readonly fqdn: string | undefined;
  /** Bound for exec runs without their own timeout (ms). */
  readonly execTimeoutMs: number;
}

/** Apps that print their own bind error (nginx, httpd) implement this. */
interface BindFailureAware {
  onBindFailure(): number;
}

function isStartFailure(x: App | AppStartFailure): x is AppStartFailure {
  return (x as AppStartFailure).kind === 'start-failure';
}

/** A running (or finished) simulated container. */
export class SimulatedContainer implements ContainerHandle {
  readonly setup: ContainerSetup;
  readonly ctx: AppContext;
  readonly faults: FaultInjector;
  #app: App | undefined;
  #fs: VirtualFs | undefined;
  #state: 'running' | 'terminating' | 'exited' = 'running';
  #exit: { code: number; reason: ExitReason } | undefined;
  #callback: ExitCallback | undefined;
  #timers: TimerHandle[] = [];

  constructor(setup: ContainerSetup) {
    this.setup = setup;
    this.ctx = {
      ...setup.ctx,
      log: (line) => this.#log(line),
      exit: (code) => this.#finish(code),
    };
    this.faults = new FaultInjector({
      plan: setup.faultPlan,
      clock: setup.ctx.clock,
      random: setup.ctx.random,
      onCrash: (code) => this.#crash(code),
    });
    attachExtras(this.ctx, {
      faults: this.faults,
      fs: () => this.fs(),
      fsIfCreated: () => this.#fs,
      execHost: () => this.execHost(),
      shell: (command) => this.exec(['/bin/sh', '-c', command]),
    });
  }

  /** Starts the process: runs the factory and binds its ports in the pod. */
  start(): void {
    this.setup.logs.startInstance(this.setup.key);
    const result = this.setup.factory(this.ctx);
    if (isStartFailure(result)) {
      // `message` is the output without its final newline: each line becomes a log line.
      if (result.message !== '') for (const line of result.message.split('\n')) this.#log(line);
      this.#finish(result.exitCode);
      return;
    }
    this.#app = result;
    if (this.#state === 'exited') return;
    const binding = { container: this.setup.ctx.container.name, app: result, faults: this.faults };
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
    const crashMs = this.faults.crashDelayMs();
    if (crashMs !== undefined)
      this.#timers.push(this.ctx.clock.setTimeout(() => this.faults.crash(), crashMs));
  }

  #genericBindFailure(port: number, protocol: string): number {
    this.#log(`listen ${protocol.toLowerCase()} :${port}: bind: address already in use`);
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
    this.#timers.push(this.ctx.clock.setTimeout(() => this.kill(), Math.max(0, gracePeriodMs)));
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
      '/etc/resolv.conf': { content: resolvConf(pod, this.setup.dns), mtimeMs: now },
      '/etc/hostname': { content: `${pod.hostname}\n`, mtimeMs: now },
    };
    this.#fs = new VirtualFs(this.ctx.clock, seed);
    return this.#fs;
  }

  /** The container as the safe command set sees it. */
  execHost(): ExecHost {
    return {
      pod: this.#execPod(),
      tools: this.setup.profile.tools,
      fs: this.fs(),
      clock: this.ctx.clock,
      network: this.ctx.network,
      dns: this.setup.dns,
      ipFormatter: this.setup.ipFormatter,
      startedAt: this.ctx.clock.now(),
    };
  }

  /** `kubectl exec` / exec probe / agnhost `/shell`: runs `argv` with the safe command set. */
  exec(argv: readonly string[], options: { timeoutMs?: number; stdin?: string } = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? this.setup.execTimeoutMs;
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

  #log(line: string): void {
    if (this.#state === 'exited') return;
    for (const part of line.split('\n')) this.setup.logs.append(this.setup.key, part);
  }

  #crash(code: number): void {
    if (this.#state === 'exited') return;
    this.#app?.kill();
    this.#finish(code);
  }

  #finish(code: number): void {
    if (this.#state === 'exited') return;
    this.#state = 'exited';
    for (const t of this.#timers) this.ctx.clock.clearTimeout(t);
    this.#timers = [];
    this.setup.sandbox.release(this.setup.ctx.container.name);
    this.setup.logs.endInstance(this.setup.key);
    const exit = { code, reason: (code === 0 ? 'Completed' : 'Error') as ExitReason };
    this.#exit = exit;
    const cb = this.#callback;
    if (cb) queueMicrotask(() => cb(exit.code, exit.reason));
  }
}
