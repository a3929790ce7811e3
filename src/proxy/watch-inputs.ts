/**
 * Subscribes kube-proxy's inputs in the ObjectStore: Services, EndpointSlices and
 * Nodes, replaying what is stored first (an informer's initial list). Slices that
 * change Service or become hidden from kube-proxy are removed under their old identity.
 */
import type { EndpointSlice, KubeObject, Node, Service } from '../api/types.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Unsubscribe, WatchEvent } from '../store/watch.js';
import { sliceServiceName } from './endpoint-slices.js';

/** Store keys of the watched resources. */
export const SERVICES = 'services';
export const ENDPOINT_SLICES = 'endpointslices.discovery.k8s.io';
export const NODES = 'nodes';

export interface ProxyInputHandlers {
  /** `(undefined, svc)` add, `(old, new)` update, `(svc, undefined)` delete. */
  readonly service: (previous: Service | undefined, current: Service | undefined) => void;
  /** A slice to record (`removed` false) or forget (`removed` true). */
  readonly slice: (slice: EndpointSlice, removed: boolean) => void;
  readonly node: (node: Node) => void;
}

// Stored objects are the kubernetes-types shapes with apiVersion/kind/metadata
// guaranteed (`Typed<T>`); only read here, never mutated.
function asService(obj: KubeObject): Service {
  return obj as unknown as Service;
}
function asSlice(obj: KubeObject): EndpointSlice {
  return obj as unknown as EndpointSlice;
}

function onSliceEvent(event: WatchEvent, handlers: ProxyInputHandlers): void {
  if (event.type === 'DELETED') {
    handlers.slice(asSlice(event.object), true);
    return;
  }
  if (event.type === 'MODIFIED') {
    const before = sliceServiceName(asSlice(event.previous));
    if (before !== undefined && before !== sliceServiceName(asSlice(event.object))) {
      handlers.slice(asSlice(event.previous), true);
    }
  }
  handlers.slice(asSlice(event.object), false);
}

function onServiceEvent(event: WatchEvent, handlers: ProxyInputHandlers): void {
  if (event.type === 'ADDED') handlers.service(undefined, asService(event.object));
  else if (event.type === 'MODIFIED') handlers.service(asService(event.previous), asService(event.object));
  else handlers.service(asService(event.object), undefined);
}

/** Replays stored objects and subscribes; returns the combined unsubscribe. */
export function watchProxyInputs(store: ObjectStore, handlers: ProxyInputHandlers): Unsubscribe {
  const subscriptions = [
    store.subscribe(SERVICES, (event) => onServiceEvent(event, handlers)),
    store.subscribe(ENDPOINT_SLICES, (event) => onSliceEvent(event, handlers)),
    store.subscribe(NODES, (event) => {
      if (event.type !== 'DELETED') handlers.node(event.object as unknown as Node);
    }),
  ];
  for (const svc of store.list(SERVICES)) handlers.service(undefined, asService(svc));
  for (const slice of store.list(ENDPOINT_SLICES)) handlers.slice(asSlice(slice), false);
  for (const node of store.list(NODES)) handlers.node(node as unknown as Node);
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
