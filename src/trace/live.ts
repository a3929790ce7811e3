/**
 * The tracer's inputs over a running cluster, for the emulator's wiring:
 * the dataplane's own `PathWorld`, a catalog over the ObjectStore, the
 * cluster DNS view, the ingress controller's route table compiled from the
 * store, and the emulated load balancer's choice of entry node.
 */
import type { PathWorld } from '../dataplane/path.js';
import type { PodResolverConfig } from '../dns/resolver.js';
import { compileIngress, snapshotFromView, storeClusterView } from '../ingress/index.js';
import type { ProxyState } from '../proxy/model.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Clock } from '../util/clock.js';
import { type CatalogNode, storeCatalog } from './catalog.js';
import type { IngressView } from './ingress-step.js';
import type { TraceDeps } from './trace.js';

export interface LiveTraceConfig {
  /** `Dataplane.world`. */
  readonly world: PathWorld;
  readonly store: ObjectStore;
  readonly nodes: readonly CatalogNode[];
  /** The cluster DNS view and the host resolver (`Cluster.dnsView`, the emulator's lookup). */
  readonly dns: PodResolverConfig;
  readonly clock: Clock;
  /** kube-proxy's state (`ProxyController.state()`), for the load balancer's entry nodes. */
  readonly proxyState: () => ProxyState;
  /** The ingress controller's Service; none leaves `--via ingress` unavailable. */
  readonly ingressService?: { readonly namespace: string; readonly name: string };
}

/**
 * The nodes an emulated load balancer hands a VIP or externalIP connection to:
 * every node that is up, and for externalTrafficPolicy Local only those with
 * a local ready endpoint (what the healthCheckNodePort reports), unless none has.
 * Empty for addresses that are no Service's VIP (nothing on the laptop answers them).
 *
 * Mirrors `Dataplane`'s private entry-node choice (round-robin over this list);
 * when the dataplane exposes that list, pass it instead.
 */
export function loadBalancerEntryNodes(
  state: ProxyState,
  world: PathWorld,
  nodes: readonly CatalogNode[],
  target: { protocol: string; ip: string; port: number },
): string[] {
  // Only loopback VIPs are bound on the laptop; anything else never reaches a node from it.
  if (!target.ip.startsWith('127.')) return [];
  for (const svc of state.services.values()) {
    if (svc.protocol !== target.protocol || svc.port !== target.port) continue;
    if (!svc.loadBalancerVIPs.includes(target.ip) && !svc.externalIPs.includes(target.ip)) continue;
    const up = nodes.map((n) => n.name).filter((n) => world.nodeUp(n));
    if (!svc.externalPolicyLocal) return up;
    const local = new Set(
      (state.endpoints.get(svc.key) ?? []).filter((e) => e.ready && e.nodeName).map((e) => e.nodeName),
    );
    const healthy = up.filter((n) => local.has(n));
    return healthy.length ? healthy : up;
  }
  return [];
}

/** A `deps` function for `traceRoutes` over a running cluster. */
export function liveTraceDeps(config: LiveTraceConfig): () => TraceDeps {
  const catalog = storeCatalog(config.store, config.nodes);
  const ingressService = config.ingressService;
  let ingress: IngressView | undefined;
  if (ingressService) {
    const view = storeClusterView(config.store);
    ingress = { service: ingressService, table: () => compileIngress(snapshotFromView(view)) };
  }
  return () => ({
    world: config.world,
    catalog,
    dns: config.dns,
    now: config.clock.now(),
    entryNodes: (protocol, ip, port) =>
      loadBalancerEntryNodes(config.proxyState(), config.world, config.nodes, { protocol, ip, port }),
    ...(ingress ? { ingress } : {}),
  });
}
