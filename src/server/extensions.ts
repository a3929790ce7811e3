/**
 * netkube's own API, beside the Kubernetes one: routes under
 * `/apis/netkube.dev/v1alpha1/` for what kubectl has no verb for (atomic
 * apply, routes, rules, conntrack, IPAM, trace, flows, exec, node stop/start,
 * shutdown). Each part registers its routes with the server at start-up, so the
 * server never imports the parts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Path prefix of every extension route. */
export const NETKUBE_API_PREFIX = '/apis/netkube.dev/v1alpha1';

export interface ExtensionRequest {
  /** Named path parameters, from `:name` segments of the route path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (undefined when none). */
  readonly body: unknown;
  readonly raw: IncomingMessage;
  /** Aborted when the client disconnects (for streams such as `flows -f`). */
  readonly signal: AbortSignal;
}

/**
 * A handler result: a JSON value (200 application/json), text (200 text/plain),
 * or `stream` when the handler wrote to `res` itself (chunked, held open).
 * Throw a `StatusError` for errors; the server renders it as a Status.
 */
export type ExtensionResult =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown }
  | { readonly kind: 'text'; readonly status?: number; readonly body: string }
  | { readonly kind: 'stream' };

export interface ExtensionRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path after the prefix, with `:param` segments: `/nodes/:node/routes`. */
  readonly path: string;
  handle(req: ExtensionRequest, res: ServerResponse): ExtensionResult | Promise<ExtensionResult>;
}
