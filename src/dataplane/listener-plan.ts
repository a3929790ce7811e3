/**
 * Which real sockets the emulated nodes need, from kube-proxy's view of the
 * Services: every NodePort on every node address, each LoadBalancer VIP and
 * externalIP that is a loopback address, each healthCheckNodePort on every
 * node, and kube-proxy's own health server port (10256) on every node address.
 * An externalIP outside 127.0.0.0/8 (the seed manifests use
 * 192.168.56.103) cannot be bound on a laptop: it is reported, and still works
 * from pods, traces and the SOCKS gateway because those never need a socket.
 *
 * A Service port with no usable endpoint at all (none ready, and none serving
 * while terminating) gets no NodePort, VIP or externalIP socket: kube-proxy
 * REJECTs such traffic with an ICMP port unreachable, which a laptop client
 * sees as "connection refused" — exactly what an address with nothing bound
 * answers. (An accepted socket could only be reset.) The listener comes back
 * with the first endpoint.
 */
import type { ProxyState, ServicePortInfo } from '../proxy/model.js';
import type { ListenKey } from './listeners.js';

export interface HealthCheckTarget {
  readonly namespace: string;
  readonly name: string;
  /** Service port keys of the Service (`ns/name:port/TCP`). */
  readonly servicePorts: readonly string[];
}

export interface ListenerPlan {
  readonly keys: readonly ListenKey[];
  /** healthCheckNodePort → the Service it reports on. */
  readonly healthChecks: ReadonlyMap<number, HealthCheckTarget>;
  /** externalIPs that are not loopback addresses: `namespace/name` → addresses. */
  readonly unbindable: ReadonlyMap<string, readonly string[]>;
}

function isLoopback(ip: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(ip);
}

/** Whether kube-proxy has any endpoint to send this port's traffic to (else it REJECTs). */
function hasUsableEndpoint(state: ProxyState, svc: ServicePortInfo): boolean {
  for (const e of state.endpoints.get(svc.key) ?? [])
    if (e.ready || (e.serving && e.terminating)) return true;
  return false;
}

/**
 * Computes the desired listeners (pure). `healthzPort` is kube-proxy's health
 * server port, bound on every node address; 0 or none binds nothing for it.
 */
export function planListeners(
  state: ProxyState,
  nodes: ReadonlyArray<{ readonly address: string }>,
  options: { readonly healthzPort?: number } = {},
): ListenerPlan {
  const keys = new Map<string, ListenKey>();
  const add = (address: string, port: number, protocol: ListenKey['protocol']) => {
    keys.set(`${protocol}/${address}:${port}`, { address, port, protocol });
  };
  const healthChecks = new Map<number, { namespace: string; name: string; servicePorts: string[] }>();
  const unbindable = new Map<string, Set<string>>();
  if (options.healthzPort) for (const n of nodes) add(n.address, options.healthzPort, 'TCP');
  for (const svc of state.services.values()) {
    const protocol = svc.protocol;
    const rejected = !hasUsableEndpoint(state, svc);
    if (svc.nodePort && !rejected) for (const n of nodes) add(n.address, svc.nodePort, protocol);
    for (const vip of svc.loadBalancerVIPs) if (isLoopback(vip) && !rejected) add(vip, svc.port, protocol);
    for (const ip of svc.externalIPs) {
      if (isLoopback(ip)) {
        if (!rejected) add(ip, svc.port, protocol);
      } else {
        const key = `${svc.name.namespace}/${svc.name.name}`;
        const set = unbindable.get(key) ?? new Set<string>();
        set.add(ip);
        unbindable.set(key, set);
      }
    }
    if (svc.healthCheckNodePort) {
      for (const n of nodes) add(n.address, svc.healthCheckNodePort, 'TCP');
      const hc = healthChecks.get(svc.healthCheckNodePort) ?? {
        namespace: svc.name.namespace,
        name: svc.name.name,
        servicePorts: [],
      };
      hc.servicePorts.push(svc.key);
      healthChecks.set(svc.healthCheckNodePort, hc);
    }
  }
  return {
    keys: [...keys.values()],
    healthChecks,
    unbindable: new Map([...unbindable].map(([k, v]) => [k, [...v].sort()])),
  };
}
