/**
 * Compiles one service port for nftables mode: its chains, its affinity sets and its
 * elements in the shared sets and verdict maps (`cluster-ips`, `service-ips`,
 * `service-nodeports`, `no-endpoint-*`, `firewall-ips`).
 */
import { chainsByName } from '../fragments.js';
import { fragmentSortKey } from '../iptables/fragment.js';
import type { EndpointInfo, ServicePortInfo } from '../model.js';
import { planServicePort, type ServicePortPlan } from '../plan.js';
import type { Action } from '../rules.js';
import type { NftElement, NftFragment } from '../ruleset.js';
import { endpointChains, externalChain, firewallChain, policyChains, usesNftFirewall } from './chains.js';
import {
  CLUSTER_IPS,
  FIREWALL_IPS,
  type NftContext,
  type NftServiceNames,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  nftEndpointNames,
  nftServiceNames,
  REJECT_CHAIN,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
} from './context.js';

function goto(chain: string): Action {
  return { kind: 'goto', chain };
}

function filterVerdict(v: 'reject' | 'drop'): Action {
  return v === 'reject' ? goto(REJECT_CHAIN) : { kind: 'drop' };
}

/**
 * The service's elements, in the order kube-proxy adds them. Only the `no-endpoint-*`
 * elements carry the ServicePortName as a comment: kube-proxy 1.31 and later add
 * `firewall-ips`, `service-ips`, `service-nodeports` and `cluster-ips` elements
 * without one (1.30 still commented `firewall-ips`), and `TestOverallNFTablesRules`
 * expects `firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-… }`.
 */
function elementsOf(plan: ServicePortPlan, names: NftServiceNames): NftElement[] {
  const svc = plan.svc;
  const port = String(svc.port);
  const out: NftElement[] = [{ container: CLUSTER_IPS, key: [svc.clusterIP] }];
  const internal = svc.internalPolicyLocal ? names.local : names.cluster;
  const noEndpoint = (key: string[], v: 'reject' | 'drop'): NftElement => ({
    container: key.length === 3 ? NO_ENDPOINT_SERVICES : NO_ENDPOINT_NODEPORTS,
    key,
    verdict: filterVerdict(v),
    comment: svc.nameString,
  });
  const ipKey = (ip: string) => [ip, names.protocol, port];
  if (plan.hasInternal)
    out.push({ container: SERVICE_IPS, key: ipKey(svc.clusterIP), verdict: goto(internal) });
  else out.push(noEndpoint(ipKey(svc.clusterIP), plan.internalVerdict));
  for (const ip of svc.externalIPs) {
    if (plan.hasEndpoints)
      out.push({ container: SERVICE_IPS, key: ipKey(ip), verdict: goto(names.external) });
    if (!plan.hasExternal) out.push(noEndpoint(ipKey(ip), plan.externalVerdict));
  }
  for (const ip of svc.loadBalancerVIPs) {
    if (plan.hasEndpoints)
      out.push({ container: SERVICE_IPS, key: ipKey(ip), verdict: goto(names.external) });
    if (usesNftFirewall(plan))
      out.push({ container: FIREWALL_IPS, key: ipKey(ip), verdict: goto(names.firewall) });
  }
  if (!plan.hasExternal)
    for (const ip of svc.loadBalancerVIPs) out.push(noEndpoint(ipKey(ip), plan.externalVerdict));
  if (svc.nodePort !== 0) {
    const key = [names.protocol, String(svc.nodePort)];
    if (plan.hasEndpoints) out.push({ container: SERVICE_NODEPORTS, key, verdict: goto(names.external) });
    if (!plan.hasExternal) out.push(noEndpoint(key, plan.externalVerdict));
  }
  return out;
}

/** Compiles one service port for the node in `ctx`. Pure. */
export function compileNftFragment(
  svc: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  ctx: NftContext,
): NftFragment {
  const plan = planServicePort(svc, endpoints, {
    nodeName: ctx.options.nodeName,
    nodeLabels: ctx.options.nodeLabels,
    preferSameTrafficDistribution: ctx.options.preferSameTrafficDistribution,
  });
  const names = nftServiceNames(svc);
  const sets =
    svc.stickyMaxAgeSeconds > 0
      ? plan.allReachable.map((ep) => ({
          name: nftEndpointNames(svc, ep).affinitySet,
          type: 'ipv4_addr' as const,
          timeoutSeconds: svc.stickyMaxAgeSeconds,
        }))
      : [];
  const chains = [
    ...policyChains(plan, names, ctx),
    ...externalChain(plan, names, ctx),
    ...endpointChains(plan, names),
    ...firewallChain(plan, names, ctx),
  ];
  return {
    key: svc.key,
    sortKey: fragmentSortKey(svc),
    chains,
    chainsByName: chainsByName(chains),
    sets,
    elements: elementsOf(plan, names),
  };
}
