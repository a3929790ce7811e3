/**
 * The live routing state of one controller pod: the current `RouteTable`,
 * recompiled from the cluster view after changes (coalesced into one compile
 * per event-loop turn, as ingress-nginx batches syncs), and the balancers of
 * its upstreams, kept across recompiles while an upstream's endpoints and
 * policy are unchanged (so round-robin positions and EWMA averages survive,
 * as Lua balancers survive backend syncs).
 */
import type { Random } from '../../util/random.js';
import { type CompileOptions, compileIngress } from '../compile.js';
import type { RouteTable, Upstream } from '../types.js';
import { type Balancer, createBalancer } from './balancers.js';
import { type IngressClusterView, snapshotFromView } from './cluster-view.js';

export interface RouteStateConfig {
  readonly view: IngressClusterView;
  readonly compile: CompileOptions;
  readonly random: Random;
  readonly now: () => number;
  /** Called after every compile (status, events, logs). */
  readonly onCompiled?: (table: RouteTable) => void;
}

function signature(u: Upstream): string {
  return `${JSON.stringify(u.policy)}|${u.endpoints.map((e) => `${e.address}:${e.port}`).join(',')}`;
}

export class RouteState {
  readonly #config: RouteStateConfig;
  #table: RouteTable;
  #scheduled = false;
  #unsubscribe: (() => void) | undefined;
  readonly #balancers = new Map<string, { readonly signature: string; readonly balancer: Balancer }>();
  /** The balancer of each Upstream object of the current table (one lookup per request). */
  #byUpstream = new WeakMap<Upstream, Balancer>();

  constructor(config: RouteStateConfig) {
    this.#config = config;
    this.#table = this.#compile();
  }

  /** Starts following the view. */
  start(): void {
    this.#unsubscribe ??= this.#config.view.subscribe(() => this.#schedule());
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** The table requests are routed by now. */
  get table(): RouteTable {
    return this.#table;
  }

  /** Recompiles at once (tests; the view's notifications schedule it otherwise). */
  refresh(): RouteTable {
    this.#scheduled = false;
    this.#table = this.#compile();
    return this.#table;
  }

  /** The balancer of `upstream`, created on first use. */
  balancer(upstream: Upstream): Balancer {
    const hit = this.#byUpstream.get(upstream);
    if (hit) return hit;
    const balancer = this.#balancerByName(upstream);
    this.#byUpstream.set(upstream, balancer);
    return balancer;
  }

  #balancerByName(upstream: Upstream): Balancer {
    const sig = signature(upstream);
    const cached = this.#balancers.get(upstream.name);
    if (cached && cached.signature === sig) return cached.balancer;
    const balancer = createBalancer(upstream, this.#config.random, this.#config.now);
    this.#balancers.set(upstream.name, { signature: sig, balancer });
    return balancer;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      if (this.#scheduled) this.refresh();
    });
  }

  #compile(): RouteTable {
    const table = compileIngress(snapshotFromView(this.#config.view), this.#config.compile);
    for (const name of this.#balancers.keys()) if (!table.upstreams.has(name)) this.#balancers.delete(name);
    this.#config.onCompiled?.(table);
    return table;
  }
}
