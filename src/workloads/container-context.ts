/**
 * The two faces a container instance shows: the `AppContext` its app runs
 * with, and the `ExecHost` its commands run on. Classes with prototype
 * methods and getters, so 100,000 containers share their code and create no
 * closures; the filesystem behind `fs` is created only when touched.
 */
import type { AppExtras } from './app-extras.js';
import type { SimulatedContainer } from './container.js';
import type { ExecHost } from './exec/run.js';
import type { AppContext, HttpFlowObserver } from './types.js';

/** The `AppContext` of one container instance (methods on the prototype: no closures per pod). */
export class ContainerContext implements AppContext {
  readonly pod: AppContext['pod'];
  readonly container: AppContext['container'];
  readonly clock: AppContext['clock'];
  readonly random: AppContext['random'];
  readonly network: AppContext['network'];
  readonly #owner: SimulatedContainer;

  constructor(fields: Omit<AppContext, 'log' | 'exit'>, owner: SimulatedContainer) {
    this.pod = fields.pod;
    this.container = fields.container;
    this.clock = fields.clock;
    this.random = fields.random;
    this.network = fields.network;
    this.#owner = owner;
  }

  /** Where the app reports the HTTP requests it answers (shared by every container). */
  get httpFlows(): HttpFlowObserver | undefined {
    return this.#owner.setup.services.httpFlows;
  }

  /** What the container offers the app beyond `AppContext` (see app-extras.ts). */
  get extras(): AppExtras {
    return this.#owner;
  }

  log(line: string): void {
    this.#owner.writeLog(line);
  }

  exit(code: number): void {
    this.#owner.processExited(code);
  }
}

/** The container as commands see it; `fs` is created on first access (class getters: no per-run closures). */
export class ContainerExecHost implements ExecHost {
  readonly #container: SimulatedContainer;
  readonly pod: ExecHost['pod'];
  readonly startedAt: number;

  constructor(container: SimulatedContainer, pod: ExecHost['pod']) {
    this.#container = container;
    this.pod = pod;
    this.startedAt = container.ctx.clock.now();
  }

  get tools() {
    return this.#container.setup.profile.tools;
  }

  /** `repository:tag` of the container's image (curl reads its version from it). */
  get image() {
    const r = this.#container.setup.ref;
    return `${r.repository}:${r.tag}`;
  }

  get fs() {
    return this.#container.fs();
  }

  get clock() {
    return this.#container.ctx.clock;
  }

  get network() {
    return this.#container.ctx.network;
  }

  get dns() {
    return this.#container.setup.services.dns;
  }

  get ipFormatter() {
    return this.#container.setup.services.ipFormatter;
  }
}
