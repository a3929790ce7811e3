/**
 * The kube-proxy runner: watches Services and EndpointSlices in the ObjectStore, feeds
 * the change trackers, and on each (debounced) sync recompiles every node's RuleSet
 * from the changed service ports only — kube-proxy's `syncProxyRules` with one
 * "proxier" per emulated node. A failed compile forces a full sync and a retry.
 */
import type { Node } from '../api/types.js';
import type { Logger } from '../log/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Unsubscribe } from '../store/watch.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';
import { compileProxyRules, recompileProxyRules } from './compile.js';
import { EndpointsChangeTracker } from './endpoint-changes.js';
import type { EndpointInfo, ProxyState, ServicePortInfo } from './model.js';
import type { CompileOptions, ProxyMode } from './options.js';
import type { RuleSet } from './ruleset.js';
import { ServiceChangeTracker } from './service-changes.js';
import { watchProxyInputs } from './watch-inputs.js';

/** One node kube-proxy runs on. */
export interface ProxyNode {
  readonly name: string;
  /** The node's addresses (its InternalIP first). */
  readonly ips: readonly string[];
  /** Node labels for topology hints; the Node object's labels win once it exists. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a sync changed, for listeners (the dataplane re-binds listeners, the tracer refreshes). */
export interface ProxySyncEvent {
  /** Nodes whose RuleSet was replaced. */
  readonly nodes: readonly string[];
  /** Service port keys recompiled (every key on a full sync). */
  readonly changedServicePorts: ReadonlySet<string>;
  readonly full: boolean;
  readonly elapsedMs: number;
}

export interface ProxyControllerConfig {
  readonly store: ObjectStore;
  readonly nodes: readonly ProxyNode[];
  readonly mode: ProxyMode;
  /** The cluster's pod subnet (the local-traffic detector). */
  readonly podCIDR: string;
  readonly serviceCIDRs?: readonly string[];
  /** Loopback ranges standing for routable addresses (node subnet, LoadBalancer pool). */
  readonly emulatedAddressRanges?: readonly string[];
  /** Further kube-proxy flags applied to every node. */
  readonly compileOptions?: Partial<Omit<CompileOptions, 'mode' | 'nodeName' | 'nodeIPs' | 'nodeLabels'>>;
  /** `--iptables-min-sync-period`. @default 0 */
  readonly minSyncPeriodMs?: number;
  /** Periodic full resync (`--iptables-sync-period`, kube-proxy forces a full sync hourly). @default 3_600_000 */
  readonly fullSyncPeriodMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Runs kube-proxy for every node. Single-threaded: syncs run on the clock's timers. */
export class ProxyController {
  readonly #config: ProxyControllerConfig;
  readonly #services = new ServiceChangeTracker();
  readonly #endpoints = new EndpointsChangeTracker();
  readonly #serviceMap = new Map<string, ServicePortInfo>();
  readonly #endpointMap = new Map<string, readonly EndpointInfo[]>();
  readonly #ruleSets = new Map<string, RuleSet>();
  readonly #otherModes = new Map<string, { generation: number; ruleSet: RuleSet }>();
  readonly #listeners = new Set<(event: ProxySyncEvent) => void>();
  readonly #nodeLabels = new Map<string, Readonly<Record<string, string>>>();
  readonly #runner: BoundedFrequencyRunner;
  #nodes: readonly ProxyNode[];
  #needFullSync = true;
  #lastFullSync = 0;
  #generation = 0;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: ProxyControllerConfig) {
    if (!config.podCIDR) throw new TypeError('ProxyController needs podCIDR');
    const names = new Set(config.nodes.map((n) => n.name));
    if (names.size !== config.nodes.length)
      throw new TypeError('ProxyController nodes must have unique names');
    this.#config = config;
    this.#nodes = config.nodes;
    this.#runner = new BoundedFrequencyRunner({
      clock: config.clock,
      run: () => this.#sync(),
      minIntervalMs: config.minSyncPeriodMs ?? 0,
      maxIntervalMs: config.fullSyncPeriodMs ?? 3_600_000,
    });
  }

  /** Subscribes to the store, replays what it holds and runs the first (full) sync. */
  start(signal?: AbortSignal): void {
    this.#unsubscribe = watchProxyInputs(this.#config.store, {
      service: (previous, current) => this.#changed(this.#services.update(previous, current)),
      slice: (slice, removed) => this.#changed(this.#endpoints.update(slice, removed)),
      node: (node) => this.#nodeUpdated(node),
    });
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.#runner.start();
    this.syncNow();
  }

  /** Unsubscribes and cancels pending syncs. The last RuleSets stay readable. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#runner.stop();
  }

  /** The current RuleSet of a node in the configured mode; undefined for an unknown node. */
  ruleSet(nodeName: string): RuleSet | undefined {
    return this.#ruleSets.get(nodeName);
  }

  /**
   * The node's rules in another proxy mode (for `netkube rules --mode`), compiled from
   * the same state on demand and cached until the next sync.
   */
  ruleSetInMode(nodeName: string, mode: ProxyMode): RuleSet | undefined {
    if (mode === this.#config.mode) return this.ruleSet(nodeName);
    const node = this.#nodes.find((n) => n.name === nodeName);
    if (!node) return undefined;
    const key = `${nodeName}/${mode}`;
    const cached = this.#otherModes.get(key);
    if (cached && cached.generation === this.#generation) return cached.ruleSet;
    const ruleSet = compileProxyRules(this.state(), { ...this.#options(node), mode });
    this.#otherModes.set(key, { generation: this.#generation, ruleSet });
    return ruleSet;
  }

  /** Names of the nodes this controller proxies for. */
  nodeNames(): string[] {
    return this.#nodes.map((n) => n.name);
  }

  /** The proxy's current view of Services and endpoints (live maps; do not mutate). */
  state(): ProxyState {
    return { services: this.#serviceMap, endpoints: this.#endpointMap };
  }

  /** Replaces the node list (a node joined or left); the next sync is full. */
  setNodes(nodes: readonly ProxyNode[]): void {
    this.#nodes = nodes;
    for (const name of this.#ruleSets.keys())
      if (!nodes.some((n) => n.name === name)) this.#ruleSets.delete(name);
    this.#needFullSync = true;
    this.#runner.request();
  }

  /** Registers a listener called after every successful sync. */
  onSynced(listener: (event: ProxySyncEvent) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Whether a change (a Service, an EndpointSlice, a node's labels) waits for the
   * next sync. Syncs run on the clock's timers, so code that only awaits promises
   * never lets one run: a caller that must see the rules of what the store holds
   * (readiness, tests) waits until this is false.
   */
  get syncPending(): boolean {
    return this.#needFullSync || this.#services.pending > 0 || this.#endpoints.pending > 0;
  }

  /** Syncs immediately, bypassing the debounce (start-up, tests). */
  syncNow(): void {
    this.#runner.runNow();
  }

  #changed(pending: boolean): void {
    if (pending) this.#runner.request();
  }

  #nodeUpdated(node: Node): void {
    const name = node.metadata?.name ?? '';
    if (!this.#nodes.some((n) => n.name === name)) return;
    const labels = node.metadata?.labels ?? {};
    const before = this.#nodeLabels.get(name);
    if (before && JSON.stringify(before) === JSON.stringify(labels)) return;
    this.#nodeLabels.set(name, labels);
    this.#needFullSync = true;
    this.#runner.request();
  }

  #options(node: ProxyNode): CompileOptions {
    const c = this.#config;
    return {
      ...c.compileOptions,
      mode: c.mode,
      nodeName: node.name,
      nodeIPs: node.ips,
      nodeLabels: this.#nodeLabels.get(node.name) ?? node.labels ?? {},
      podCIDR: c.podCIDR,
      serviceCIDRs: c.serviceCIDRs ?? [],
      emulatedAddressRanges: c.emulatedAddressRanges ?? [],
    };
  }

  #sync(): void {
    const start = performance.now();
    const now = this.#config.clock.now();
    const periodic = now - this.#lastFullSync >= (this.#config.fullSyncPeriodMs ?? 3_600_000);
    const full = this.#needFullSync || periodic;
    const changed = new Set([
      ...this.#services.apply(this.#serviceMap).changedServicePorts,
      ...this.#endpoints.apply(this.#endpointMap).changedServicePorts,
    ]);
    if (!full && changed.size === 0) return;
    const synced: string[] = [];
    try {
      for (const node of this.#nodes) {
        const previous = this.#ruleSets.get(node.name);
        const next =
          full || !previous
            ? compileProxyRules(this.state(), this.#options(node))
            : recompileProxyRules(previous, this.state(), changed);
        this.#ruleSets.set(node.name, next);
        synced.push(node.name);
      }
    } catch (err) {
      // The trackers are already drained: only a full sync can recover (kube-proxy's needFullSync).
      this.#needFullSync = true;
      this.#config.logger.error({ err: errorMessage(err) }, 'Sync failed; retrying with a full sync');
      this.#runner.retryAfter(1000);
      return;
    }
    this.#generation++;
    if (full) {
      this.#needFullSync = false;
      this.#lastFullSync = now;
    }
    const event: ProxySyncEvent = {
      nodes: synced,
      changedServicePorts: full ? new Set(this.#serviceMap.keys()) : changed,
      full,
      elapsedMs: performance.now() - start,
    };
    this.#config.logger.info(
      {
        nodes: synced.length,
        services: this.#serviceMap.size,
        changed: changed.size,
        full,
        elapsedMs: Math.round(event.elapsedMs),
      },
      'SyncProxyRules complete',
    );
    for (const listener of this.#listeners) listener(event);
  }
}
