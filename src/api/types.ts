/**
 * Kubernetes object types. The shapes come from `kubernetes-types`; netkube adds
 * only the guarantee that a stored object has `apiVersion`, `kind` and `metadata`.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export type {
  Deployment,
  DeploymentCondition,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  ReplicaSet,
  ReplicaSetCondition,
  ReplicaSetSpec,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1.js';
export type { Lease } from 'kubernetes-types/coordination/v1.js';
export type {
  Affinity,
  ConfigMap,
  Container,
  ContainerPort,
  ContainerState,
  ContainerStateRunning,
  ContainerStateTerminated,
  ContainerStateWaiting,
  ContainerStatus,
  EndpointAddress,
  EndpointPort as CoreEndpointPort,
  EndpointSubset,
  Endpoints,
  EnvVar,
  Event,
  EventSource,
  HTTPGetAction,
  Namespace,
  NamespaceStatus,
  Node,
  NodeAddress,
  NodeCondition,
  NodeSpec,
  NodeStatus,
  NodeSystemInfo,
  ObjectReference,
  Pod,
  PodCondition,
  PodIP,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  Secret,
  Service,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
  Taint,
  Toleration,
  Volume,
} from 'kubernetes-types/core/v1.js';
export type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
export type {
  LabelSelector,
  LabelSelectorRequirement,
  ObjectMeta,
  OwnerReference,
  Status,
  StatusCause,
} from 'kubernetes-types/meta/v1.js';
export type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressRule,
  IngressSpec,
  IngressTLS,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
} from 'kubernetes-types/networking/v1.js';

/**
 * Any Kubernetes object as netkube stores it: `apiVersion`, `kind` and `metadata`
 * are always present (the store fills them); the rest is kind-specific.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

/** Narrows a stored object to its kubernetes-types shape, keeping the stored guarantees. */
export type Typed<T> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & KubeObject;

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (client-go `MetaNamespaceKeyFunc`). */
export function objectKey(obj: { readonly metadata?: ObjectMeta | undefined }): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by `objectKey` back into namespace and name. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
