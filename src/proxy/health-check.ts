/**
 * kube-proxy's service health checks (`pkg/proxy/healthcheck/service_health.go`): for
 * each LoadBalancer Service with externalTrafficPolicy Local, an HTTP server on its
 * healthCheckNodePort on every node answers 200 while the node has a local Ready
 * endpoint and 503 otherwise, which is how a load balancer learns which nodes to use.
 * Pure: the dataplane serves the response; this module decides it.
 */
import { isLocalEndpoint, namespacedName, type ProxyState } from './model.js';

/** One Service's health check port (`ServicePortMap.HealthCheckNodePorts`). */
export interface HealthCheckService {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
}

/** Every health check node port, by port (one per Service). */
export function healthCheckNodePorts(state: ProxyState): Map<number, HealthCheckService> {
  const out = new Map<number, HealthCheckService>();
  for (const svc of state.services.values()) {
    if (svc.healthCheckNodePort === 0) continue;
    out.set(svc.healthCheckNodePort, {
      namespace: svc.name.namespace,
      name: svc.name.name,
      port: svc.healthCheckNodePort,
    });
  }
  return out;
}

/**
 * `EndpointsMap.LocalReadyEndpoints`: local, Ready endpoints of a Service summed over
 * its ports (serving-terminating endpoints do not count).
 */
export function localReadyEndpoints(
  state: ProxyState,
  nodeName: string,
  service: { namespace: string; name: string },
): number {
  const wanted = namespacedName(service);
  let count = 0;
  for (const [key, svc] of state.services) {
    if (namespacedName(svc.name) !== wanted) continue;
    for (const ep of state.endpoints.get(key) ?? []) if (ep.ready && isLocalEndpoint(ep, nodeName)) count++;
  }
  return count;
}

/** The HTTP answer of `hcHandler.ServeHTTP`. */
export interface HealthCheckResponse {
  readonly status: 200 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The response a node gives on a health check port, for any request path. */
export function healthCheckResponse(
  service: { namespace: string; name: string },
  localEndpoints: number,
  proxyHealthy = true,
): HealthCheckResponse {
  const body = {
    service: { namespace: service.namespace, name: service.name },
    localEndpoints,
    serviceProxyHealthy: proxyHealthy,
  };
  return {
    status: localEndpoints !== 0 && proxyHealthy ? 200 : 503,
    headers: {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Load-Balancing-Endpoint-Weight': String(localEndpoints),
    },
    body: JSON.stringify(body, null, '\t'),
  };
}
