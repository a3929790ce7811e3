/**
 * The compiled rules of one node, per proxy mode: what `compileProxyRules` returns,
 * what the renderers print and what `evaluatePacket` walks. Immutable; a recompile
 * returns a new RuleSet that shares every unchanged chain with the previous one.
 */

import type { IpvsScheduler } from '../topology/types.js';
import type { BucketMap } from './bucket-map.js';
import { bucketValues, getBucket } from './bucket-map.js';
import type { Protocol } from './model.js';
import type { OptionProblem, ResolvedOptions } from './options.js';
import type { Action, Chain, Rule } from './rules.js';

/** Something that owns per-service chains: a service port's fragment. */
export interface ChainOwner {
  readonly chainsByName: ReadonlyMap<string, Chain>;
}

/**
 * Chains of one netfilter table: top-level ones by name plus per-service ones, which
 * live in their service port's fragment. `owners` maps a chain name to that fragment,
 * so an endpoint change rewrites one fragment and touches `owners` only for chain
 * names that appear or disappear.
 */
export interface ChainTable {
  /** Built-in (hook) chains and kube-proxy's top-level chains (`KUBE-SERVICES`, `services`…). */
  readonly base: ReadonlyMap<string, Chain>;
  /** Per-service chain name (`KUBE-SVC-…`, `service-…`) → key of the fragment that owns it. */
  readonly owners: BucketMap<string>;
  /** Fragments by key. */
  readonly fragments: BucketMap<ChainOwner>;
}

/** Looks a chain up by name. */
export function getChain(table: ChainTable, name: string): Chain | undefined {
  const top = table.base.get(name);
  if (top) return top;
  const owner = getBucket(table.owners, name);
  return owner === undefined ? undefined : getBucket(table.fragments, owner)?.chainsByName.get(name);
}

/** Every per-service chain of a table, in no particular order. */
export function* serviceChains(table: ChainTable): Generator<Chain> {
  for (const owner of bucketValues(table.fragments)) yield* owner.chainsByName.values();
}

/** The shared chains a service adds rules to, in slot order (`IptablesFragment.shared`). */
export const SHARED_CHAINS = [
  { table: 'nat', chain: 'KUBE-SERVICES' },
  { table: 'nat', chain: 'KUBE-NODEPORTS' },
  { table: 'filter', chain: 'KUBE-SERVICES' },
  { table: 'filter', chain: 'KUBE-EXTERNAL-SERVICES' },
  { table: 'filter', chain: 'KUBE-NODEPORTS' },
  { table: 'filter', chain: 'KUBE-PROXY-FIREWALL' },
] as const;

/** Per-service output in iptables mode: the service's own chains and its entries in shared chains. */
export interface IptablesFragment extends ChainOwner {
  readonly key: string;
  readonly sortKey: string;
  /** Endpoints of the service port (for kube-proxy's large-cluster threshold). */
  readonly endpointCount: number;
  /** Per-service chains of the nat table (SVC, SVL, EXT, FW, SEP). */
  readonly natChains: readonly Chain[];
  /** Rules this service adds to each shared chain, indexed like `SHARED_CHAINS`. */
  readonly shared: readonly (readonly Rule[])[];
}

/** One element of an nftables set or verdict map. */
export interface NftElement {
  /** `cluster-ips`, `service-ips`, `no-endpoint-services`… */
  readonly container: string;
  /** Key parts, joined with ` . ` (`172.30.0.41 . tcp . 80`). */
  readonly key: readonly string[];
  /** Verdict of a map element (`goto service-…`, `drop`); absent for set elements. */
  readonly verdict?: Action;
  readonly comment?: string;
}

/** An element and how many service ports need it (two ports of one Service share `cluster-ips`). */
export interface NftElementEntry {
  readonly element: NftElement;
  readonly refs: number;
}

/** An nftables set declaration owned by a service (`affinity-…`). */
export interface NftSetDecl {
  readonly name: string;
  readonly type: 'ipv4_addr';
  readonly timeoutSeconds: number;
}

/** Per-service output in nftables mode. */
export interface NftFragment extends ChainOwner {
  readonly key: string;
  readonly sortKey: string;
  readonly chains: readonly Chain[];
  readonly sets: readonly NftSetDecl[];
  readonly elements: readonly NftElement[];
}

