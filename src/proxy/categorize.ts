/**
 * Which endpoints a node may use for a service port: `CategorizeEndpoints` of
 * kubernetes/kubernetes pkg/proxy/topology.go, decision for decision.
 */
import {
  type EndpointInfo,
  isLocalEndpoint,
  type ServicePortInfo,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from './model.js';

/** The node label topology hints are matched against. */
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** `""`, `PreferSameZone` or `PreferSameNode` (`topologyModeFromHints`). */
export type TopologyMode = '' | 'PreferSameZone' | 'PreferSameNode';

/** The node a proxier runs on, as endpoint selection sees it. */
export interface CategorizeNode {
  readonly nodeName: string;
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** The `PreferSameTrafficDistribution` feature gate (beta, on by default since v1.34). @default true */
  readonly preferSameTrafficDistribution?: boolean;
}

/**
 * The result of `categorizeEndpoints`. `undefined` means "this service never uses that
 * kind of endpoint" (Go's nil); an empty array means "it does, but has none".
 */
export interface CategorizedEndpoints {
  /** Usable Cluster-policy endpoints (topology applied); undefined if the port never uses Cluster policy. */
  readonly clusterEndpoints: readonly EndpointInfo[] | undefined;
  /** Usable Local-policy endpoints; undefined if the port never uses Local policy. */
  readonly localEndpoints: readonly EndpointInfo[] | undefined;
  /** Union of the two, sorted by `ip:port`: every endpoint this node may DNAT to. */
  readonly allReachableEndpoints: readonly EndpointInfo[] | undefined;
  /** Whether the service has a usable endpoint anywhere in the cluster (may be true with none reachable). */
  readonly hasAnyEndpoints: boolean;
}

function isServingTerminating(ep: EndpointInfo): boolean {
  return ep.serving && ep.terminating;
}

/**
 * `topologyModeFromHints`: PreferSameNode when every ready endpoint has node hints and
 * one is hinted for this node (gate on); else PreferSameZone when every ready endpoint
 * has zone hints and one is hinted for this node's zone; else no filtering.
 */
export function topologyModeFromHints(
  endpoints: readonly EndpointInfo[],
  node: CategorizeNode,
): TopologyMode {
  const zone = node.nodeLabels?.[LABEL_TOPOLOGY_ZONE] ?? '';
  let hasReady = false;
  let allNodeHints = true;
  let forNode = false;
  let allZoneHints = true;
  let forZone = false;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    hasReady = true;
    if (ep.nodeHints.length === 0) allNodeHints = false;
    else if (ep.nodeHints.includes(node.nodeName)) forNode = true;
    if (ep.zoneHints.length === 0) allZoneHints = false;
    else if (ep.zoneHints.includes(zone)) forZone = true;
  }
  if (!hasReady) return '';
  if ((node.preferSameTrafficDistribution ?? true) && allNodeHints && forNode) return 'PreferSameNode';
  if (allZoneHints && forZone) return 'PreferSameZone';
  return '';
}

/** `availableForTopology`: whether an endpoint survives the chosen topology filter. */
export function availableForTopology(ep: EndpointInfo, mode: TopologyMode, node: CategorizeNode): boolean {
  switch (mode) {
    case '':
      return true;
    case 'PreferSameNode':
      return ep.nodeHints.includes(node.nodeName);
    case 'PreferSameZone':
      return ep.zoneHints.includes(node.nodeLabels?.[LABEL_TOPOLOGY_ZONE] ?? '');
  }
}

function clusterEndpointsOf(endpoints: readonly EndpointInfo[], node: CategorizeNode) {
  const mode = topologyModeFromHints(endpoints, node);
  let cluster = endpoints.filter((ep) => ep.ready && availableForTopology(ep, mode, node));
  // No ready endpoint anywhere (topology already fell back): use serving-terminating ones.
  if (cluster.length === 0) cluster = endpoints.filter(isServingTerminating);
  return { mode, cluster };
}

function localEndpointsOf(endpoints: readonly EndpointInfo[], nodeName: string) {
  let hasAny = false;
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAny = true;
      if (isLocalEndpoint(ep, nodeName)) localReady = true;
    } else if (isServingTerminating(ep)) {
      hasAny = true;
      if (isLocalEndpoint(ep, nodeName)) localServingTerminating = true;
    }
  }
  let local: EndpointInfo[] = [];
  if (localReady) local = endpoints.filter((ep) => isLocalEndpoint(ep, nodeName) && ep.ready);
  else if (localServingTerminating) {
    local = endpoints.filter((ep) => isLocalEndpoint(ep, nodeName) && isServingTerminating(ep));
  }
  return { hasAny, local, usesTerminating: !localReady && localServingTerminating };
}

function union(a: readonly EndpointInfo[], b: readonly EndpointInfo[]): EndpointInfo[] {
  const byKey = new Map<string, EndpointInfo>();
  for (const ep of a) byKey.set(ep.endpoint, ep);
  for (const ep of b) byKey.set(ep.endpoint, ep);
  return [...byKey.values()].sort((x, y) => (x.endpoint < y.endpoint ? -1 : x.endpoint > y.endpoint ? 1 : 0));
}

/**
 * Splits a service port's endpoints into those usable for Cluster and for Local
 * traffic policy on `node`. "Usable" means Ready, falling back to Serving∧Terminating
 * independently for each set when it has no Ready endpoint; topology hints filter the
 * Cluster set only. Called once per service port per compile; pure.
 */
export function categorizeEndpoints(
  endpoints: readonly EndpointInfo[],
  svc: ServicePortInfo,
  node: CategorizeNode,
): CategorizedEndpoints {
  if (endpoints.length === 0) {
    return {
      clusterEndpoints: undefined,
      localEndpoints: undefined,
      allReachableEndpoints: undefined,
      hasAnyEndpoints: false,
    };
  }
  let clusterEndpoints: EndpointInfo[] | undefined;
  let mode: TopologyMode = '';
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(svc)) {
    ({ mode, cluster: clusterEndpoints } = clusterEndpointsOf(endpoints, node));
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(svc)) {
    return {
      clusterEndpoints,
      localEndpoints: undefined,
      allReachableEndpoints: clusterEndpoints,
      hasAnyEndpoints,
    };
  }
  const local = localEndpointsOf(endpoints, node.nodeName);
  hasAnyEndpoints ||= local.hasAny;
  if (!clusterEndpoints) {
    return {
      clusterEndpoints,
      localEndpoints: local.local,
      allReachableEndpoints: local.local,
      hasAnyEndpoints,
    };
  }
  const allReachableEndpoints =
    mode === '' && !local.usesTerminating ? clusterEndpoints : union(clusterEndpoints, local.local);
  return { clusterEndpoints, localEndpoints: local.local, allReachableEndpoints, hasAnyEndpoints };
}
