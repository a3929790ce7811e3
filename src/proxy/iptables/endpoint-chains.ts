/**
 * The Cluster (`KUBE-SVC-`) and Local (`KUBE-SVL-`) policy chains and the endpoint
 * (`KUBE-SEP-`) chains of a service port: `writeServiceToEndpointRules` and the SEP
 * loop of kube-proxy's `syncProxyRules` (kube-proxy.md §2.4 items 6, 9, 10; §2.5; §2.6).
 */
import type { EndpointInfo } from '../model.js';
import type { ServicePortPlan } from '../plan.js';
import {
  type Chain,
  comment,
  jump,
  type Match,
  protocolMatch,
  type Rule,
  rule,
  serviceAddressMatches,
} from '../rules.js';
import { type IptablesContext, KUBE_MARK_MASQ, type ServiceChainNames, sepChainName } from './context.js';

function optionalComment(ctx: IptablesContext, text: string): Match[] {
  return ctx.largeClusterMode ? [] : [comment(text)];
}

/**
 * The first rule of the internal chain: masquerade ClusterIP traffic that did not come
 * from a pod (`! -s <podCIDR>`), or all of it with `--masquerade-all`; none without a
 * local-traffic detector.
 */
export function internalMasqueradeRule(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Rule[] {
  const svc = plan.svc;
  const matches: Match[] = [
    comment(`${svc.nameString} cluster IP`),
    ...serviceAddressMatches(names.protocol, svc.clusterIP, svc.port),
  ];
  if (ctx.options.masqueradeAll) return [rule(matches, jump(KUBE_MARK_MASQ), svc.nameString)];
  const podCIDR = ctx.options.podCIDR;
  if (podCIDR === undefined) return [];
  matches.push({ kind: 'source', address: podCIDR, negate: true });
  return [rule(matches, jump(KUBE_MARK_MASQ), svc.nameString)];
}

/**
 * Session-affinity then load-balancing rules from a policy chain to its endpoints:
 * `--rcheck` per endpoint first, then `statistic` with probabilities 1/n, 1/(n-1), …,
 * and an unconditional jump to the last endpoint.
 */
export function serviceToEndpointRules(
  plan: ServicePortPlan,
  endpoints: readonly EndpointInfo[],
  ctx: IptablesContext,
): Rule[] {
  const svc = plan.svc;
  const rules: Rule[] = [];
  if (svc.stickyMaxAgeSeconds > 0) {
    for (const ep of endpoints) {
      const sep = sepChainName(svc, ep);
      const matches: Match[] = [
        ...optionalComment(ctx, `${svc.nameString} -> ${ep.endpoint}`),
        { kind: 'recent-check', name: sep, seconds: svc.stickyMaxAgeSeconds },
      ];
      rules.push(rule(matches, jump(sep), svc.nameString));
    }
  }
  endpoints.forEach((ep, i) => {
    const matches = optionalComment(ctx, `${svc.nameString} -> ${ep.endpoint}`);
    if (i < endpoints.length - 1) matches.push({ kind: 'statistic', n: endpoints.length - i });
    rules.push(rule(matches, jump(sepChainName(svc, ep)), svc.nameString));
  });
  return rules;
}

/** `KUBE-SVC-X` (Cluster policy), when it has endpoints and some traffic uses it. */
export function clusterPolicyChain(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Chain[] {
  if (!plan.usesClusterChain) return [];
  const masq =
    plan.hasInternal && !plan.svc.internalPolicyLocal ? internalMasqueradeRule(plan, names, ctx) : [];
  const rules = [...masq, ...serviceToEndpointRules(plan, plan.clusterEndpoints, ctx)];
  return [{ name: names.cluster, rules, humanName: plan.svc.nameString }];
}

/** `KUBE-SVL-X` (Local policy), when there are local endpoints and some traffic uses it. */
export function localPolicyChain(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Chain[] {
  if (!plan.usesLocalChain) return [];
  const masq =
    plan.hasInternal && plan.svc.internalPolicyLocal ? internalMasqueradeRule(plan, names, ctx) : [];
  const rules = [...masq, ...serviceToEndpointRules(plan, plan.localEndpoints, ctx)];
  return [{ name: names.local, rules, humanName: plan.svc.nameString }];
}

/** One `KUBE-SEP-Y` per reachable endpoint: hairpin masquerade, then DNAT (with `recent --set`). */
export function endpointChains(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Chain[] {
  const svc = plan.svc;
  return plan.allReachable.map((ep) => {
    const name = sepChainName(svc, ep);
    const base = optionalComment(ctx, svc.nameString);
    const dnatMatches: Match[] = [...base];
    if (svc.stickyMaxAgeSeconds > 0) dnatMatches.push({ kind: 'recent-set', name });
    dnatMatches.push(protocolMatch(names.protocol));
    const rules = [
      rule([...base, { kind: 'source', address: ep.ip }], jump(KUBE_MARK_MASQ), svc.nameString),
      rule(dnatMatches, { kind: 'dnat', ip: ep.ip, port: ep.port }, svc.nameString),
    ];
    return { name, rules, humanName: svc.nameString };
  });
}
