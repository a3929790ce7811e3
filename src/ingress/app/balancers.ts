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
   * Picks an endpoint, or undefined when none can be picked. `exclude` holds
   * the endpoints (`address:port`) this request already tried and failed on;
   * as in ingress-nginx only some balancers skip them: `round_robin` and
   * `chash` do not (a retry may reuse the failed endpoint: 1 replica gives 3
   * attempts), `ewma` skips tried endpoints until all were tried, then picks
   * among all again, and sticky skips them only when it picks a new endpoint
   * (no cookie, or `session-cookie-change-on-failure`). `request` is called
   * only by balancers that read the request (hash, affinity), so round-robin
   * costs no allocation.
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

const NOTHING: ReadonlySet<string> = new Set();

/** A consistent-hash ring (resty.chash-like: 160 points per endpoint, CRC32). */
class Ring {
  readonly #points: { readonly hash: number; readonly endpoint: UpstreamEndpoint }[] = [];

  constructor(endpoints: readonly UpstreamEndpoint[]) {
    for (const e of endpoints) {
      for (let i = 0; i < 160; i++) this.#points.push({ hash: crc32(`${endpointKey(e)}#${i}`), endpoint: e });
    }
    this.#points.sort((a, b) => a.hash - b.hash);
  }

  find(key: string, exclude: ReadonlySet<string> = NOTHING): UpstreamEndpoint | undefined {
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
    // round_robin.lua balance() knows nothing of failed peers: a retry takes the next in turn.
    pick() {
      if (endpoints.length === 0) return undefined;
      const e = endpoints[next % endpoints.length] as UpstreamEndpoint;
      next = (next + 1) % endpoints.length;
      return { endpoint: e };
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
      if (endpoints.length <= 1) return endpoints[0] ? { endpoint: endpoints[0] } : undefined;
      // ewma.lua: skip tried endpoints; "all endpoints have been retried" → all again.
      let peers = endpoints.filter((e) => !exclude.has(endpointKey(e)));
      if (peers.length === 0) peers = [...endpoints];
      if (peers.length === 1) return { endpoint: peers[0] as UpstreamEndpoint };
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
    // chash.lua: the same key finds the same endpoint on every retry.
    pick(request) {
      const req = request();
      const e = ring.find(expandVariables(hashBy, (n) => req.variable(n)));
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
  // sticky.lua: the cookie's endpoint is found without regard to failures.
  const find = (id: string) => (a.mode === 'balanced' ? ring.find(id) : byId.get(id));
  return {
    pick(request, exclude) {
      const req = request();
      const cookie = req.cookie(a.cookieName)?.split('|')[0];
      const found = cookie ? find(cookie) : undefined;
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