/** One IPVS virtual server (`ipvsadm -A`), with its real servers (`ipvsadm -a`). */
export interface IpvsVirtualServer {
  readonly protocol: Protocol;
  readonly ip: string;
  readonly port: number;
  readonly scheduler: IpvsScheduler;
  /** Persistence timeout for ClientIP affinity; 0 when none. */
  readonly persistenceSeconds: number;
  readonly realServers: readonly IpvsRealServer[];
  /** The ServicePortName this server belongs to. */
  readonly service: string;
  /** Which address of the service this is. */
  readonly role: 'cluster-ip' | 'external-ip' | 'load-balancer' | 'node-port';
  /** Whether the service's policy for this role is Local (ipvs then preserves the client IP). */
  readonly policyLocal: boolean;
  /** loadBalancerSourceRanges for load-balancer servers (`KUBE-LOAD-BALANCER-SOURCE-CIDR`). */
  readonly sourceRanges: readonly string[];
  /**
   * Why an empty server refuses: `"<spn> has no endpoints"`, or `"<spn> has no local
   * endpoints"` when the policy is Local and the endpoints are on other nodes.
   */
  readonly noEndpointsComment: string;
}

/** One IPVS real server (an endpoint). */
export interface IpvsRealServer {
  readonly ip: string;
  readonly port: number;
  /**
   * Always 1 as compiled. A deleted endpoint's real server that still has connections
   * is kept at weight 0 (graceful termination) by the node's live ipvs state, which the
   * `ipvsadm -Ln` view overlays; weight 0 takes no new connections.
   */
  readonly weight: number;
}

/** Per-service output in ipvs mode. */
export interface IpvsFragment {
  readonly key: string;
  readonly sortKey: string;
  readonly servers: readonly IpvsVirtualServer[];
}

/** The fragments of a RuleSet, in the canonical order renderers use. */
export interface FragmentIndex<F> {
  readonly byKey: BucketMap<F>;
  /** Fragments sorted by `sortKey` (Service `namespace/name`, then port name and protocol). */
  readonly ordered: readonly F[];
}

interface RuleSetCommon {
  readonly options: ResolvedOptions;
  /** Problems with the options (bad CIDRs); the rules were compiled without those values. */
  readonly problems: readonly OptionProblem[];
}

/** iptables mode: the `filter` and `nat` tables. */
export interface IptablesRuleSet extends RuleSetCommon {
  readonly mode: 'iptables';
  readonly tables: { readonly filter: ChainTable; readonly nat: ChainTable };
  readonly fragments: FragmentIndex<IptablesFragment>;
  /** Endpoints over all service ports. */
  readonly totalEndpoints: number;
  /** More than 1000 endpoints: SVC/SVL/SEP rules lose their comments, as in kube-proxy. */
  readonly largeClusterMode: boolean;
}

/** nftables mode: the `ip kube-proxy` table. */
export interface NftablesRuleSet extends RuleSetCommon {
  readonly mode: 'nftables';
  readonly table: ChainTable;
  /** Every set and map element, by `elementKey`, with the number of service ports that added it. */
  readonly elements: BucketMap<NftElementEntry>;
  /** Elements not owned by a service (`nodeport-ips`). */
  readonly baseElements: readonly NftElement[];
  readonly fragments: FragmentIndex<NftFragment>;
}

/** ipvs mode: virtual servers by `protocol/ip:port`. */
export interface IpvsRuleSet extends RuleSetCommon {
  readonly mode: 'ipvs';
  readonly servers: BucketMap<IpvsVirtualServer>;
  readonly fragments: FragmentIndex<IpvsFragment>;
}

/** One node's compiled rules. */
export type RuleSet = IptablesRuleSet | NftablesRuleSet | IpvsRuleSet;

/** The lookup key of an nftables element: container name plus joined key. */
export function elementKey(container: string, key: readonly string[]): string {
  return `${container}|${key.join(' . ')}`;
}

/** The lookup key of an ipvs virtual server. */
export function virtualServerKey(protocol: Protocol, ip: string, port: number): string {
  return `${protocol}/${ip}:${port}`;
}
