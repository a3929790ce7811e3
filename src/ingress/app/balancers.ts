/**
 * Endpoint choice per upstream, as ingress-nginx's Lua balancers do
 * (reference §2.4, §3.5; `balancer.lua get_implementation`): cookie affinity
 * (`sticky_balanced`/`sticky_persistent`) over `upstream-hash-by` (`chash`)
 * over `load-balance` (`round_robin` by default, or `ewma`: the better of two
 * random peers by decayed latency, 10 s decay).
 *
 * Balancers are stateful (round-robin position, latency averages) and live
 * across route recompiles as long as an upstream's endpoints and policy stay.
 */
import { crc32 } from 'node:zlib';
import type { Random } from '../../util/random.js';
import { backendKey } from '../canary.js';
import type { Upstream, UpstreamEndpoint } from '../types.js';
import { affinityCookie, type StickyRequest } from './sticky-cookie.js';

/** What a balancer may read from the request. */
export interface PickRequest extends StickyRequest {
  /** The value of an nginx variable (`request_uri`, `remote_addr`, `http_x_user`, `cookie_id`…). */
  variable(name: string): string;
}

export interface Pick {
  readonly endpoint: UpstreamEndpoint;
  /** A `Set-Cookie` value when affinity picked a new endpoint. */
  readonly setCookie?: string;
}

export interface Balancer {
  /**
   * Picks an endpoint not in `exclude` (keys `address:port`), or undefined
   * when none is left. `request` is called only by balancers that read the
   * request (hash, affinity), so round-robin costs no allocation.
   */
  pick(request: () => PickRequest, exclude: ReadonlySet<string>): Pick | undefined;
  /** Reports an exchange's latency (EWMA). */
  observe(endpoint: string, ms: number, now: number): void;
}

const keys = new WeakMap<UpstreamEndpoint, string>();

/** `address:port` of an endpoint (memoised: endpoints live as long as their route table). */
export function endpointKey(e: UpstreamEndpoint): string {
  let key = keys.get(e);
  if (key === undefined) {
    key = `${e.address}:${e.port}`;
    keys.set(e, key);
  }
  return key;
}

/** A consistent-hash ring (resty.chash-like: 160 points per endpoint, CRC32). */
class Ring {
  readonly #points: { readonly hash: number; readonly endpoint: UpstreamEndpoint }[] = [];

  constructor(endpoints: readonly UpstreamEndpoint[]) {
    for (const e of endpoints) {
      for (let i = 0; i < 160; i++) this.#points.push({ hash: crc32(`${endpointKey(e)}#${i}`), endpoint: e });
    }
    this.#points.sort((a, b) => a.hash - b.hash);
  }

  find(key: string, exclude: ReadonlySet<string>): UpstreamEndpoint | undefined {
    const points = this.#points;
    if (points.length === 0) return undefined;
    const h = crc32(key);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] as { hash: number }).hash < h) lo = mid + 1;
      else hi = mid;
    }
    for (let i = 0; i < points.length; i++) {
      const p = points[(lo + i) % points.length] as { endpoint: UpstreamEndpoint };
      if (!exclude.has(endpointKey(p.endpoint))) return p.endpoint;
    }
    return undefined;
  }
}

function roundRobin(endpoints: readonly UpstreamEndpoint[]): Balancer {
  let next = 0;
  return {
    pick(_req, exclude) {
      for (let i = 0; i < endpoints.length; i++) {
        const e = endpoints[next % endpoints.length] as UpstreamEndpoint;
        next = (next + 1) % endpoints.length;
        if (exclude.size === 0 || !exclude.has(endpointKey(e))) return { endpoint: e };
      }
      return undefined;
    },
    observe() {},
  };
}

const DECAY_MS = 10_000;

