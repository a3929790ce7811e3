/**
 * The per-service chains of nftables mode: policy chains with affinity checks and one
 * `numgen` verdict map, endpoint chains, the external chain and the firewall chain.
 */
import { ruleAddressMatches } from '../addresses.js';
import type { EndpointInfo } from '../model.js';
import type { ServicePortPlan } from '../plan.js';
import { type Chain, comment, jump, type Match, protocolMatch, type Rule, rule } from '../rules.js';
import { MARK_MASQ, type NftContext, type NftServiceNames, nftEndpointNames } from './context.js';

/** Masquerade ClusterIP traffic from outside the pod network (or all with masquerade-all). */
function internalMasquerade(plan: ServicePortPlan, names: NftServiceNames, ctx: NftContext): Rule[] {
  const svc = plan.svc;
  const matches: Match[] = [
    { kind: 'destination', address: svc.clusterIP },
    protocolMatch(names.protocol),
    { kind: 'destination-port', port: svc.port },
  ];
  if (!ctx.options.masqueradeAll) {
    if (ctx.options.podCIDR === undefined) return [];
    matches.push({ kind: 'source', address: ctx.options.podCIDR, negate: true });
  }
  return [rule(matches, jump(MARK_MASQ), svc.nameString)];
}

/** `writeServiceToEndpointRules`: affinity gotos, then one numgen vmap over the endpoints. */
function endpointDispatch(plan: ServicePortPlan, endpoints: readonly EndpointInfo[]): Rule[] {
  const svc = plan.svc;
  const rules: Rule[] = [];
  if (svc.stickyMaxAgeSeconds > 0) {
    for (const ep of endpoints) {
      const names = nftEndpointNames(svc, ep);
      const matches: Match[] = [
        { kind: 'affinity-set', set: names.affinitySet, seconds: svc.stickyMaxAgeSeconds },
      ];
      rules.push(rule(matches, { kind: 'goto', chain: names.chain }, svc.nameString));
    }
  }
  const targets = endpoints.map((ep) => nftEndpointNames(svc, ep).chain);
  rules.push(rule([], { kind: 'numgen', targets }, svc.nameString));
  return rules;
}

/** The Cluster-policy (`service-`) and Local-policy (`local-`) chains that are in use. */
export function policyChains(plan: ServicePortPlan, names: NftServiceNames, ctx: NftContext): Chain[] {
  const chains: Chain[] = [];
  const humanName = plan.svc.nameString;
  const masq = plan.hasInternal ? internalMasquerade(plan, names, ctx) : [];
  if (plan.usesClusterChain) {
    const own = plan.svc.internalPolicyLocal ? [] : masq;
    chains.push({
      name: names.cluster,
      rules: [...own, ...endpointDispatch(plan, plan.clusterEndpoints)],
      humanName,
    });
  }
  if (plan.usesLocalChain) {
    const own = plan.svc.internalPolicyLocal ? masq : [];
    chains.push({
      name: names.local,
      rules: [...own, ...endpointDispatch(plan, plan.localEndpoints)],
      humanName,
    });
  }
  return chains;
}

/** One `endpoint-` chain per reachable endpoint: hairpin masquerade, affinity update, DNAT. */
export function endpointChains(plan: ServicePortPlan, names: NftServiceNames): Chain[] {
  const svc = plan.svc;
  return plan.allReachable.map((ep) => {
    const n = nftEndpointNames(svc, ep);
    const rules: Rule[] = [rule([{ kind: 'source', address: ep.ip }], jump(MARK_MASQ), svc.nameString)];
    if (svc.stickyMaxAgeSeconds > 0)
      rules.push(rule([], { kind: 'affinity-update', set: n.affinitySet }, svc.nameString));
    rules.push(
      rule([protocolMatch(names.protocol)], { kind: 'dnat', ip: ep.ip, port: ep.port }, svc.nameString),
    );
    return { name: n.chain, rules, humanName: svc.nameString };
  });
}

/** The `external-` chain: masquerade (Cluster) or the short-circuits (Local), then the policy chain. */
export function externalChain(plan: ServicePortPlan, names: NftServiceNames, ctx: NftContext): Chain[] {
  if (!plan.usesExternalChain) return [];
  const spn = plan.svc.nameString;
  const rules: Rule[] = [];
  if (!plan.svc.externalPolicyLocal) {
    rules.push(rule([], jump(MARK_MASQ), spn));
  } else {
    if (ctx.options.podCIDR !== undefined) {
      const matches: Match[] = [
        { kind: 'source', address: ctx.options.podCIDR },
        comment('short-circuit pod traffic'),
      ];
      rules.push(rule(matches, { kind: 'goto', chain: names.cluster }, spn));
    }
    const local: Match = { kind: 'addrtype', direction: 'source' };
    rules.push(
      rule([local, comment('masquerade local traffic')], jump(MARK_MASQ), spn),
      rule([local, comment('short-circuit local traffic')], { kind: 'goto', chain: names.cluster }, spn),
    );
  }
  if (plan.hasExternal) {
    rules.push(
      rule([], { kind: 'goto', chain: plan.svc.externalPolicyLocal ? names.local : names.cluster }, spn),
    );
  }
  return [{ name: names.external, rules, humanName: spn }];
}

/** Whether the service needs a firewall chain (nftables does not require endpoints for it). */
export function usesNftFirewall(plan: ServicePortPlan): boolean {
  return plan.svc.loadBalancerVIPs.length > 0 && plan.svc.loadBalancerSourceRanges.length > 0;
}

/** The `firewall-` chain: drop sources outside loadBalancerSourceRanges (plus LB IPs when a range covers the node). */
export function firewallChain(plan: ServicePortPlan, names: NftServiceNames, ctx: NftContext): Chain[] {
  if (!usesNftFirewall(plan)) return [];
  const svc = plan.svc;
  const nodeIP = ctx.options.nodeIPs[0];
  const sources = [...svc.loadBalancerSourceRanges];
  if (nodeIP !== undefined && sources.some((cidr) => ruleAddressMatches(cidr, nodeIP, ctx.options)))
    sources.push(...svc.loadBalancerVIPs);
  const rules = [
    rule([{ kind: 'source-in', addresses: sources, negate: true }], { kind: 'drop' }, svc.nameString),
  ];
  return [{ name: names.firewall, rules, humanName: svc.nameString }];
}
