/**
 * The tracer's inputs over a running cluster, for the emulator's wiring:
 * the dataplane's own `PathWorld`, a catalog over the ObjectStore, the
 * cluster DNS view, the ingress controller's route table compiled from the
 * store, and the nodes the emulated load balancer spreads a VIP over.
 */
import type { PathWorld } from '../dataplane/path.js';
import type { PodResolverConfig } from '../dns/resolver.js';
import { compileIngress, snapshotFromView, storeClusterView } from '../ingress/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Clock } from '../util/clock.js';
import type { L4Protocol } from '../workloads/types.js';
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
  /** The nodes a connection to a node address, VIP or externalIP enters by (`Dataplane.entryCandidates`). */
  readonly entryNodes: (key: { protocol: L4Protocol; address: string; port: number }) => string[];
  /** The ingress controller's Service; none leaves `--via ingress` unavailable. */
  readonly ingressService?: { readonly namespace: string; readonly name: string };
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
    entryNodes: (protocol, ip, port) => config.entryNodes({ protocol, address: ip, port }),
    ...(ingress ? { ingress } : {}),
  });
}
