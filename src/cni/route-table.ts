/**
 * One node's route table, kept current incrementally: routes are set and
 * deleted one at a time (a pod coming or going touches one entry), lookups
 * are a longest-prefix match over per-prefix-length maps (at most 33 map
 * probes, whatever the table size), and the sorted listing is rebuilt only
 * when something changed since the last one.
 */
import { type Cidr, maskOf } from '../ipam/ipv4.js';
import { compareRoutes, type Route } from './routes.js';

function keyOf(dst: Cidr): number {
  // network (32 bits) and prefix (6 bits) in one safe integer.
  return dst.network * 64 + dst.prefix;
}

export class RouteTable {
  readonly #routes = new Map<number, Route>();
  /** prefix length → network → route. */
  readonly #byPrefix = new Map<number, Map<number, Route>>();
  /** Prefix lengths present, longest first. */
  #prefixes: number[] = [];
  #sorted: readonly Route[] | undefined;

  get size(): number {
    return this.#routes.size;
  }

  /** Adds or replaces the route for `route.dst`. */
  set(route: Route): void {
    this.#routes.set(keyOf(route.dst), route);
    let bucket = this.#byPrefix.get(route.dst.prefix);
    if (!bucket) {
      bucket = new Map();
      this.#byPrefix.set(route.dst.prefix, bucket);
      this.#prefixes = [...this.#byPrefix.keys()].sort((a, b) => b - a);
    }
    bucket.set(route.dst.network, route);
    this.#sorted = undefined;
  }

  /** Removes the route for `dst`; returns whether there was one. */
  delete(dst: Cidr): boolean {
    if (!this.#routes.delete(keyOf(dst))) return false;
    const bucket = this.#byPrefix.get(dst.prefix);
    bucket?.delete(dst.network);
    if (bucket?.size === 0) {
      this.#byPrefix.delete(dst.prefix);
      this.#prefixes = this.#prefixes.filter((p) => p !== dst.prefix);
    }
    this.#sorted = undefined;
    return true;
  }

  get(dst: Cidr): Route | undefined {
    return this.#routes.get(keyOf(dst));
  }

  /** Longest-prefix match for an address (unsigned 32-bit). */
  lookup(ip: number): Route | undefined {
    for (const prefix of this.#prefixes) {
      const route = this.#byPrefix.get(prefix)?.get((ip & maskOf(prefix)) >>> 0);
      if (route) return route;
    }
    return undefined;
  }

  /** Every route in `ip route` order. The array is shared until the next change: do not mutate. */
  list(): readonly Route[] {
    this.#sorted ??= [...this.#routes.values()].sort(compareRoutes);
    return this.#sorted;
  }
}
