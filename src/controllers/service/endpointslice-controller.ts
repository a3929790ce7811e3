/**
 * The EndpointSlice controller: keeps each selector-based Service's slices in
 * line with the pods it selects (issue 4 part 2; `pkg/controller/endpointslice`).
 * Pure planning in slice-planner.ts; this runner reads the store and writes
 * through the Registry.
 */
import { resourceForKind } from '../../api/resources.js';
import type { EndpointSlice, KubeObject, Node } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { Controller } from '../runtime/controller.js';
import type { ManagedController } from '../runtime/manager.js';
import {
  endpointPorts,
  MANAGED_BY_LABEL,
  type PodObj,
  podToEndpoint,
  portMapKey,
  SERVICE_NAME_LABEL,
  type ServiceObj,
  SLICE_CONTROLLER_NAME,
  shouldPodBeInEndpoints,
  sliceLabels,
} from './endpoint-model.js';
import {
  addSelectionIndexes,
  podEndpointRelevantChange,
  podsForService,
  servicesForPod,
} from './selection.js';
import { type DesiredGroup, planSlices, type SliceObj } from './slice-planner.js';

export const SLICES_RESOURCE = 'endpointslices.discovery.k8s.io';
/** Index of slices by `namespace/serviceName` (the `kubernetes.io/service-name` label). */
export const SLICE_SERVICE_INDEX = 'service';

export interface EndpointSliceControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `--max-endpoints-per-slice`. @default 100 */
  readonly maxEndpointsPerSlice?: number;
}

export function addSliceIndexes(store: ObjectStore): void {
  store.addIndex(SLICES_RESOURCE, SLICE_SERVICE_INDEX, (s) => {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    return svc ? [`${s.metadata.namespace}/${svc}`] : [];
  });
}

export class EndpointSliceController implements ManagedController {
  readonly name = 'endpointslice';
  readonly #config: EndpointSliceControllerConfig;
  readonly #controller: Controller;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: EndpointSliceControllerConfig) {
    this.#config = config;
    addSelectionIndexes(config.store);
    addSliceIndexes(config.store);
    this.#controller = new Controller({
      name: 'endpointslice',
      clock: config.clock,
      logger: config.logger,
      reconcile: (key) => this.reconcile(key),
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
      store.subscribe(SLICES_RESOURCE, (e) => {
        if (e.object.metadata.labels?.[MANAGED_BY_LABEL] !== SLICE_CONTROLLER_NAME) return;
        const svc = e.object.metadata.labels?.[SERVICE_NAME_LABEL];
        if (svc) enqueue(`${e.object.metadata.namespace}/${svc}`);
      }),
    );
    for (const svc of store.list('services')) enqueue(`${svc.metadata.namespace}/${svc.metadata.name}`);
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    await this.#controller.stop();
  }

  /** Resolves when no reconcile is queued or running (tests, `up` readiness). */
  get idle(): boolean {
    return this.#controller.idle;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  /** Brings the slices of one Service (`namespace/name`) up to date. */
  reconcile(key: string): void {
    const { store, registry } = this.#config;
    const [namespace, name] = key.split('/') as [string, string];
    const service = store.get<ServiceObj>('services', namespace, name);
    const existing = store
      .byIndex<SliceObj>(SLICES_RESOURCE, SLICE_SERVICE_INDEX, key)
      .filter((s) => s.metadata.labels?.[MANAGED_BY_LABEL] === SLICE_CONTROLLER_NAME);
    const info = resourceForKind('EndpointSlice');
    if (!info) return;
    if (!service?.spec?.selector || service.spec.type === 'ExternalName') {
      // Without a selector the slices are the user's (or the mirroring controller's).
      for (const s of existing) registry.delete(info, namespace, s.metadata.name ?? '');
      return;
    }
    const groups = desiredGroups(store, service);
    const labels = sliceLabels(service, SLICE_CONTROLLER_NAME);
    const labelsChanged = existing.some(
      (s) => JSON.stringify(s.metadata.labels ?? {}) !== JSON.stringify(labels),
    );
    const plan = planSlices(groups, existing, {
      maxEndpointsPerSlice: this.#config.maxEndpointsPerSlice ?? 100,
      labelsChanged,
    });
    for (const s of plan.delete) registry.delete(info, namespace, s.metadata.name ?? '');
    for (const u of plan.update) {
      registry.update<SliceObj>({
        ...u.slice,
        metadata: { ...u.slice.metadata, labels },
        ports: [...u.ports],
        endpoints: [...u.endpoints],
      });
    }
    for (const c of plan.create) {
      const slice: EndpointSlice & KubeObject = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace,
          labels,
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name,
              uid: service.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        addressType: 'IPv4',
        endpoints: [...c.endpoints],
        ports: [...c.ports],
      };
      registry.create(slice);
    }
  }
}

/** Endpoints of the Service's pods, grouped by resolved port set, in pod-name order. */
export function desiredGroups(store: ObjectStore, service: ServiceObj): DesiredGroup[] {
  const groups = new Map<
    string,
    { ports: DesiredGroup['ports']; endpoints: DesiredGroup['endpoints'][number][] }
  >();
  const pods = podsForService(store, service)
    .filter((p) => shouldPodBeInEndpoints(p, true))
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const pod of pods) {
    // A pod whose ports do not resolve (a targetPort name it lacks) still gets an
    // endpoint, in a slice without ports, as upstream does; kube-proxy then has
    // nothing to route to it.
    const ports = endpointPorts(service, pod);
    const node = pod.spec?.nodeName
      ? store.get<Node & KubeObject>('nodes', undefined, pod.spec.nodeName)
      : undefined;
    const key = portMapKey(ports);
    const g = groups.get(key) ?? { ports, endpoints: [] };
    g.endpoints.push(podToEndpoint(service, pod, node));
    groups.set(key, g);
  }
  return [...groups.values()];
}
