/**
 * Describers per kind, as kubectl picks them: fetch the object and what its
 * describer shows beside it (events, ReplicaSets, pods, EndpointSlices,
 * lease), then render with the pure functions of this folder. Kinds without
 * their own describer (IPPools, BlockAffinities, …) use the generic one.
 */
import { type ResourceInfo, resourceForKind } from '../../api/resources.js';
import type {
  ConfigMap,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Lease,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from '../../api/types.js';
import type { ApiClient } from '../client.js';
import { collectionPath, objectPath } from '../paths.js';
import { splitReplicaSets } from '../rollout/replicasets.js';
import { describeEndpoints, describeIngressClass, describeNetworkPolicy, describeSecret } from './extra.js';
import { describeConfigMap, describeGeneric, describeNamespace } from './misc.js';
import { type BackendInfo, describeEndpointSlice, describeIngress, describeService } from './network.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeDeployment, describeReplicaSet } from './workloads.js';
import { type CoreEvent, selectorString } from './writer.js';

const CORE = (kind: string) => resourceForKind(kind) as ResourceInfo;

async function list<T>(
  client: ApiClient,
  path: string,
  query: Record<string, string | undefined>,
): Promise<T[]> {
  const body = await client.json<{ items?: T[] }>('GET', path, { query });
  return body.items ?? [];
}

/** kubectl's `searchEvents`: events whose involvedObject is the object (kind omitted for pods, as kubectl does). */
async function searchEvents(
  client: ApiClient,
  obj: KubeObject,
  opts: { kind?: string | undefined; uid?: string | undefined } = {},
): Promise<CoreEvent[]> {
  const ns = obj.metadata.namespace ?? '';
  const parts = [`involvedObject.name=${obj.metadata.name}`, `involvedObject.namespace=${ns}`];
  if (opts.kind) parts.push(`involvedObject.kind=${opts.kind}`);
  const uid = opts.uid ?? obj.metadata.uid;
  if (uid) parts.push(`involvedObject.uid=${uid}`);
  try {
    return await list<CoreEvent>(client, collectionPath(CORE('Event'), ns || undefined), {
      fieldSelector: parts.join(','),
    });
  } catch {
    return [];
  }
}

async function podCounts(client: ApiClient, rs: ReplicaSet) {
  const ns = rs.metadata?.namespace;
  const pods = await list<Pod>(client, collectionPath(CORE('Pod'), ns), {
    labelSelector: selectorString(rs.spec?.selector),
  });
  const counts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const pod of pods) {
    if (!pod.metadata?.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata?.uid)) continue;
    const phase = pod.status?.phase;
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

async function backendsOf(client: ApiClient, ing: Ingress): Promise<Map<string, BackendInfo>> {
  const ns = ing.metadata?.namespace;
  const names = new Set<string>();
  const spec = ing.spec;
  if (spec?.defaultBackend?.service) names.add(spec.defaultBackend.service.name);
  for (const r of spec?.rules ?? [])
    for (const p of r.http?.paths ?? []) if (p.backend.service) names.add(p.backend.service.name);
  const out = new Map<string, BackendInfo>();
  for (const name of names) {
    try {
      const slices = await list<EndpointSlice>(client, collectionPath(CORE('EndpointSlice'), ns), {
        labelSelector: `kubernetes.io/service-name=${name}`,
      });
      const service = await client.json<Service>('GET', objectPath(CORE('Service'), ns, name));
      out.set(name, { service, slices });
    } catch (err) {
      out.set(name, { error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

async function describeNodeObject(client: ApiClient, node: Node, now: number): Promise<string> {
  const name = node.metadata?.name ?? '';
  const pods = await list<Pod>(client, collectionPath(CORE('Pod'), undefined), {
    fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`,
  });
  let lease: Lease | { error: string };
  try {
    lease = await client.json<Lease>('GET', objectPath(CORE('Lease'), 'kube-node-lease', name));
  } catch (err) {
    lease = { error: err instanceof Error ? err.message : String(err) };
  }
  const events = [
    ...(await searchEvents(client, node as KubeObject, { kind: 'Node' })),
    ...(await searchEvents(client, node as KubeObject, { kind: 'Node', uid: name })),
  ];
  return describeNode(node, lease, pods, events, now);
}

/** Fetches one object and renders kubectl's description of it. Throws the API's error when it is missing. */
export async function describeObject(
  client: ApiClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  now: number,
): Promise<string> {
  const obj = await client.json<KubeObject>('GET', objectPath(info, namespace, name));
  const ns = obj.metadata.namespace;
  switch (info.kind) {
    case 'Pod':
      return describePod(obj as Pod, await searchEvents(client, obj), now);
    case 'Deployment': {
      const d = obj as Deployment;
      const sets = await list<ReplicaSet>(client, collectionPath(CORE('ReplicaSet'), ns), {
        labelSelector: selectorString(d.spec?.selector),
      }).catch(() => [] as ReplicaSet[]);
      const events = await searchEvents(client, obj, { kind: 'Deployment' });
      return describeDeployment(d, splitReplicaSets(d, sets), events, now);
    }
    case 'ReplicaSet': {
      const rs = obj as ReplicaSet;
      const counts = await podCounts(client, rs);
      return describeReplicaSet(rs, counts, await searchEvents(client, obj, { kind: 'ReplicaSet' }), now);
    }
    case 'Service': {
      const slices = await list<EndpointSlice>(client, collectionPath(CORE('EndpointSlice'), ns), {
        labelSelector: `kubernetes.io/service-name=${name}`,
      }).catch(() => [] as EndpointSlice[]);
      return describeService(
        obj as Service,
        slices,
        await searchEvents(client, obj, { kind: 'Service' }),
        now,
      );
    }
    case 'EndpointSlice':
      return describeEndpointSlice(
        obj as EndpointSlice,
        await searchEvents(client, obj, { kind: 'EndpointSlice' }),
        now,
      );
    case 'Ingress': {
      const ing = obj as Ingress;
      const events = await searchEvents(client, obj, { kind: 'Ingress' });
      return describeIngress(ing, await backendsOf(client, ing), events, now);
    }
    case 'Node':
      return describeNodeObject(client, obj as Node, now);
    case 'Namespace':
      return describeNamespace(obj as Namespace);
    case 'Secret':
      return describeSecret(obj as Secret);
    case 'Endpoints':
      return describeEndpoints(obj as Endpoints, await searchEvents(client, obj, { kind: 'Endpoints' }), now);
    case 'IngressClass':
      return describeIngressClass(
        obj as IngressClass,
        await searchEvents(client, obj, { kind: 'IngressClass' }),
        now,
      );
    case 'NetworkPolicy':
      return describeNetworkPolicy(obj as NetworkPolicy);
    case 'ConfigMap':
      return describeConfigMap(obj as ConfigMap, await searchEvents(client, obj, { kind: 'ConfigMap' }), now);
    default:
      return describeGeneric(obj, await searchEvents(client, obj, { kind: info.kind }), now);
  }
}
