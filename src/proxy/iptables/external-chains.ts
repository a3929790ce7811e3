/**
 * The external (`KUBE-EXT-`) and firewall (`KUBE-FW-`) chains of a service port:
 * where NodePort, LoadBalancer and externalIP traffic enters (kube-proxy.md §2.4 items
 * 7 and 8, §2.7).
 */
import { ruleAddressMatches } from '../addresses.js';
import type { ServicePortPlan } from '../plan.js';
import { type Chain, comment, jump, type Rule, rule } from '../rules.js';
import { type IptablesContext, KUBE_MARK_MASQ, type ServiceChainNames } from './context.js';

/**
 * `KUBE-EXT-X`. eTP Cluster: masquerade, then the Cluster chain. eTP Local: pod traffic
 * short-circuits to the Cluster chain (needs a detector), node-local traffic is
 * masqueraded and short-circuited too, everything else goes to the Local chain, or
 * nowhere (falling through to the filter DROP) when this node has no local endpoint.
 */
export function externalChain(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Chain[] {
  if (!plan.usesExternalChain) return [];
  const spn = plan.svc.nameString;
  const rules: Rule[] = [];
  if (!plan.svc.externalPolicyLocal) {
    rules.push(
      rule([comment(`masquerade traffic for ${spn} external destinations`)], jump(KUBE_MARK_MASQ), spn),
    );
  } else {
    const podCIDR = ctx.options.podCIDR;
    if (podCIDR !== undefined) {
      rules.push(
        rule(
          [comment(`pod traffic for ${spn} external destinations`), { kind: 'source', address: podCIDR }],
          jump(names.cluster),
          spn,
        ),
      );
    }
    const local = { kind: 'addrtype', direction: 'source' } as const;
    rules.push(
      rule(
        [comment(`masquerade LOCAL traffic for ${spn} external destinations`), local],
        jump(KUBE_MARK_MASQ),
        spn,
      ),
      rule(
        [comment(`route LOCAL traffic for ${spn} external destinations`), local],
        jump(names.cluster),
        spn,
      ),
    );
  }
  if (plan.hasExternal) {
    rules.push(rule([], jump(plan.svc.externalPolicyLocal ? names.local : names.cluster), spn));
  }
  return [{ name: names.external, rules, humanName: spn }];
}

/**
 * `KUBE-FW-X`: sources in loadBalancerSourceRanges go on to `KUBE-EXT-X`; when a range
 * covers the node's IP, traffic SNATed to an LB IP is allowed too; the last rule only
 * comments that the rest is dropped by `KUBE-PROXY-FIREWALL`.
 */
export function firewallChain(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
): Chain[] {
  if (!plan.usesFirewallChain) return [];
  const svc = plan.svc;
  const spn = svc.nameString;
  const nodeIP = ctx.options.nodeIPs[0];
  const lbComment = comment(`${spn} loadbalancer IP`);
  const rules: Rule[] = svc.loadBalancerSourceRanges.map((cidr) =>
    rule([lbComment, { kind: 'source', address: cidr }], jump(names.external), spn),
  );
  const allowFromNode =
    nodeIP !== undefined &&
    svc.loadBalancerSourceRanges.some((cidr) => ruleAddressMatches(cidr, nodeIP, ctx.options));
  if (allowFromNode) {
    for (const lbIP of svc.loadBalancerVIPs) {
      rules.push(rule([lbComment, { kind: 'source', address: lbIP }], jump(names.external), spn));
    }
  }
  rules.push(
    rule([comment(`other traffic to ${spn} will be dropped by KUBE-PROXY-FIREWALL`)], undefined, spn),
  );
  return [{ name: names.firewall, rules, humanName: spn }];
}
