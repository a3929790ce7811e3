/**
 * IPv4 block arithmetic for IPAM and routes, on unsigned 32-bit integers (the
 * address parsing is `util/ipv4.ts`'s). A block here is the minimal
 * `{ network, prefix }` (no text, no size): the block picker creates one per
 * probed block, so it stays cheap; only the edges format text.
 *
 * netkube emulates IPv4 pools only (the topology's podSubnet is IPv4); the
 * `ipam show` formatter alone handles IPv6-sized numbers, for its goldens.
 */
import { formatIPv4, parseIPv4 } from '../util/ipv4.js';

export { formatIPv4, parseIPv4 };

/** `'0'` … `'255'`. */
const OCTETS = Array.from({ length: 256 }, (_, i) => String(i));

/** A direct-mapped table of `a.b.c.` texts, by the address's top 24 bits (-1: empty). */
const PREFIX_SLOTS = 4096;
const prefixKeys = new Int32Array(PREFIX_SLOTS).fill(-1);
const prefixTexts: string[] = Array.from({ length: PREFIX_SLOTS }, () => '');

/**
 * `formatIPv4(ip)`, for the allocator's answers, which come from a few
 * blocks at a time: the text of the first three octets is kept per /24 in
 * a small table, so an address costs one concatenation instead of seven
 * (and one string instead of seven).
 */
export function addressText(ip: number): string {
  const top = ip >>> 8;
  const slot = top & (PREFIX_SLOTS - 1);
  let prefix = prefixTexts[slot] as string;
  if (prefixKeys[slot] !== top) {
    prefix = `${top >>> 16}.${(top >>> 8) & 255}.${top & 255}.`;
    prefixKeys[slot] = top;
    prefixTexts[slot] = prefix;
  }
  return prefix + (OCTETS[ip & 255] as string);
}

/** A CIDR as numbers: `network` has no host bits set. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** The netmask of a prefix length as an unsigned number (`/0` → 0). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Number of addresses in a prefix (`/26` → 64). */
export function sizeOf(prefix: number): number {
  return 2 ** (32 - prefix);
}

/**
 * Parses `a.b.c.d/n`. `hostBits` reports whether the text had host bits set
 * (Go's `net.ParseCIDR` accepts that and returns the masked network).
 */
export function parseCidr(text: string): (Cidr & { readonly hostBits: boolean }) | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const network = (ip & maskOf(prefix)) >>> 0;
  return { network, prefix, hostBits: network !== ip };
}

/** `10.244.0.0/16`. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefix}`;
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.network;
}

/** Whether two CIDRs share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = maskOf(prefix);
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

/** The `/prefix` network containing `ip`. */
export function networkOf(ip: number, prefix: number): Cidr {
  return { network: (ip & maskOf(prefix)) >>> 0, prefix };
}

/**
 * The Calico object name of a CIDR (`names.CIDRToName`): `10.244.84.128/26` →
 * `10-244-84-128-26`. Used for IPAMBlock names and inside BlockAffinity names.
 */
export function cidrToName(cidr: Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}-${(n >>> 16) & 255}-${(n >>> 8) & 255}-${n & 255}-${cidr.prefix}`;
}

/** A block CIDR as `parseBlockCidr` returns it: with its canonical text and object name. */
export interface BlockCidr extends Cidr {
  /** `10.244.84.128/26`. */
  readonly text: string;
  /** `10-244-84-128-26` (`cidrToName`). */
  readonly name: string;
}

const blockCidrs = new Map<string, BlockCidr | null>();

/**
 * `parseCidr` for the block CIDR strings IPAM objects repeat on every
 * operation (`spec.cidr`, handle keys): memoised, network and prefix only,
 * with the canonical text and the IPAMBlock name worked out once. The
 * result is `blockCidrOf` the CIDR, so every spelling of a block's CIDR
 * gives the same object.
 */
export function parseBlockCidr(text: string): BlockCidr | undefined {
  let c = blockCidrs.get(text);
  if (c === undefined) {
    const p = parseCidr(text);
    c = p ? blockCidrOf(p) : null;
    if (blockCidrs.size > 200_000) blockCidrs.clear();
    blockCidrs.set(text, c);
  }
  return c ?? undefined;
}

/** Per prefix length: network address as a signed 32-bit integer (a small-integer key) → its BlockCidr. */
const byNetwork = Array.from({ length: 33 }, () => new Map<number, BlockCidr>());

/**
 * The BlockCidr of a CIDR (`network` without host bits, `prefix` 0–32):
 * one object per block, memoised. Its `name` is the IPAMBlock name every
 * lookup of the block uses (`objects.ts` `blockName`), so a table keyed by
 * block name finds the very string it holds and compares no characters.
 *
 * One object literal with all four fields, so every BlockCidr shares one
 * hidden class. (Spreading a Cidr and adding `text` and `name`, as this
 * once did, gives each object a hidden class of its own in V8 11: every
 * property read of a BlockCidr was then megamorphic and mostly missed V8's
 * stub cache, about 70,000 runtime lookups per 100,000 allocations.)
 */
export function blockCidrOf(cidr: Cidr): BlockCidr {
  const known = cidr as Partial<BlockCidr>;
  if (known.name !== undefined && known.text !== undefined) return cidr as BlockCidr;
  const table = byNetwork[cidr.prefix] as Map<number, BlockCidr>;
  const key = cidr.network | 0;
  let c = table.get(key);
  if (c === undefined) {
    const { network, prefix } = cidr;
    c = { network, prefix, text: formatCidr(cidr), name: cidrToName(cidr) };
    if (table.size >= 200_000) table.clear();
    table.set(key, c);
  }
  return c;
}

/** Compares CIDRs by network address, then shorter prefix first. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  return a.network - b.network || a.prefix - b.prefix;
}
