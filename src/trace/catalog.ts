/**
 * The tracer's view of the objects a user names (`pod/NAME`, `svc/NAME`,
 * `node/NAME`): lookups by name for the common path, listings only for the
 * close matches of a name that does not exist. `storeCatalog` reads the
 * emulator's ObjectStore; tests may hand in any implementation.
 */
import type { KubeObject, Pod, Service } from '../api/types.js';
import type { ObjectStore } from '../store/object-store.js';

export interface CatalogPod {
  readonly namespace: string;
  readonly name: string;
  /** `status.podIP`; undefined until the pod has one. */
  readonly ip: string | undefined;
  /** `spec.nodeName`; undefined until scheduled. */
  readonly node: string | undefined;
}

export interface CatalogServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly nodePort?: number;
}

export interface CatalogService {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  /** `spec.clusterIP`: an address, `None` (headless) or undefined (ExternalName). */
  readonly clusterIP: string | undefined;
  readonly ports: readonly CatalogServicePort[];
  readonly externalName?: string;
}

export interface CatalogNode {
  readonly name: string;
  readonly address: string;
}

/** Read access to what a trace request may name. */
export interface TraceCatalog {
  pod(namespace: string, name: string): CatalogPod | undefined;
  service(namespace: string, name: string): CatalogService | undefined;
  node(name: string): CatalogNode | undefined;
  namespaceExists(namespace: string): boolean;
  /** `namespace/name` of every pod (close matches only). */
  podNames(): readonly string[];
  /** `namespace/name` of every Service (close matches only). */
  serviceNames(): readonly string[];
  nodeNames(): readonly string[];
}

function key(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** A Service object as the catalog describes it. */
export function catalogService(svc: Service): CatalogService {
  const spec = svc.spec ?? {};
  return {
    namespace: svc.metadata?.namespace ?? 'default',
    name: svc.metadata?.name ?? '',
    type: spec.type ?? 'ClusterIP',
    clusterIP: spec.clusterIP,
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    })),
    ...(spec.externalName ? { externalName: spec.externalName } : {}),
  };
}

/** The catalog over a live ObjectStore and the topology's nodes. */
export function storeCatalog(store: ObjectStore, nodes: readonly CatalogNode[]): TraceCatalog {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return {
    pod(namespace, name) {
      const pod = store.get<Pod & KubeObject>('pods', namespace, name);
      if (!pod) return undefined;
      return { namespace, name, ip: pod.status?.podIP, node: pod.spec?.nodeName };
    },
    service(namespace, name) {
      const svc = store.get<Service & KubeObject>('services', namespace, name);
      return svc ? catalogService(svc) : undefined;
    },
    node: (name) => byName.get(name),
    namespaceExists: (namespace) => store.get('namespaces', undefined, namespace) !== undefined,
    podNames: () => store.list('pods').map(key),
    serviceNames: () => store.list('services').map(key),
    nodeNames: () => nodes.map((n) => n.name),
  };
}
