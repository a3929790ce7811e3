/**
 * What every iptables compile function needs besides the service port: the node's
 * resolved options and the two switches derived from the whole state.
 */
import type { ServicePortInfo } from '../model.js';
import {
  endpointChainName,
  externalChainName,
  firewallChainName,
  localChainName,
  serviceChainName,
} from '../naming.js';
import type { ResolvedOptions } from '../options.js';
import type { L4Protocol, Rule } from '../rules.js';
import type { FragmentEntry } from '../ruleset.js';

/** Chain names below the hook chains, as kube-proxy's constants spell them. */
export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

/** Compile-wide facts for the iptables compiler. */
export interface IptablesContext {
  readonly options: ResolvedOptions;
  /** > 1000 endpoints in total: SVC/SVL/SEP rules are written without comments. */
  readonly largeClusterMode: boolean;
  /** Localhost NodePorts are in effect (flag on and NodePorts accepted on loopback). */
  readonly localhostNodePorts: boolean;
}

/** The per-service chain names of one service port. */
export interface ServiceChainNames {
  readonly protocol: L4Protocol;
  readonly cluster: string;
  readonly local: string;
  readonly external: string;
  readonly firewall: string;
}

/** Names of the SVC/SVL/EXT/FW chains of a service port. */
export function serviceChainNames(svc: ServicePortInfo): ServiceChainNames {
  const protocol = svc.protocol.toLowerCase() as L4Protocol;
  return {
    protocol,
    cluster: serviceChainName(svc.nameString, protocol),
    local: localChainName(svc.nameString, protocol),
    external: externalChainName(svc.nameString, protocol),
    firewall: firewallChainName(svc.nameString, protocol),
  };
}

/** `KUBE-SEP-…` of one endpoint of a service port. */
export function sepChainName(svc: ServicePortInfo, endpoint: string): string {
  return endpointChainName(svc.nameString, svc.protocol, endpoint);
}

/**
 * Whether kube-proxy runs with localhost NodePorts: the flag, and `--nodeport-addresses`
 * unset or covering 127.0.0.1 (NewProxier turns the flag off otherwise).
 */
export function localhostNodePortsInEffect(options: ResolvedOptions): boolean {
  if (!options.localhostNodePorts) return false;
  const addresses = options.nodePortAddresses;
  if (addresses === undefined) return true;
  return addresses.some((cidr) => {
    const [net, bits] = cidr.split('/');
    const prefix = Number(bits);
    return net !== undefined && (prefix === 0 || (net.startsWith('127.') && prefix >= 8));
  });
}

/** Collects the rules one service adds to shared chains, grouped by table and chain. */
export class EntryCollector {
  #groups = new Map<string, { table: 'filter' | 'nat'; chain: string; rules: Rule[] }>();

  /** Appends a rule to `table`/`chain`, keeping insertion order within the chain. */
  add(table: 'filter' | 'nat', chain: string, r: Rule): void {
    const key = `${table}/${chain}`;
    let group = this.#groups.get(key);
    if (!group) {
      group = { table, chain, rules: [] };
      this.#groups.set(key, group);
    }
    group.rules.push(r);
  }

  /** The collected entries. */
  entries(): FragmentEntry[] {
    return [...this.#groups.values()];
  }
}