function ewma(endpoints: readonly UpstreamEndpoint[], random: Random, clock: () => number): Balancer {
  const stats = new Map<string, { value: number; at: number }>();
  const score = (e: UpstreamEndpoint, now: number) => {
    const s = stats.get(endpointKey(e));
    if (!s) return 0;
    return s.value * Math.exp(-Math.max(0, now - s.at) / DECAY_MS);
  };
  return {
    pick(_req, exclude) {
      const peers = endpoints.filter((e) => !exclude.has(endpointKey(e)));
      if (peers.length <= 1) return peers[0] ? { endpoint: peers[0] } : undefined;
      const a = random.int(peers.length);
      let b = random.int(peers.length - 1);
      if (b >= a) b++;
      const pa = peers[a] as UpstreamEndpoint;
      const pb = peers[b] as UpstreamEndpoint;
      const now = clock();
      return { endpoint: score(pb, now) < score(pa, now) ? pb : pa };
    },
    observe(endpoint, ms, now) {
      const s = stats.get(endpoint);
      const w = s ? Math.exp(-Math.max(0, now - s.at) / DECAY_MS) : 0;
      stats.set(endpoint, { value: (s?.value ?? 0) * w + ms * (1 - w), at: now });
    },
  };
}

/** Expands `$name` and `${name}` in an nginx value with `variable`. */
export function expandVariables(template: string, variable: (name: string) => string): string {
  return template.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, a: string | undefined, b: string | undefined) =>
    variable((a ?? b) as string),
  );
}

function chash(endpoints: readonly UpstreamEndpoint[], hashBy: string): Balancer {
  const ring = new Ring(endpoints);
  return {
    pick(request, exclude) {
      const req = request();
      const e = ring.find(
        expandVariables(hashBy, (n) => req.variable(n)),
        exclude,
      );
      return e ? { endpoint: e } : undefined;
    },
    observe() {},
  };
}

function sticky(upstream: Upstream, random: Random, now: () => number): Balancer {
  const a = upstream.policy.affinity;
  if (!a) throw new Error('sticky balancer without affinity');
  const key = backendKey(upstream.name);
  const ring = new Ring(upstream.endpoints);
  const byId = new Map(upstream.endpoints.map((e) => [backendKey(`${upstream.name}${endpointKey(e)}`), e]));
  const find = (id: string, exclude: ReadonlySet<string>) => {
    if (a.mode === 'balanced') return ring.find(id, exclude);
    const e = byId.get(id);
    return e && !exclude.has(endpointKey(e)) ? e : undefined;
  };
  return {
    pick(request, exclude) {
      const req = request();
      const cookie = req.cookie(a.cookieName)?.split('|')[0];
      const found = cookie ? find(cookie, exclude) : undefined;
      if (found && !(a.changeOnFailure && exclude.size > 0)) return { endpoint: found };
      let id: string;
      let e: UpstreamEndpoint | undefined;
      if (a.mode === 'balanced') {
        // sticky_balanced: a fresh random key hashed onto the ring.
        id = `${now() / 1000 + 1}.${process.pid}.${random.int(999_999) + 1}`;
        e = ring.find(id, exclude);
      } else {
        // sticky_persistent: a random endpoint, remembered by its own key.
        const peers = upstream.endpoints.filter((p) => !exclude.has(endpointKey(p)));
        e = peers[random.int(peers.length)];
        id = e ? backendKey(`${upstream.name}${endpointKey(e)}`) : '';
      }
      if (!e) return undefined;
      const setCookie = req.sticky ? affinityCookie(a, `${id}|${key}`, req, now()) : undefined;
      return setCookie ? { endpoint: e, setCookie } : { endpoint: e };
    },
    observe() {},
  };
}

/** The balancer ingress-nginx would use for `upstream`. */
export function createBalancer(upstream: Upstream, random: Random, now: () => number): Balancer {
  const { policy, endpoints } = upstream;
  if (policy.affinity) return sticky(upstream, random, now);
  if (policy.hashBy) return chash(endpoints, policy.hashBy);
  if (policy.loadBalance === 'ewma') return ewma(endpoints, random, now);
  return roundRobin(endpoints);
}
