/**
 * How a node's kube-proxy is configured: the flags that change the rules it writes.
 * Defaults are kube-proxy's own (mark bit 14, localhost NodePorts on, NodePorts on
 * every local address, `rr` for ipvs), so default output reads like a default install.
 */
import type { IpvsScheduler, ProxyMode } from '../topology/types.js';
import { normalizeCidr, normalizeIPv4 } from './ip.js';

export type { IpvsScheduler, ProxyMode } from '../topology/types.js';

/** Options of `compileProxyRules`: one node's kube-proxy configuration. */
export interface CompileOptions {
  readonly mode: ProxyMode;
  /** The node this kube-proxy runs on (`--hostname-override`); decides which endpoints are local. */
  readonly nodeName: string;
  /** The node's own addresses: `--src-type/--dst-type LOCAL`, `fib … type local`, ipvs NodePort servers. */
  readonly nodeIPs: readonly string[];
  /** Node labels, for topology hints (`topology.kubernetes.io/zone`). */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /**
   * The local-traffic detector (`--detect-local-mode=ClusterCIDR`): the cluster's pod
   * subnet. Without it there is no pod short-circuit and no `! -s <cidr>` masquerade rule.
   */
  readonly podCIDR?: string;
  /** `--iptables-masquerade-bit`. @default 14 (mark 0x4000) */
  readonly masqueradeBit?: number;
  /** `--masquerade-all`: masquerade every ClusterIP connection. @default false */
  readonly masqueradeAll?: boolean;
  /** `--iptables-localhost-nodeports`. @default true */
  readonly localhostNodePorts?: boolean;
  /** `--nodeport-addresses` CIDRs; unset means every local address accepts NodePorts. */
  readonly nodePortAddresses?: readonly string[];
  /** Whether the kernel has nfacct (kube-proxy then counts localhost NodePort and invalid packets). @default true */
  readonly nfacct?: boolean;
  /** Whether iptables supports `MASQUERADE --random-fully`. @default false */
  readonly masqueradeFullyRandom?: boolean;
  /** Service CIDRs, for nftables `cluster-ips-check`. @default [] */
  readonly serviceCIDRs?: readonly string[];
  /** `--ipvs-scheduler`. @default 'rr' */
  readonly ipvsScheduler?: IpvsScheduler;
  /** The `PreferSameTrafficDistribution` feature gate. @default true */
  readonly preferSameTrafficDistribution?: boolean;
  /**
   * Loopback CIDRs that stand for routable addresses in the emulator (the topology's
   * node subnet and LoadBalancer pool). They never match the literal `127.0.0.0/8` of
   * kube-proxy's localhost rules: see docs/kube-proxy.md, "Loopback node addresses".
   */
  readonly emulatedAddressRanges?: readonly string[];
}

/** Options with every default filled in; carried by the RuleSet it produced. */
export interface ResolvedOptions {
  readonly mode: ProxyMode;
  readonly nodeName: string;
  readonly nodeIPs: readonly string[];
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly podCIDR: string | undefined;
  readonly masqueradeMark: number;
  readonly masqueradeAll: boolean;
  readonly localhostNodePorts: boolean;
  readonly nodePortAddresses: readonly string[] | undefined;
  readonly nfacct: boolean;
  readonly masqueradeFullyRandom: boolean;
  readonly serviceCIDRs: readonly string[];
  readonly ipvsScheduler: IpvsScheduler;
  readonly preferSameTrafficDistribution: boolean;
  readonly emulatedAddressRanges: readonly string[];
}

/** A problem with the options; `compileProxyRules` reports these instead of throwing. */
export interface OptionProblem {
  readonly field: string;
  readonly message: string;
}

function cidrs(list: readonly string[] | undefined, field: string, problems: OptionProblem[]): string[] {
  const out: string[] = [];
  for (const text of list ?? []) {
    const cidr = normalizeCidr(text);
    if (cidr === undefined) problems.push({ field, message: `Invalid CIDR "${text}"` });
    else out.push(cidr);
  }
  return out;
}

/** Fills defaults and normalises addresses. Invalid entries are dropped and reported. */
export function resolveOptions(options: CompileOptions): {
  options: ResolvedOptions;
  problems: OptionProblem[];
} {
  const problems: OptionProblem[] = [];
  const nodeIPs = options.nodeIPs
    .map((ip) => normalizeIPv4(ip))
    .filter((ip): ip is string => ip !== undefined);
  if (nodeIPs.length !== options.nodeIPs.length)
    problems.push({ field: 'nodeIPs', message: 'Not IPv4 addresses' });
  const podCIDR = options.podCIDR === undefined ? undefined : normalizeCidr(options.podCIDR);
  if (options.podCIDR !== undefined && podCIDR === undefined) {
    problems.push({ field: 'podCIDR', message: `Invalid CIDR "${options.podCIDR}"` });
  }
  const bit = options.masqueradeBit ?? 14;
  if (!Number.isInteger(bit) || bit < 0 || bit > 31)
    problems.push({ field: 'masqueradeBit', message: 'Must be 0-31' });
  const resolved: ResolvedOptions = {
    mode: options.mode,
    nodeName: options.nodeName,
    nodeIPs,
    nodeLabels: options.nodeLabels ?? {},
    podCIDR,
    masqueradeMark: 2 ** (Number.isInteger(bit) && bit >= 0 && bit <= 31 ? bit : 14),
    masqueradeAll: options.masqueradeAll ?? false,
    localhostNodePorts: options.localhostNodePorts ?? true,
    nodePortAddresses:
      options.nodePortAddresses === undefined
        ? undefined
        : cidrs(options.nodePortAddresses, 'nodePortAddresses', problems),
    nfacct: options.nfacct ?? true,
    masqueradeFullyRandom: options.masqueradeFullyRandom ?? false,
    serviceCIDRs: cidrs(options.serviceCIDRs, 'serviceCIDRs', problems),
    ipvsScheduler: options.ipvsScheduler ?? 'rr',
    preferSameTrafficDistribution: options.preferSameTrafficDistribution ?? true,
    emulatedAddressRanges: cidrs(options.emulatedAddressRanges, 'emulatedAddressRanges', problems),
  };
  return { options: resolved, problems };
}

/** `0x4000` for bit 14: how kube-proxy's tests and `iptables-save` print the mark. */
export function formatMark(mark: number): string {
  return `0x${mark.toString(16)}`;
}
