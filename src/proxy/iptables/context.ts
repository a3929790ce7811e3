/**
 * What every iptables compile function needs besides the service port: the node's
 * resolved options and the two switches derived from the whole state.
 */
import type { EndpointInfo, ServicePortInfo } from '../model.js';
import {
  endpointChainName,
  externalChainName,
  firewallChainName,
  localChainName,
  serviceChainName,
} from '../naming.js';
import type { ResolvedOptions } from '../options.js';
import type { L4Protocol, Rule } from '../rules.js';
import { SHARED_CHAINS } from '../ruleset.js';

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

const serviceNames = new WeakMap<ServicePortInfo, ServiceChainNames>();
const endpointNames = new WeakMap<EndpointInfo, { readonly key: string; readonly name: string }>();

/** Names of the SVC/SVL/EXT/FW chains of a service port (cached per immutable ServicePortInfo). */
export function serviceChainNames(svc: ServicePortInfo): ServiceChainNames {
  const cached = serviceNames.get(svc);
  if (cached) return cached;
  const protocol = svc.protocol.toLowerCase() as L4Protocol;
  const names = {
    protocol,
    cluster: serviceChainName(svc.nameString, protocol),
    local: localChainName(svc.nameString, protocol),
    external: externalChainName(svc.nameString, protocol),
    firewall: firewallChainName(svc.nameString, protocol),
  };
  serviceNames.set(svc, names);
  return names;
}

/**
 * `KUBE-SEP-…` of one endpoint of a service port. Cached per immutable EndpointInfo
 * (the trackers create one per service port), so the hash is computed once per
 * endpoint however many nodes compile it.
 */
export function sepChainName(svc: ServicePortInfo, ep: EndpointInfo): string {
  const cached = endpointNames.get(ep);
  if (cached && cached.key === svc.key) return cached.name;
  const name = endpointChainName(svc.nameString, svc.protocol, ep.endpoint);
  endpointNames.set(ep, { key: svc.key, name });
  return name;
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

/** Collects the rules one service adds to shared chains, by `SHARED_CHAINS` slot. */
export class EntryCollector {
  readonly #slots: Rule[][] = SHARED_CHAINS.map(() => []);

  /** Appends a rule to `table`/`chain`, keeping insertion order within the chain. */
  add(table: 'filter' | 'nat', chain: string, r: Rule): void {
    const slot = SHARED_CHAINS.findIndex((c) => c.table === table && c.chain === chain);
    if (slot < 0) throw new Error(`Not a shared chain: ${table}/${chain}`);
    this.#slots[slot]?.push(r);
  }

  /** The collected rules per slot. */
  slots(): readonly (readonly Rule[])[] {
    return this.#slots;
  }
}
