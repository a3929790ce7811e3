/**
 * The ipvs compiler: one IPVS virtual server per ClusterIP, externalIP, LoadBalancer IP
 * and node address × NodePort of each service port, with the endpoints as real servers,
 * the configured scheduler and ClientIP affinity as persistence (kube-proxy's ipvs mode,
 * `pkg/proxy/ipvs/proxier.go`). The companion iptables/ipset rules of ipvs mode
 * (masquerade, source ranges) are represented by each server's role and policy.
 */
import { emptyBucketMap, updateBucketMap } from '../bucket-map.js';
import {
  compileAllFragments,
  type FragmentDelta,
  orderedFragments,
  updateFragmentIndex,
} from '../fragments.js';
import { addressMatches } from '../ip.js';
import { fragmentSortKey } from '../iptables/fragment.js';
import type { EndpointInfo, ProxyState, ServicePortInfo } from '../model.js';
import type { OptionProblem, ResolvedOptions } from '../options.js';
import { planServicePort } from '../plan.js';
import {
  type IpvsFragment,
  type IpvsRealServer,
  type IpvsRuleSet,
  type IpvsVirtualServer,
  virtualServerKey,
} from '../ruleset.js';

function realServers(endpoints: readonly EndpointInfo[]): IpvsRealServer[] {
  return endpoints.map((ep) => ({ ip: ep.ip, port: ep.port, weight: 1 }));
}

function nodePortAddresses(options: ResolvedOptions): string[] {
  const cidrs = options.nodePortAddresses;
  return cidrs === undefined
    ? [...options.nodeIPs]
    : options.nodeIPs.filter((ip) => cidrs.some((c) => addressMatches(c, ip)));
}

/** The virtual servers of one service port on the node in `options`. Pure. */
export function compileIpvsFragment(
  svc: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  options: ResolvedOptions,
): IpvsFragment {
  const plan = planServicePort(svc, endpoints, {
    nodeName: options.nodeName,
    nodeLabels: options.nodeLabels,
    preferSameTrafficDistribution: options.preferSameTrafficDistribution,
  });
  const internal = realServers(svc.internalPolicyLocal ? plan.localEndpoints : plan.clusterEndpoints);
  const external = realServers(svc.externalPolicyLocal ? plan.localEndpoints : plan.clusterEndpoints);
  const server = (
    ip: string,
    port: number,
    role: IpvsVirtualServer['role'],
    servers: IpvsRealServer[],
  ): IpvsVirtualServer => ({
    protocol: svc.protocol,
    ip,
    port,
    scheduler: options.ipvsScheduler,
    persistenceSeconds: svc.stickyMaxAgeSeconds,
    realServers: servers,
    service: svc.nameString,
    role,
    policyLocal: role === 'cluster-ip' ? svc.internalPolicyLocal : svc.externalPolicyLocal,
    sourceRanges: role === 'load-balancer' ? svc.loadBalancerSourceRanges : [],
    noEndpointsComment:
      servers.length === 0 && plan.hasEndpoints
        ? `${svc.nameString} has no local endpoints`
        : `${svc.nameString} has no endpoints`,
  });
  const servers: IpvsVirtualServer[] = [server(svc.clusterIP, svc.port, 'cluster-ip', internal)];
  for (const ip of svc.externalIPs) servers.push(server(ip, svc.port, 'external-ip', external));
  for (const ip of svc.loadBalancerVIPs) servers.push(server(ip, svc.port, 'load-balancer', external));
  if (svc.nodePort !== 0) {
    for (const ip of nodePortAddresses(options))
      servers.push(server(ip, svc.nodePort, 'node-port', external));
  }
  return { key: svc.key, sortKey: fragmentSortKey(svc), servers };
}

function assemble(
  options: ResolvedOptions,
  problems: readonly OptionProblem[],
  delta: FragmentDelta<IpvsFragment>,
  previous: IpvsRuleSet | undefined,
): IpvsRuleSet {
  const key = (s: IpvsVirtualServer) => virtualServerKey(s.protocol, s.ip, s.port);
  const servers = updateBucketMap(
    previous?.servers ?? emptyBucketMap<IpvsVirtualServer>(),
    delta.removed.flatMap((f) => f.servers.map(key)),
    delta.added.flatMap((f) => f.servers.map((s) => [key(s), s] as const)),
  );
  return { mode: 'ipvs', options, problems, servers, fragments: delta.index };
}

/** Compiles every service port of `state` into IPVS virtual servers. */
export function compileIpvs(
  state: ProxyState,
  options: ResolvedOptions,
  problems: readonly OptionProblem[],
): IpvsRuleSet {
  const index = compileAllFragments(state, (svc, eps) => compileIpvsFragment(svc, eps, options));
  return assemble(options, problems, { index, removed: [], added: orderedFragments(index) }, undefined);
}

/** Recompiles only `changed` service ports on top of `previous`. */
export function recompileIpvs(
  previous: IpvsRuleSet,
  state: ProxyState,
  changed: Iterable<string>,
): IpvsRuleSet {
  const delta = updateFragmentIndex(previous.fragments, state, changed, (svc, eps) =>
    compileIpvsFragment(svc, eps, previous.options),
  );
  return assemble(previous.options, previous.problems, delta, previous);
}
