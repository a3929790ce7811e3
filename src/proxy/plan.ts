/**
 * The per-service-port decisions of kube-proxy's `syncProxyRules` (kube-proxy.md §2.3),
 * shared by the iptables, nftables and ipvs compilers so all three agree on which
 * endpoints exist, which chains are needed and what happens without endpoints.
 */
import { type CategorizeNode, categorizeEndpoints } from './categorize.js';
import {
  type EndpointInfo,
  isExternallyAccessible,
  type ServicePortInfo,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from './model.js';

/** What the filter rules do to traffic that reaches no endpoint. */
export type NoEndpointVerdict = 'reject' | 'drop';

/** Every decision about one service port on one node. */
export interface ServicePortPlan {
  readonly svc: ServicePortInfo;
  readonly clusterEndpoints: readonly EndpointInfo[];
  readonly localEndpoints: readonly EndpointInfo[];
  /** Endpoints that get a `KUBE-SEP` / `endpoint-` chain: all reachable from this node, sorted. */
  readonly allReachable: readonly EndpointInfo[];
  /** A usable endpoint exists anywhere in the cluster. */
  readonly hasEndpoints: boolean;
  /** ClusterIP traffic has somewhere to go (false for iTP Local without local endpoints). */
  readonly hasInternal: boolean;
  /** External traffic has somewhere to go (false for eTP Local without local endpoints). */
  readonly hasExternal: boolean;
  /** Create the Cluster-policy chain (`KUBE-SVC-`). */
  readonly usesClusterChain: boolean;
  /** Create the Local-policy chain (`KUBE-SVL-`). */
  readonly usesLocalChain: boolean;
  /** Create the external chain (`KUBE-EXT-`), even when `hasExternal` is false. */
  readonly usesExternalChain: boolean;
  /** Create the firewall chain (`KUBE-FW-`) for loadBalancerSourceRanges. */
  readonly usesFirewallChain: boolean;
  /** Verdict for ClusterIP traffic that `hasInternal` says cannot be served. */
  readonly internalVerdict: NoEndpointVerdict;
  /** Verdict for external traffic that `hasExternal` says cannot be served. */
  readonly externalVerdict: NoEndpointVerdict;
  /** Comment on the filter rules: `"<spn> has no endpoints"` or `"<spn> has no local endpoints"`. */
  readonly noEndpointsComment: string;
}

/** Decides everything about one service port on `node`. Pure. */
export function planServicePort(
  svc: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  node: CategorizeNode,
): ServicePortPlan {
  const cat = categorizeEndpoints(endpoints, svc, node);
  const clusterEndpoints = cat.clusterEndpoints ?? [];
  const localEndpoints = cat.localEndpoints ?? [];
  const hasEndpoints = cat.hasAnyEndpoints;
  const hasInternal = hasEndpoints && !(svc.internalPolicyLocal && localEndpoints.length === 0);
  const hasExternal = hasEndpoints && !(svc.externalPolicyLocal && localEndpoints.length === 0);
  return {
    svc,
    clusterEndpoints,
    localEndpoints,
    allReachable: cat.allReachableEndpoints ?? [],
    hasEndpoints,
    hasInternal,
    hasExternal,
    usesClusterChain: clusterEndpoints.length > 0 && usesClusterEndpoints(svc),
    usesLocalChain: localEndpoints.length > 0 && usesLocalEndpoints(svc),
    usesExternalChain: hasEndpoints && isExternallyAccessible(svc),
    usesFirewallChain:
      hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0,
    internalVerdict: hasEndpoints ? 'drop' : 'reject',
    externalVerdict: hasEndpoints ? 'drop' : 'reject',
    noEndpointsComment: hasEndpoints
      ? `${svc.nameString} has no local endpoints`
      : `${svc.nameString} has no endpoints`,
  };
}
