/**
 * IPv4 arithmetic on 32-bit unsigned integers: parse, format, CIDR membership
 * and overlap. netkube is single-stack IPv4 (as the emulated clusters are), and
 * these helpers are on hot paths, so they avoid objects per address.
 */

/** Parses dotted-quad text; undefined when it is not a canonical IPv4 address. */
export function parseIPv4(text: string): number | undefined {
  // One pass over the characters, no split or regex: the dataplane parses addresses per connection.
  let n = 0;
  let octets = 0;
  let value = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // the end closes the last octet like a '.'
    if (c === 46) {
      if (digits === 0 || value > 255 || (leadingZero && digits > 1) || octets === 4) return undefined;
      n = n * 256 + value;
      octets++;
      value = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || digits === 3) return undefined;
    if (digits === 0) leadingZero = c === 48;
    value = value * 10 + (c - 48);
    digits++;
  }
  return octets === 4 ? n >>> 0 : undefined;
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

export interface Cidr {
  /** Network address as an unsigned integer. */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
  /** Canonical text, `10.96.0.0/12`. */
  readonly text: string;
}

/** Parses `a.b.c.d/n`; host bits must be zero unless `loose`. Undefined on bad input. */
export function parseCidr(text: string, options: { loose?: boolean } = {}): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIPv4(m[1] as string);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const base = prefix === 0 ? 0 : (ip - (ip % size)) >>> 0;
  if (base !== ip && !options.loose) return undefined;
  return { base, prefix, size, text: `${formatIPv4(base)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}

export function cidrContainsText(cidr: Cidr, ip: string): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && cidrContains(cidr, n);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** The n-th address of a block (0 = network address). */
export function cidrIndex(cidr: Cidr, n: number): string {
  return formatIPv4((cidr.base + n) >>> 0);
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') && isIPv4(ip);
}
