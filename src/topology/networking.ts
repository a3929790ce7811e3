/**
 * The `networking` section: subnets, NodePort range, proxy and IPAM modes,
 * with netkube's defaults and the checks that keep the emulator sane
 * (well-formed, non-overlapping subnets; loopback node and LoadBalancer
 * ranges unless the file opts out; blocks that fit the pod subnet).
 */
import { cidrsOverlap, type IPv4Cidr, isDNS1123Subdomain, parseIPv4Cidr } from '../api/index.js';
import { isLoopback, type SlotDefaults } from './addresses.js';
import type { TopologyProblem } from './fields.js';
import type {
  BlockSelection,
  Encapsulation,
  IpamType,
  IpvsScheduler,
  NetworkingConfig,
  ProxyMode,
} from './types.js';

/** Accumulates problems while a topology is resolved. */
export interface ResolveContext {
  readonly problems: TopologyProblem[];
  readonly allowNonLoopback: boolean;
}

type Raw = Record<string, unknown>;

export function section(value: unknown): Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}

/** A string field that must be one of `allowed`. */
export function enumField<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  fallback: T,
  ctx: ResolveContext,
): T {
  if (value === undefined || value === null) return fallback;
  if (allowed.includes(value as T)) return value as T;
  ctx.problems.push({
    path,
    message: `Unsupported value ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
  });
  return fallback;
}

/** A CIDR field: IPv4, a network address, optionally loopback-only. */
export function cidrField(
  text: string,
  path: string,
  ctx: ResolveContext,
  loopback: boolean,
): IPv4Cidr | undefined {
  const cidr = parseIPv4Cidr(text);
  if (!cidr) {
    const why = text.includes(':') ? 'only IPv4 is supported' : 'must be a CIDR such as 10.244.0.0/16';
    ctx.problems.push({ path, message: `invalid CIDR ${JSON.stringify(text)}: ${why}` });
    return undefined;
  }
  if (cidr.hostBitsSet) {
    const network = `${[cidr.network >>> 24, (cidr.network >>> 16) & 255, (cidr.network >>> 8) & 255, cidr.network & 255].join('.')}/${cidr.prefix}`;
    ctx.problems.push({ path, message: `${text} is not a network address (did you mean ${network}?)` });
  }
  if (loopback && !ctx.allowNonLoopback && !isLoopback(text.slice(0, text.indexOf('/')))) {
    ctx.problems.push({
      path,
      message: `${text} is outside 127.0.0.0/8; set allowNonLoopback: true to use non-loopback addresses`,
    });
  } else if (loopback && cidr.prefix < 8) {
    ctx.problems.push({ path, message: `${text} is larger than 127.0.0.0/8` });
  }
  return cidr;
}

/** Parses `30000-32767` (or kube-apiserver's `30000+2767`) into base and size. */
export function parsePortRange(
  text: string,
  path: string,
  ctx: ResolveContext,
): { base: number; size: number } {
  const fallback = { base: 30000, size: 2768 };
  const m = /^\s*([0-9]+)\s*(?:([-+])\s*([0-9]+))?\s*$/.exec(text);
  if (!m) {
    ctx.problems.push({ path, message: `${JSON.stringify(text)} must be "first-last" (e.g. 30000-32767)` });
    return fallback;
  }
  const first = Number(m[1]);
  const last = m[2] === '+' ? first + Number(m[3]) : m[3] !== undefined ? Number(m[3]) : first;
  if (first < 1 || last > 65535) {
    ctx.problems.push({ path, message: `${text}: ports must be between 1 and 65535, inclusive` });
    return fallback;
  }
  if (last < first) {
    ctx.problems.push({ path, message: `${text}: the first port (${first}) is after the last (${last})` });
    return fallback;
  }
  return { base: first, size: last - first + 1 };
}

const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'ipvs', 'nftables'];
const IPVS_SCHEDULERS: readonly IpvsScheduler[] = ['rr', 'wrr', 'lc', 'wlc', 'dh', 'sh', 'sed', 'nq'];
const IPAM_TYPES: readonly IpamType[] = ['calico', 'host-local'];
const BLOCK_SELECTIONS: readonly BlockSelection[] = ['calico', 'sequential'];
const ENCAPSULATIONS: readonly Encapsulation[] = ['IPIP', 'VXLAN', 'None'];

function resolveIpam(
  raw: Raw,
  podSubnet: IPv4Cidr | undefined,
  ctx: ResolveContext,
): NetworkingConfig['ipam'] {
  const blockSize = typeof raw.blockSize === 'number' ? raw.blockSize : 26;
  if (blockSize < 20 || blockSize > 32) {
    ctx.problems.push({
      path: 'networking.ipam.blockSize',
      message: `${blockSize} must be between 20 and 32, inclusive`,
    });
  } else if (podSubnet && blockSize < podSubnet.prefix) {
    ctx.problems.push({
      path: 'networking.ipam.blockSize',
      message: `/${blockSize} blocks are larger than networking.podSubnet /${podSubnet.prefix}`,
    });
  }
  return {
    type: enumField(raw.type, 'networking.ipam.type', IPAM_TYPES, 'calico', ctx),
    blockSize,
    blockSelection: enumField(
      raw.blockSelection,
      'networking.ipam.blockSelection',
      BLOCK_SELECTIONS,
      'calico',
      ctx,
    ),
    encapsulation: enumField(raw.encapsulation, 'networking.ipam.encapsulation', ENCAPSULATIONS, 'IPIP', ctx),
    strictAffinity: raw.strictAffinity === true,
  };
}

const SUBNETS = [
  ['podSubnet', '10.244.0.0/16', false],
  ['serviceSubnet', '10.96.0.0/12', false],
  ['nodeSubnet', undefined, true],
  ['loadBalancerPool', undefined, true],
] as const;

/** Resolves and checks `networking`; `slot` supplies the loopback defaults. */
export function resolveNetworking(
  value: unknown,
  defaults: SlotDefaults,
  ctx: ResolveContext,
): NetworkingConfig {
  const raw = section(value);
  const texts: Record<string, string> = {};
  const cidrs: Array<{ name: string; text: string; cidr: IPv4Cidr }> = [];
  for (const [name, fallback, loopback] of SUBNETS) {
    const text =
      typeof raw[name] === 'string'
        ? (raw[name] as string)
        : (fallback ?? defaults[name as 'nodeSubnet' | 'loadBalancerPool']);
    texts[name] = text;
    const cidr = cidrField(text, `networking.${name}`, ctx, loopback);
    if (!cidr) continue;
    for (const other of cidrs) {
      if (cidrsOverlap(cidr, other.cidr)) {
        ctx.problems.push({
          path: `networking.${name}`,
          message: `${text} overlaps networking.${other.name} ${other.text}`,
        });
      }
    }
    cidrs.push({ name, text, cidr });
  }
  const service = cidrs.find((c) => c.name === 'serviceSubnet');
  if (service && service.cidr.prefix < 12) {
    ctx.problems.push({
      path: 'networking.serviceSubnet',
      message: `${service.text} is too large: kube-apiserver requires a mask of at least /12`,
    });
  }
  const domain = typeof raw.clusterDomain === 'string' ? raw.clusterDomain : 'cluster.local';
  for (const m of isDNS1123Subdomain(domain))
    ctx.problems.push({ path: 'networking.clusterDomain', message: `${JSON.stringify(domain)}: ${m}` });
  return {
    podSubnet: texts.podSubnet ?? '10.244.0.0/16',
    serviceSubnet: texts.serviceSubnet ?? '10.96.0.0/12',
    nodePortRange: parsePortRange(
      typeof raw.nodePortRange === 'string' ? raw.nodePortRange : '30000-32767',
      'networking.nodePortRange',
      ctx,
    ),
    clusterDomain: domain,
    proxyMode: enumField(raw.proxyMode, 'networking.proxyMode', PROXY_MODES, 'iptables', ctx),
    ipvsScheduler: enumField(raw.ipvsScheduler, 'networking.ipvsScheduler', IPVS_SCHEDULERS, 'rr', ctx),
    ipam: resolveIpam(section(raw.ipam), cidrs.find((c) => c.name === 'podSubnet')?.cidr, ctx),
    nodeSubnet: texts.nodeSubnet ?? defaults.nodeSubnet,
    loadBalancerPool: texts.loadBalancerPool ?? defaults.loadBalancerPool,
  };
}
