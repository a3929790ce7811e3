/**
 * The vocabulary of `matchRequest`: what it reads from a request, what it
 * decides (`RouteAction`), and how it explains it (`MatchDecision`). Pure types.
 */

import type { Random } from '../util/random.js';
import type { CanaryVerdict } from './canary.js';
import type { LocationVerdict } from './select-location.js';
import type { Location, Server, Upstream } from './types.js';

/** The parts of a request routing depends on. Header names are case-insensitive. */
export interface MatchInput {
  /** The `Host` header (may carry a port), or undefined. */
  readonly host: string | undefined;
  /**
   * The request-target (`/cart?id=1`). An absolute-form target
   * (`http://shop.example.com/cart`) selects the server by its host instead of
   * `host`, as nginx does; its path is matched and proxied.
   */
  readonly path: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Parsed cookies; read from the `Cookie` header when omitted. */
  readonly cookies?: Readonly<Record<string, string>>;
  /** The client address (`$remote_addr`), for allow/deny lists. */
  readonly clientIP?: string;
  /** The request's `Content-Length`, for `proxy-body-size`. */
  readonly contentLength?: number;
}

export interface MatchOptions {
  /** Draws the canary weight; without it only weights 0 and total decide. */
  readonly random?: Random;
  /** Fill `steps` and `considered` (the tracer); the proxy turns it off. @default true */
  readonly explain?: boolean;
}

export type RedirectReason =
  | 'app-root'
  | 'trailing-slash'
  | 'permanent-redirect'
  | 'temporal-redirect'
  | 'ssl-redirect'
  | 'force-ssl-redirect';

export type ErrorReason =
  | 'invalid-host'
  | 'invalid-path'
  | 'body-too-large'
  | 'service-missing'
  | 'port-missing'
  | 'no-ready-endpoints'
  | 'forbidden'
  /** An annotation parser denied the location (invalid source range, auth): 503. */
  | 'location-denied';

/** What the controller does with the request. */
export type RouteAction =
  /** Emitted when the request is proxied to `upstream` (the canary when `canary.canary`). */
  | {
      readonly kind: 'proxy';
      readonly upstream: Upstream;
      readonly primary: Upstream;
      readonly canary: CanaryVerdict | undefined;
      /** The request-target sent upstream (after `rewrite-target`). */
      readonly target: string;
      readonly rewritten: boolean;
    }
  /** Emitted when the location's backend is the controller's default backend: 404. */
  | { readonly kind: 'default-backend' }
  /** Emitted for every redirect the controller answers itself. */
  | {
      readonly kind: 'redirect';
      readonly status: number;
      readonly location: string;
      readonly reason: RedirectReason;
    }
  /** Emitted when the controller answers an error itself. */
  | { readonly kind: 'error'; readonly status: number; readonly reason: ErrorReason };

/** The decision and its explanation. */
export interface MatchDecision {
  /** `header`: the Host header; `normalised`: nginx's `$host` (the request line's host for absolute-form). */
  readonly host: { readonly header: string | undefined; readonly normalised: string | undefined };
  readonly server: Server | undefined;
  readonly serverVia: 'exact' | 'wildcard' | 'catch-all' | undefined;
  readonly uri: string | undefined;
  readonly location: Location | undefined;
  /** Every location of the server and what happened to it. */
  readonly considered: readonly LocationVerdict[];
  readonly action: RouteAction;
  /** One sentence per step, for `netkube trace`. */
  readonly steps: readonly string[];
}
