/**
 * The memory behind ClientIP session affinity, shared by the dataplane and the tracer:
 * iptables' `recent` lists (`--set` / `--rcheck --seconds N --reap`), nftables'
 * affinity sets (`update @set`, element timeout) and ipvs persistence templates all
 * reduce to "when did this client last open a connection recorded under this name".
 * Time is injected (`now`), so fake clocks drive timeouts in tests.
 */
import type {
  AffinityView,
  IpvsConnectionCounts,
  IpvsCursor,
  IpvsCursorView,
  StateUpdate,
} from './evaluate/types.js';

/** kube-proxy's `MaxClientIPServiceAffinitySeconds`: nothing is remembered longer. */
export const MAX_AFFINITY_SECONDS = 86400;

/** Affinity memory for one node. Not shared between nodes: each node's kernel has its own lists. */
export class AffinityTable implements AffinityView {
  #lists = new Map<string, Map<string, number>>();

  /** When `clientIP` was last recorded under `name` (epoch ms), if ever. */
  lastSeen(name: string, clientIP: string): number | undefined {
    return this.#lists.get(name)?.get(clientIP);
  }

  /** Records `clientIP` under `name` at `now` (the `--set` / `update` of a new connection). */
  record(name: string, clientIP: string, now: number): void {
    let list = this.#lists.get(name);
    if (!list) {
      list = new Map();
      this.#lists.set(name, list);
    }
    list.set(clientIP, now);
  }

  /** Commits the affinity updates of an evaluation whose connection was actually opened. */
  commit(updates: readonly StateUpdate[], now: number): void {
    for (const u of updates) if (u.kind === 'affinity') this.record(u.name, u.clientIP, now);
  }

  /** Drops entries older than the maximum affinity timeout (`--reap`); call periodically. */
  reap(now: number, maxAgeSeconds = MAX_AFFINITY_SECONDS): number {
    let removed = 0;
    for (const [name, list] of this.#lists) {
      for (const [ip, seen] of list) {
        if (now - seen > maxAgeSeconds * 1000) {
          list.delete(ip);
          removed++;
        }
      }
      if (list.size === 0) this.#lists.delete(name);
    }
    return removed;
  }

  /** Number of remembered (name, client) pairs. */
  get size(): number {
    let n = 0;
    for (const list of this.#lists.values()) n += list.size;
    return n;
  }
}

const NO_CONNECTIONS = Object.freeze({ active: 0, inactive: 0 });

/**
 * ipvs scheduler state of one node: live connection counts per real server and the
 * rr/wrr cursors. The dataplane opens/closes connections; evaluation reads it.
 */
export class IpvsState implements IpvsConnectionCounts, IpvsCursorView {
  /** Per virtual server, per real server: counters changed in place (one per pair, not one per connection). */
  #counts = new Map<string, Map<string, { active: number; inactive: number }>>();
  #cursors = new Map<string, IpvsCursor>();

  connections(vsKey: string, realServer: string): { readonly active: number; readonly inactive: number } {
    return this.#counts.get(vsKey)?.get(realServer) ?? NO_CONNECTIONS;
  }

  cursor(vsKey: string): IpvsCursor | undefined {
    return this.#cursors.get(vsKey);
  }

  #counter(vsKey: string, realServer: string): { active: number; inactive: number } {
    let servers = this.#counts.get(vsKey);
    if (!servers) {
      servers = new Map();
      this.#counts.set(vsKey, servers);
    }
    let c = servers.get(realServer);
    if (!c) {
      c = { active: 0, inactive: 0 };
      servers.set(realServer, c);
    }
    return c;
  }

  /** Counts a connection to `realServer` as active. */
  opened(vsKey: string, realServer: string): void {
    this.#counter(vsKey, realServer).active++;
  }

  /** Moves a connection from active to gone (ipvs counts FIN_WAIT/TIME_WAIT as inactive; we drop it). */
  closed(vsKey: string, realServer: string): void {
    const c = this.#counter(vsKey, realServer);
    c.active = Math.max(0, c.active - 1);
  }

  /** Commits the cursor updates of an evaluation whose connection was opened. */
  commit(updates: readonly StateUpdate[]): void {
    for (const u of updates) if (u.kind === 'ipvs-cursor') this.#cursors.set(u.vsKey, u.cursor);
  }
}
