/**
 * Compiles one service port into its iptables fragment: a short driver over one
 * function per concern (captures, policy chains, external and firewall chains,
 * endpoint chains). This is kube-proxy's per-service loop body, split up.
 */
import { chainsByName } from '../fragments.js';
import type { EndpointInfo, ServicePortInfo } from '../model.js';
import { planServicePort } from '../plan.js';
import type { IptablesFragment } from '../ruleset.js';
import { EntryCollector, type IptablesContext, serviceChainNames } from './context.js';
import { clusterPolicyChain, endpointChains, localPolicyChain } from './endpoint-chains.js';
import { clusterIPEntries, externalAddressEntries, nodePortEntries } from './entries.js';
import { externalChain, firewallChain } from './external-chains.js';

/** The canonical order of service ports: Service `namespace/name`, then port name, then protocol. */
export function fragmentSortKey(svc: ServicePortInfo): string {
  return `${svc.name.namespace}/${svc.name.name}\u0000${svc.name.port}\u0000${svc.protocol}`;
}

/** Compiles one service port for the node in `ctx`. Pure. */
export function compileIptablesFragment(
  svc: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  ctx: IptablesContext,
): IptablesFragment {
  const plan = planServicePort(svc, endpoints, {
    nodeName: ctx.options.nodeName,
    nodeLabels: ctx.options.nodeLabels,
    preferSameTrafficDistribution: ctx.options.preferSameTrafficDistribution,
  });
  const names = serviceChainNames(svc);
  const entries = new EntryCollector();
  clusterIPEntries(plan, names, entries);
  externalAddressEntries(plan, names, entries);
  nodePortEntries(plan, names, ctx, entries);
  const natChains = [
    ...clusterPolicyChain(plan, names, ctx),
    ...localPolicyChain(plan, names, ctx),
    ...externalChain(plan, names, ctx),
    ...firewallChain(plan, names, ctx),
    ...endpointChains(plan, names, ctx),
  ];
  return {
    key: svc.key,
    sortKey: fragmentSortKey(svc),
    endpointCount: endpoints.length,
    natChains,
    chainsByName: chainsByName(natChains),
    shared: entries.slots(),
  };
}
