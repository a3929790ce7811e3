/**
 * kube-proxy's healthCheckNodePort server (`pkg/proxy/healthcheck/service_health.go`):
 * for a LoadBalancer Service with externalTrafficPolicy Local, every node answers
 * on that port with the number of the Service's *local ready* endpoints —
 * 200 when there is at least one, 503 otherwise — so a load balancer sends
 * traffic only to nodes that can serve it locally.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyState } from '../proxy/model.js';
import { httpDate } from '../util/time-text.js';
import { writeExactHead } from '../workloads/http/host.js';
import { goStatusLine } from '../workloads/http/status-text.js';
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
