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
 * The kernel's TCP TIME_WAIT timeout for IPVS connections (`ipvsadm --set`'s tcpfin,
 * `ip_vs_proto_tcp.c` `tcp_timeouts[IP_VS_TCP_S_TIME_WAIT]`): a closed connection is
 * still counted (InActConn) for this long.
 */
export const IPVS_TIME_WAIT_SECONDS = 120;

export interface IpvsStateConfig {
  /** Epoch milliseconds; drives TIME_WAIT expiry. @default Date.now */
  readonly now?: () => number;
  /** @default IPVS_TIME_WAIT_SECONDS */
  readonly timeWaitSeconds?: number;
}

/**
 * Closed connections in TIME_WAIT: their expiry times (epoch ms) in the order they
 * closed, equal ones merged, read from `#head`. Adding and expiring are O(1) amortized:
 * every proxy mode counts connections here, at the rate new connections arrive.
 */
class TimeWait {
  #until: number[] = [];
  #count: number[] = [];
  #head = 0;
  /** Connections still in TIME_WAIT. */
  size = 0;

  add(until: number): void {
    const last = this.#until.length - 1;
    if (last >= this.#head && this.#until[last] === until) (this.#count[last] as number)++;
    else {
      this.#until.push(until);
      this.#count.push(1);
    }
    this.size++;
  }

  expire(now: number): void {
    while (this.#head < this.#until.length && (this.#until[this.#head] as number) <= now) {
      this.size -= this.#count[this.#head] as number;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#until.length) {
      this.#until.splice(0, this.#head);
      this.#count.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

interface Counter {
  active: number;
  inactive: TimeWait;
}

/** The connections one persistence template (virtual server, real server, client) controls. */
interface Control {
  active: number;
  /** When the last closed controlled connection leaves TIME_WAIT (epoch ms). */
  until: number;
}

/**
 * ipvs state of one node: live connection counts per real server and the rr/wrr
 * cursors. The dataplane opens/closes connections; evaluation and `ipvsadm -Ln` read
 * it. A closed TCP connection stays in the kernel's table as inactive (TIME_WAIT)
 * until its timeout, so it still counts for lc/wlc and for graceful termination, and
 * it keeps its persistence template alive (`n_control`).
 */
export class IpvsState implements IpvsConnectionCounts, IpvsCursorView {
  /** Per virtual server, per real server: counters changed in place (one per pair, not one per connection). */
  #counts = new Map<string, Map<string, Counter>>();
  #controls = new Map<string, Control>();
  #cursors = new Map<string, IpvsCursor>();
  #opens = 0;
  readonly #now: () => number;
  readonly #timeWaitMs: number;

  constructor(config: IpvsStateConfig = {}) {
    this.#now = config.now ?? Date.now;
    this.#timeWaitMs = (config.timeWaitSeconds ?? IPVS_TIME_WAIT_SECONDS) * 1000;
  }

  connections(vsKey: string, realServer: string): { readonly active: number; readonly inactive: number } {
    const c = this.#counts.get(vsKey)?.get(realServer);
    if (!c) return NO_CONNECTIONS;
    this.#expire(c, this.#now());
    return { active: c.active, inactive: c.inactive.size };
  }

  /** The real servers of `vsKey` that still hold connections (active or in TIME_WAIT). */
  realServersWithConnections(vsKey: string): string[] {
    const servers = this.#counts.get(vsKey);
    if (!servers) return [];
    const now = this.#now();
    const out: string[] = [];
    for (const [rs, c] of servers) {
      this.#expire(c, now);
      if (c.active + c.inactive.size > 0) out.push(rs);
    }
    return out;
  }

  controlledUntil(vsKey: string, realServer: string, clientIP: string): number | undefined {
    const c = this.#controls.get(controlKey(vsKey, realServer, clientIP));
    if (!c) return undefined;
    return c.active > 0 ? Number.POSITIVE_INFINITY : c.until;
  }

  cursor(vsKey: string): IpvsCursor | undefined {
    return this.#cursors.get(vsKey);
  }

  #expire(c: Counter, now: number): void {
    c.inactive.expire(now);
  }

  #counter(vsKey: string, realServer: string): Counter {
    let servers = this.#counts.get(vsKey);
    if (!servers) {
      servers = new Map();
      this.#counts.set(vsKey, servers);
    }
    let c = servers.get(realServer);
    if (!c) {
      c = { active: 0, inactive: new TimeWait() };
      servers.set(realServer, c);
    }
    return c;
  }

  /**
   * Counts a connection to `realServer` as active. `clientIP`, for a virtual server with
   * persistence, names the template that controls the connection.
   */
  opened(vsKey: string, realServer: string, clientIP?: string): void {
    if (++this.#opens % 4096 === 0) this.reap();
    this.#counter(vsKey, realServer).active++;
    if (clientIP === undefined) return;
    const key = controlKey(vsKey, realServer, clientIP);
    const c = this.#controls.get(key);
    if (c) c.active++;
    else this.#controls.set(key, { active: 1, until: 0 });
  }

  /** Moves a connection from active to inactive, where it stays for the TIME_WAIT timeout. */
  closed(vsKey: string, realServer: string, clientIP?: string): void {
    const now = this.#now();
    const c = this.#counter(vsKey, realServer);
    this.#expire(c, now);
    if (c.active > 0) {
      c.active--;
      c.inactive.add(now + this.#timeWaitMs);
    }
    if (clientIP === undefined) return;
    const control = this.#controls.get(controlKey(vsKey, realServer, clientIP));
    if (!control) return;
    control.active = Math.max(0, control.active - 1);
    control.until = Math.max(control.until, now + this.#timeWaitMs);
  }

  /**
   * Forgets counters and template controls with nothing left in them for longer than
   * `maxAgeSeconds` (the longest persistence timeout); call periodically.
   */
  reap(maxAgeSeconds = MAX_AFFINITY_SECONDS): void {
    const now = this.#now();
    for (const [vsKey, servers] of this.#counts) {
      for (const [rs, c] of servers) {
        this.#expire(c, now);
        if (c.active === 0 && c.inactive.size === 0) servers.delete(rs);
      }
      if (servers.size === 0) this.#counts.delete(vsKey);
    }
    for (const [key, c] of this.#controls)
      if (c.active === 0 && now - c.until > maxAgeSeconds * 1000) this.#controls.delete(key);
  }

  /** Commits the cursor updates of an evaluation whose connection was opened. */
  commit(updates: readonly StateUpdate[]): void {
    for (const u of updates) if (u.kind === 'ipvs-cursor') this.#cursors.set(u.vsKey, u.cursor);
  }
}

function controlKey(vsKey: string, realServer: string, clientIP: string): string {
  return `${vsKey}->${realServer}|${clientIP}`;
}
