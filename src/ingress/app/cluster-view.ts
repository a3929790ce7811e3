/**
 * The controller's read-only, live view of the cluster: what ingress-nginx's
 * informers give it (Ingresses, IngressClasses, Services, EndpointSlices,
 * Secrets) plus change notifications. The emulator builds one from its
 * ObjectStore (`storeClusterView`) and passes it to `ingressControllerProfile`;
 * tests use `StaticClusterView`.
 */
import type { ObjectStore } from '../../store/object-store.js';
import type { IngressSnapshot } from '../compile.js';
import type { IngressClassObject, IngressObject } from '../ingress-class.js';
import type { SecretObject } from '../tls-config.js';
import { type EndpointSliceObject, SERVICE_NAME_LABEL, type ServiceObject } from '../upstreams.js';

/** Everything the controller reads. Returned objects are shared and must not be mutated. */
export interface IngressClusterView {
  ingresses(): readonly IngressObject[];
  ingressClasses(): readonly IngressClassObject[];
  service(namespace: string, name: string): ServiceObject | undefined;
  /** EndpointSlices of a Service (label `kubernetes.io/service-name`). */
  endpointSlices(namespace: string, service: string): readonly EndpointSliceObject[];
  secret(namespace: string, name: string): SecretObject | undefined;
  /**
   * Calls `listener` (synchronously, keep it cheap) after any change to one of
   * those resources. Returns the unsubscribe function.
   */
  subscribe(listener: () => void): () => void;
}

/** The snapshot `compileIngress` needs: the Ingresses plus only the objects they reference. */
export function snapshotFromView(view: IngressClusterView): IngressSnapshot {
  const ingresses = view.ingresses();
  const services = new Map<string, ServiceObject>();
  const slices: EndpointSliceObject[] = [];
  const secrets = new Map<string, SecretObject>();
  const addService = (ns: string, name: string | undefined) => {
    if (!name || services.has(`${ns}/${name}`)) return;
    const svc = view.service(ns, name);
    if (!svc) return;
    services.set(`${ns}/${name}`, svc);
    slices.push(...view.endpointSlices(ns, name));
  };
  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? 'default';
    addService(ns, ing.spec?.defaultBackend?.service?.name);
    for (const r of ing.spec?.rules ?? [])
      for (const p of r.http?.paths ?? []) addService(ns, p.backend.service?.name);
    for (const t of ing.spec?.tls ?? []) {
      const secret = t.secretName ? view.secret(ns, t.secretName) : undefined;
      if (secret) secrets.set(`${ns}/${t.secretName}`, secret);
    }
  }
  return {
    ingresses,
    ingressClasses: view.ingressClasses(),
    services: [...services.values()],
    endpointSlices: slices,
    secrets: [...secrets.values()],
  };
}

const RESOURCES = {
  ingresses: 'ingresses.networking.k8s.io',
  ingressClasses: 'ingressclasses.networking.k8s.io',
  services: 'services',
  endpointSlices: 'endpointslices.discovery.k8s.io',
  secrets: 'secrets',
} as const;

const SLICE_INDEX = 'ingress/service-name';

/** A live view over the emulator's ObjectStore (adds one EndpointSlice index). */
export function storeClusterView(store: ObjectStore): IngressClusterView {
  store.addIndex(RESOURCES.endpointSlices, SLICE_INDEX, (obj) => {
    const svc = obj.metadata.labels?.[SERVICE_NAME_LABEL];
    return svc ? [`${obj.metadata.namespace}/${svc}`] : [];
  });
  return {
    ingresses: () => store.list<IngressObject>(RESOURCES.ingresses),
    ingressClasses: () => store.list<IngressClassObject>(RESOURCES.ingressClasses),
    service: (ns, name) => store.get<ServiceObject>(RESOURCES.services, ns, name),
    endpointSlices: (ns, name) =>
      store.byIndex<EndpointSliceObject>(RESOURCES.endpointSlices, SLICE_INDEX, `${ns}/${name}`),
    secret: (ns, name) => store.get<SecretObject>(RESOURCES.secrets, ns, name),
    subscribe(listener) {
      const offs = Object.values(RESOURCES).map((r) => store.subscribe(r, () => listener()));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}

/** A view over a fixed snapshot that can be replaced (tests, benchmarks). */
export class StaticClusterView implements IngressClusterView {
  #snapshot: IngressSnapshot;
  readonly #listeners = new Set<() => void>();

  constructor(snapshot: IngressSnapshot) {
    this.#snapshot = snapshot;
  }

  /** Replaces the whole state and notifies subscribers. */
  set(snapshot: IngressSnapshot): void {
    this.#snapshot = snapshot;
    for (const l of this.#listeners) l();
  }

  ingresses(): readonly IngressObject[] {
    return this.#snapshot.ingresses;
  }

  ingressClasses(): readonly IngressClassObject[] {
    return this.#snapshot.ingressClasses;
  }

  service(namespace: string, name: string): ServiceObject | undefined {
    return this.#snapshot.services.find(
      (s) => s.metadata.namespace === namespace && s.metadata.name === name,
    );
  }

  endpointSlices(namespace: string, service: string): readonly EndpointSliceObject[] {
    return this.#snapshot.endpointSlices.filter(
      (s) => s.metadata.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service,
    );
  }

  secret(namespace: string, name: string): SecretObject | undefined {
    return this.#snapshot.secrets.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
