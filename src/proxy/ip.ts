/**
 * IPv4 arithmetic for the proxy: parsing as kube-proxy does (`netutils.ParseIPSloppy`
 * accepts leading zeros, `ParseCIDRSloppy` masks the host bits), CIDR containment and
 * the emulator's loopback rule. netkube's proxier is IPv4-only, like a single-stack
 * kube-proxy: IPv6 addresses parse as `undefined` and the caller skips them, as the
 * real proxier skips objects of the other IP family.
 */

/** An IPv4 address as an unsigned 32-bit number. */
export type IPv4Number = number;

/** A parsed CIDR: network address (host bits cleared) and prefix length. */
export interface Cidr {
  readonly network: IPv4Number;
  readonly prefix: number;
}

/**
 * Parses a dotted-quad IPv4 address, tolerating leading zeros in each octet
 * (`10.180.00.001` → 10.180.0.1) as `ParseIPSloppy` does. Returns undefined for
 * anything else, including IPv6.
 */
export function parseIPv4(text: string): IPv4Number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** Formats a 32-bit number as a dotted quad. */
export function formatIPv4(value: IPv4Number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The canonical text of an IPv4 address (`ParseIPSloppy(x).String()`), or undefined. */
export function normalizeIPv4(text: string): string | undefined {
  const value = parseIPv4(text.trim());
  return value === undefined ? undefined : formatIPv4(value);
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses `a.b.c.d/n` leniently (surrounding whitespace and leading zeros ignored) and
 * clears the host bits, as `ParseCIDRSloppy` does. A bare address is not a CIDR.
 */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(trimmed.slice(0, slash));
  const prefixText = trimmed.slice(slash + 1);
  if (ip === undefined || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { network: (ip & maskOf(prefix)) >>> 0, prefix };
}

/** `network/prefix` text of a parsed CIDR. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefix}`;
}

/** The canonical text of a CIDR (`203.0.113.000/025` → `203.0.113.0/25`), or undefined. */
export function normalizeCidr(text: string): string | undefined {
  const cidr = parseCidr(text);
  return cidr === undefined ? undefined : formatCidr(cidr);
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: IPv4Number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.network;
}

const cidrCache = new Map<string, Cidr | IPv4Number | null>();
const addressCache = new Map<string, IPv4Number | null>();

/** `parseIPv4` with a bounded cache: packet addresses repeat across thousands of rule matches. */
function parsedAddress(ip: string): IPv4Number | undefined {
  let value = addressCache.get(ip);
  if (value === undefined) {
    value = parseIPv4(ip) ?? null;
    if (addressCache.size > 10_000) addressCache.clear();
    addressCache.set(ip, value);
  }
  return value ?? undefined;
}

/**
 * Whether an address matches a rule's address operand, which is either a CIDR
 * (`10.0.0.0/8`) or a single address (`10.180.0.1`). Unparseable operands match nothing.
 */
export function addressMatches(operand: string, ip: string): boolean {
  const value = parsedAddress(ip);
  if (value === undefined) return false;
  let parsed = cidrCache.get(operand);
  if (parsed === undefined) {
    parsed = operand.includes('/') ? (parseCidr(operand) ?? null) : (parseIPv4(operand) ?? null);
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(operand, parsed);
  }
  if (parsed === null) return false;
  return typeof parsed === 'number' ? parsed === value : cidrContains(parsed, value);
}

/** The loopback network a real node keeps to itself. */
export const LOOPBACK_CIDR = '127.0.0.0/8';

/** Whether an address is in 127.0.0.0/8. */
export function isLoopback(ip: string): boolean {
  return addressMatches(LOOPBACK_CIDR, ip);
}

/**
 * `ip:port` as `net.JoinHostPort` writes it (IPv6 in brackets), the endpoint string
 * kube-proxy hashes into chain names and sorts endpoints by.
 */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
