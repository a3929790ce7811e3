/**
 * A pod's network namespace, without sockets: the table of ports its
 * containers have bound, shared by every container of the pod (so two cannot
 * bind one port, and `localhost` reaches a sibling), and the entry point where
 * the dataplane delivers connections and datagrams addressed to the pod.
 *
 * The dataplane finds the sandbox by pod IP in the `PodSandboxRegistry` and
 * calls `deliver`; a refusal means the dataplane answers as a kernel would with
 * no listener (RST → `ECONNREFUSED`; for UDP, ICMP port unreachable).
 */
import type { FaultInjector } from './fault-injector.js';
import type { App, L4Protocol, ListenSpec, PodConnection, VirtualTuple } from './types.js';

/** Who holds a port. */
export interface PortBinding {
  readonly container: string;
  readonly app: App;
  readonly faults: FaultInjector | undefined;
}

/** Outcome of handing a connection to the pod. */
export type DeliverResult =
  | { readonly delivered: true; readonly container: string }
  | { readonly delivered: false; readonly code: 'ECONNREFUSED' };

/** Identity of the pod a sandbox belongs to. */
export interface SandboxPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly ip: string;
  readonly nodeName: string;
}

const REFUSED: DeliverResult = { delivered: false, code: 'ECONNREFUSED' };

/** One pod's port table. */
export class PodSandbox {
  readonly pod: SandboxPod;
  /** Bound ports: a short list (pods bind few ports; a Map per pod costs more than it saves). */
  #ports: Array<PortBinding & ListenSpec> | undefined;
  /** A container listening on every TCP port (the fallback app when an image's ports are unknown). */
  #anyTcp: PortBinding | undefined;

  constructor(pod: SandboxPod) {
    this.pod = pod;
  }

  /**
   * Binds every port of `listens` for `container`, all or nothing. Returns the
   * first port already bound (by any container of the pod), or undefined.
   */
  bind(binding: PortBinding, listens: readonly ListenSpec[]): ListenSpec | undefined {
    for (const spec of listens) {
      if (this.#find(spec.protocol, spec.port)) return spec;
    }
    if (listens.length === 0) return undefined;
    // Exact-size arrays: an array grown by push() reserves 16 slots, a cost paid per pod.
    // An explicit literal, not `{ ...binding }`: object spread followed by new keys gives each
    // copy its own hidden class (about 200 bytes per pod).
    const added = listens.map((spec) => ({
      container: binding.container,
      app: binding.app,
      faults: binding.faults,
      protocol: spec.protocol,
      port: spec.port,
    }));
    this.#ports = this.#ports ? [...this.#ports, ...added] : added;
    return undefined;
  }

  /** Listens on every TCP port that no other container binds (lowest precedence). */
  bindAnyTcp(binding: PortBinding): boolean {
    if (this.#anyTcp) return false;
    this.#anyTcp = binding;
    return true;
  }

  #find(protocol: L4Protocol, port: number): PortBinding | undefined {
    for (const e of this.#ports ?? []) if (e.port === port && e.protocol === protocol) return e;
    return undefined;
  }

  /** Releases every port of `container` (its process exited). */
  release(container: string): void {
    if (this.#ports) this.#ports = this.#ports.filter((e) => e.container !== container);
    if (this.#anyTcp?.container === container) this.#anyTcp = undefined;
  }

  /** Who answers `protocol/port`, if anyone. */
  lookup(protocol: L4Protocol, port: number): PortBinding | undefined {
    const exact = this.#find(protocol, port);
    if (exact) return exact;
    return protocol === 'TCP' ? this.#anyTcp : undefined;
  }

  /** Whether a connection to `protocol/port` would be accepted now. */
  accepts(protocol: L4Protocol, port: number): boolean {
    const b = this.lookup(protocol, port);
    return b !== undefined && !b.faults?.refusesConnections();
  }

  /**
   * Hands an accepted connection to the app bound to `tuple.dstPort`. On
   * refusal the socket is left untouched: the caller resets or destroys it.
   */
  deliver(conn: PodConnection): DeliverResult {
    const b = this.lookup(conn.tuple.protocol, conn.tuple.dstPort);
    if (!b || b.faults?.refusesConnections()) return REFUSED;
    b.app.handleConnection(conn);
    return { delivered: true, container: b.container };
  }

  /**
   * Hands a datagram to the app bound to the UDP port. Returns false when
   * nothing listens (the dataplane then reports port unreachable).
   */
  deliverDatagram(message: Buffer, tuple: VirtualTuple, reply: (data: Buffer) => void): boolean {
    const b = this.lookup('UDP', tuple.dstPort);
    if (!b?.app.handleDatagram) return false;
    b.app.handleDatagram(message, tuple, reply);
    return true;
  }

  /** Every bound port, for `ss`-like views and traces. */
  listening(): Array<ListenSpec & { readonly container: string }> {
    const out = (this.#ports ?? []).map((e) => ({
      protocol: e.protocol,
      port: e.port,
      container: e.container,
    }));
    return out.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  }
}

/** Every pod sandbox in the process, by pod IP. The dataplane's lookup table. */
export class PodSandboxRegistry {
  readonly #byIP = new Map<string, PodSandbox>();
  readonly #byPod = new Map<string, PodSandbox>();

  /** The sandbox of the pod at `ip` (undefined: no pod has that address). */
  get(ip: string): PodSandbox | undefined {
    return this.#byIP.get(ip);
  }

  /** The sandbox of `namespace/name`. */
  byPod(namespace: string, name: string): PodSandbox | undefined {
    return this.#byPod.get(`${namespace}/${name}`);
  }

  /** Returns the pod's sandbox, creating it on the first container start. `key` is `namespace/name`. */
  ensure(pod: SandboxPod, key = `${pod.namespace}/${pod.name}`): PodSandbox {
    const existing = this.#byPod.get(key);
    if (existing && existing.pod.uid === pod.uid && existing.pod.ip === pod.ip) return existing;
    if (existing) this.remove(pod.namespace, pod.name);
    const sandbox = new PodSandbox(pod);
    this.#byPod.set(key, sandbox);
    this.#byIP.set(pod.ip, sandbox);
    return sandbox;
  }

  /** Drops the pod's sandbox (pod deleted). Idempotent. */
  remove(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const sandbox = this.#byPod.get(key);
    if (!sandbox) return;
    this.#byPod.delete(key);
    if (this.#byIP.get(sandbox.pod.ip) === sandbox) this.#byIP.delete(sandbox.pod.ip);
  }

  /** Number of sandboxes (for metrics and tests). */
  get size(): number {
    return this.#byPod.size;
  }
}
