/**
 * The (legacy) Endpoints controller: one core/v1 Endpoints object per
 * selector-based Service, named like it (`kubectl get ep`). Ready pods go to
 * `addresses`, unready ones to `notReadyAddresses`, terminating ones are left
 * out unless `publishNotReadyAddresses`; pods with different resolved ports go
 * to different subsets (`pkg/controller/endpoint`, `RepackSubsets`).
 */
import { resourceForKind } from '../../api/resources.js';
import type { EndpointAddress, Endpoints, KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { Controller } from '../runtime/controller.js';
import type { ManagedController } from '../runtime/manager.js';
import {
  endpointPorts,
  HEADLESS_LABEL,
  hostnameFor,
  isPodReady,
  type PodObj,
  portMapKey,
  type ServiceObj,
  shouldPodBeInEndpoints,
} from './endpoint-model.js';
import {
  addSelectionIndexes,
  podEndpointRelevantChange,
  podsForService,
  servicesForPod,
} from './selection.js';

export interface EndpointsControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

type EndpointsObj = Endpoints & KubeObject;

/** The Endpoints content for a Service (pure apart from reading the store's pods). */
export function computeEndpoints(store: ObjectStore, service: ServiceObj): Pick<Endpoints, 'subsets'> {
  const tolerate = service.spec?.publishNotReadyAddresses === true;
  const subsets = new Map<
    string,
    { ports: ReturnType<typeof endpointPorts>; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of podsForService(store, service)) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const ports = endpointPorts(service, pod);
    const headless = service.spec?.clusterIP === 'None' && (service.spec.ports ?? []).length === 0;
    if (ports.length === 0 && !headless) continue;
    const address: EndpointAddress = {
      ip: pod.status?.podIP ?? '',
      ...(hostnameFor(service, pod) ? { hostname: hostnameFor(service, pod) as string } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name ?? '',
        uid: pod.metadata.uid ?? '',
      },
    };
    const key = portMapKey(ports);
    const s = subsets.get(key) ?? { ports, ready: [], notReady: [] };
    if (tolerate || isPodReady(pod)) s.ready.push(address);
    else s.notReady.push(address);
    subsets.set(key, s);
  }
  const byIP = (a: EndpointAddress, b: EndpointAddress) =>
    compareIPs(a.ip, b.ip) || ((a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1);
  const out = [...subsets.values()]
    .map((s) => ({
      ...(s.ready.length ? { addresses: s.ready.sort(byIP) } : {}),
      ...(s.notReady.length ? { notReadyAddresses: s.notReady.sort(byIP) } : {}),
      ...(s.ports.length
        ? {
            ports: s.ports.map((p) => ({
              ...(p.name ? { name: p.name } : {}),
              port: p.port ?? 0,
              protocol: p.protocol ?? 'TCP',
              ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
            })),
          }
        : {}),
    }))
    .sort((a, b) =>
      compareIPs(
        a.addresses?.[0]?.ip ?? a.notReadyAddresses?.[0]?.ip ?? '',
        b.addresses?.[0]?.ip ?? b.notReadyAddresses?.[0]?.ip ?? '',
      ),
    );
  return out.length ? { subsets: out } : {};
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export class EndpointsController implements ManagedController {
  readonly name = 'endpoints';
  readonly #config: EndpointsControllerConfig;
  readonly #controller: Controller;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: EndpointsControllerConfig) {
    this.#config = config;
    addSelectionIndexes(config.store);
    this.#controller = new Controller({
      name: 'endpoints',
      clock: config.clock,
      logger: config.logger,
      reconcile: (k) => this.reconcile(k),
    });
  }

  start(signal: AbortSignal): void {
    const { store } = this.#config;
    const enqueue = (key: string) => this.#controller.enqueue(key);
    this.#unsubscribe.push(
      store.subscribe('services', (e) => enqueue(`${e.object.metadata.namespace}/${e.object.metadata.name}`)),
      store.subscribe('pods', (e) => {
        if (e.type === 'MODIFIED' && !podEndpointRelevantChange(e.previous as PodObj, e.object as PodObj))
          return;
        for (const key of servicesForPod(store, e.object, e.type === 'MODIFIED' ? e.previous : undefined))
          enqueue(key);
      }),
    );
    for (const svc of store.list('services')) enqueue(`${svc.metadata.namespace}/${svc.metadata.name}`);
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    await this.#controller.stop();
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  reconcile(key: string): void {
    const { store, registry } = this.#config;
    const info = resourceForKind('Endpoints');
    if (!info) return;
    const [namespace, name] = key.split('/') as [string, string];
    const service = store.get<ServiceObj>('services', namespace, name);
    const current = store.get<EndpointsObj>('endpoints', namespace, name);
    if (!service) {
      // As upstream: the Endpoints named like a deleted Service go with it.
      if (current) registry.delete(info, namespace, name);
      return;
    }
    // Services without a selector have user-managed Endpoints; ExternalName has none.
    if (!service.spec?.selector || service.spec.type === 'ExternalName') return;
    const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
    if (service.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    const content = computeEndpoints(store, service);
    // The Service's labels replace the old ones; an empty map is left out, as Go's omitempty does.
    const { labels: _old, ...meta } = current?.metadata ?? { name, namespace };
    const desired: EndpointsObj = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: Object.keys(labels).length ? { ...meta, labels } : meta,
      ...content,
    };
    if (current) registry.update(desired);
    else registry.create(desired);
  }
}
