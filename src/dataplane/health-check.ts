/**
 * kube-proxy's two HTTP servers on every node:
 *
 * - the healthCheckNodePort server (`pkg/proxy/healthcheck/service_health.go`):
 *   for a LoadBalancer Service with externalTrafficPolicy Local, every node
 *   answers on that port with the number of the Service's *local ready*
 *   endpoints — 200 when there is at least one, 503 otherwise — so a load
 *   balancer sends traffic only to nodes that can serve it locally;
 * - its own health server (`pkg/proxy/healthcheck/proxy_health.go`,
 *   port 10256): `/healthz`, which cloud load balancers probe for
 *   externalTrafficPolicy Cluster Services, and `/livez`. kube-proxy binds it on
 *   every interface; netkube binds it on each node's loopback address only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node } from '../api/types.js';
import type { ProxyState } from '../proxy/model.js';
import { httpDate } from '../util/time-text.js';
import { goQuote, goTimeString } from '../workloads/go/format.js';
import { goError } from '../workloads/http/go-response.js';
import { serveGo } from '../workloads/http/go-serve.js';
import { writeExactHead } from '../workloads/http/host.js';
import { goStatusLine } from '../workloads/http/status-text.js';
import type { VirtualTuple } from '../workloads/types.js';
import type { HealthCheckTarget } from './listener-plan.js';

/** Local ready endpoints of the Service on `node` (serving-terminating ones do not count). */
export function localReadyEndpoints(state: ProxyState, target: HealthCheckTarget, node: string): number {
  const seen = new Set<string>();
  for (const key of target.servicePorts) {
    for (const ep of state.endpoints.get(key) ?? []) {
      if (ep.ready && ep.nodeName === node) seen.add(ep.ip);
    }
  }
  return seen.size;
}

/** The body and status kube-proxy writes (Go's `json.MarshalIndent(…, "", "\t")`). */
export function healthCheckResponse(
  target: HealthCheckTarget,
  count: number,
): { status: number; body: string } {
  const body = `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(target.namespace)},\n\t\t"name": ${JSON.stringify(target.name)}\n\t},\n\t"localEndpoints": ${count},\n\t"serviceProxyHealthy": true\n}`;
  return { status: count > 0 ? 200 : 503, body };
}

/**
 * Writes the health check answer for one request, as Go's `net/http` frames it:
 * the handler's headers sorted, then `Date` and `Content-Length`, and no
 * `Connection`/`Keep-Alive` lines on HTTP/1.1.
 */
export function serveHealthCheck(
  req: IncomingMessage,
  res: ServerResponse,
  target: HealthCheckTarget,
  count: number,
  now: number,
): void {
  const { status, body } = healthCheckResponse(target, count);
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  const length = Buffer.byteLength(body);
  const head =
    `${goStatusLine(status, http11)}\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n` +
    `X-Load-Balancing-Endpoint-Weight: ${count}\r\nDate: ${httpDate(now)}\r\nContent-Length: ${length}`;
  writeExactHead(res, status, head, { contentLength: length, close: !http11 });
  res.end(body);
}

/** kube-proxy's health server port (`--healthz-bind-address`'s default port), bound on each node address. */
export const KUBE_PROXY_HEALTHZ_PORT = 10256;

/** The taint the Cluster Autoscaler puts on a node it is about to delete. */
const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** What kube-proxy's health server knows when it answers (times in ms). */
export interface ProxyHealth {
  readonly now: number;
  /** When kube-proxy started: Go prints times with their monotonic reading `m=+<seconds since>`. */
  readonly startedAt: number;
  /** The last completed proxy sync (`Updated()`). */
  readonly lastUpdated: number;
  /** No update has been queued for longer than healthTimeout without a sync. */
  readonly healthy: boolean;
  /** The node is neither being deleted nor tainted `ToBeDeletedByClusterAutoscaler` (`SyncNode`). */
  readonly nodeEligible: boolean;
}

/** `SyncNode`: whether load balancers may still send to the node. An unknown Node stays eligible. */
export function nodeEligible(node: Node | undefined): boolean {
  if (!node) return true;
  if (node.metadata?.deletionTimestamp) return false;
  return !(node.spec?.taints ?? []).some((t) => t.key === TO_BE_DELETED_TAINT);
}

/**
 * The status and body of `/healthz` or `/livez` (undefined for any other path:
 * the mux answers 404). `/healthz` is healthy when the proxy is and the node
 * is eligible, `/livez` ignores the node; a healthy answer reports the current
 * time as `lastUpdated`, an unhealthy one the last sync. The text is kube-proxy's
 * `fmt.Fprintf` of Go `time.Time` values (`%q` of `String()`).
 */
export function proxyHealthResponse(
  path: string,
  health: ProxyHealth,
): { status: number; body: string } | undefined {
  const healthz = path === '/healthz';
  if (!healthz && path !== '/livez') return undefined;
  const healthy = health.healthy && (!healthz || health.nodeEligible);
  const current = goTimeString(health.now, health.now - health.startedAt);
  const last = healthy ? current : goTimeString(health.lastUpdated, health.lastUpdated - health.startedAt);
  const times = `{"lastUpdated": ${goQuote(last)},"currentTime": ${goQuote(current)}`;
  const body = healthz ? `${times}, "nodeEligible": ${health.nodeEligible}}` : `${times}}`;
  return { status: healthy ? 200 : 503, body };
}

/**
 * Answers one request to kube-proxy's health server as its Go `ServeMux`
 * does: `/healthz` and `/livez` (any method) with `Content-Type:
 * application/json` and `X-Content-Type-Options: nosniff`, everything else
 * `404 page not found`, unclean paths a 301; framed by Go's `net/http`.
 */
export function serveProxyHealth(
  req: IncomingMessage,
  res: ServerResponse,
  health: ProxyHealth,
  client: VirtualTuple,
): void {
  serveGo(
    req,
    res,
    client,
    (w, r) => {
      const answer = proxyHealthResponse(r.path, health);
      if (!answer) {
        goError(w, '404 page not found', 404);
        return;
      }
      w.set('Content-Type', 'application/json');
      w.set('X-Content-Type-Options', 'nosniff');
      w.writeHeader(answer.status);
      w.write(answer.body);
    },
    { now: () => health.now, mux: true },
  );
}
