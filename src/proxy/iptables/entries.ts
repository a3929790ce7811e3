/**
 * What one service port adds to the shared chains: the nat `KUBE-SERVICES` and
 * `KUBE-NODEPORTS` captures and the filter rules that REJECT or DROP traffic no
 * endpoint can take (kube-proxy.md §2.4 items 1–5, §2.8).
 */
import type { ServicePortPlan } from '../plan.js';
import {
  type Action,
  comment,
  jump,
  type Match,
  protocolMatch,
  rule,
  serviceAddressMatches,
} from '../rules.js';
import {
  type EntryCollector as FragmentEntryRules,
  type IptablesContext,
  KUBE_EXTERNAL_SERVICES,
  KUBE_NODEPORTS,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  type ServiceChainNames,
} from './context.js';

function verdict(v: 'reject' | 'drop'): Action {
  return { kind: v };
}

/** ClusterIP capture (nat) or its no-endpoints filter rule. */
export function clusterIPEntries(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  out: FragmentEntryRules,
): void {
  const svc = plan.svc;
  const address = serviceAddressMatches(names.protocol, svc.clusterIP, svc.port);
  if (plan.hasInternal) {
    const target = svc.internalPolicyLocal ? names.local : names.cluster;
    out.add(
      'nat',
      KUBE_SERVICES,
      rule([comment(`${svc.nameString} cluster IP`), ...address], jump(target), svc.nameString),
    );
  } else {
    out.add(
      'filter',
      KUBE_SERVICES,
      rule([comment(plan.noEndpointsComment), ...address], verdict(plan.internalVerdict), svc.nameString),
    );
  }
}

/** externalIP and LoadBalancer IP captures, their no-endpoint rules and source-range DROPs. */
export function externalAddressEntries(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  out: FragmentEntryRules,
): void {
  const svc = plan.svc;
  const spn = svc.nameString;
  const noEndpoint = (ip: string) =>
    rule(
      [comment(plan.noEndpointsComment), ...serviceAddressMatches(names.protocol, ip, svc.port)],
      verdict(plan.externalVerdict),
      spn,
    );
  for (const ip of svc.externalIPs) {
    const address = serviceAddressMatches(names.protocol, ip, svc.port);
    if (plan.hasEndpoints)
      out.add(
        'nat',
        KUBE_SERVICES,
        rule([comment(`${spn} external IP`), ...address], jump(names.external), spn),
      );
    if (!plan.hasExternal) out.add('filter', KUBE_EXTERNAL_SERVICES, noEndpoint(ip));
  }
  const lbTarget = plan.usesFirewallChain ? names.firewall : names.external;
  for (const ip of svc.loadBalancerVIPs) {
    const address = serviceAddressMatches(names.protocol, ip, svc.port);
    if (plan.hasEndpoints)
      out.add(
        'nat',
        KUBE_SERVICES,
        rule([comment(`${spn} loadbalancer IP`), ...address], jump(lbTarget), spn),
      );
    if (plan.usesFirewallChain) {
      const text = `${spn} traffic not accepted by ${names.firewall}`;
      out.add('filter', KUBE_PROXY_FIREWALL, rule([comment(text), ...address], { kind: 'drop' }, spn));
    }
  }
  if (!plan.hasExternal)
    for (const ip of svc.loadBalancerVIPs) out.add('filter', KUBE_EXTERNAL_SERVICES, noEndpoint(ip));
}

/** NodePort captures (localhost variant first), the NodePort no-endpoint rule and the health check ACCEPT. */
export function nodePortEntries(
  plan: ServicePortPlan,
  names: ServiceChainNames,
  ctx: IptablesContext,
  out: FragmentEntryRules,
): void {
  const svc = plan.svc;
  const spn = svc.nameString;
  const proto: Match = protocolMatch(names.protocol);
  const dport: Match = { kind: 'destination-port', port: svc.nodePort };
  if (svc.nodePort !== 0) {
    if (plan.hasEndpoints) {
      if (ctx.localhostNodePorts && ctx.options.nfacct) {
        const localhost: Match[] = [
          comment(spn),
          proto,
          { kind: 'destination', address: '127.0.0.0/8' },
          dport,
        ];
        localhost.push({ kind: 'nfacct', name: 'localhost_nps_accepted_pkts' });
        out.add('nat', KUBE_NODEPORTS, rule(localhost, jump(names.external), spn));
      }
      out.add('nat', KUBE_NODEPORTS, rule([comment(spn), proto, dport], jump(names.external), spn));
    }
    if (!plan.hasExternal) {
      const matches: Match[] = [
        comment(plan.noEndpointsComment),
        { kind: 'addrtype', direction: 'destination' },
        proto,
        dport,
      ];
      out.add('filter', KUBE_EXTERNAL_SERVICES, rule(matches, verdict(plan.externalVerdict), spn));
    }
  }
  if (svc.healthCheckNodePort !== 0) {
    const matches: Match[] = [
      comment(`${spn} health check node port`),
      protocolMatch('tcp'),
      { kind: 'destination-port', port: svc.healthCheckNodePort },
    ];
    out.add('filter', KUBE_NODEPORTS, rule(matches, { kind: 'accept' }, spn));
  }
}
