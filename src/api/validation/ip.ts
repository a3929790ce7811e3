/**
 * IP address and CIDR checks with apimachinery's message texts
 * (`k8s.io/apimachinery/pkg/util/validation/ip.go`,
 * `pkg/apis/core/validation.ValidateNonSpecialIP`), plus the small IPv4 math
 * the validators and the topology loader share.
 */
import { isIPv6 } from 'node:net';
import { type FieldError, fieldError } from '../field-errors.js';

/**
 * Parses an IPv4 address to a 32-bit unsigned number, accepting leading zeros
 * as Go's `netutils.ParseIPSloppy` does. Returns undefined when not IPv4.
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Formats a 32-bit number as dotted quad. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True for an IPv4 or IPv6 address. */
export function isIP(text: string): boolean {
  return parseIPv4(text) !== undefined || isIPv6(text);
}

/** An IPv4 CIDR: network number, prefix length and whether host bits were set. */
export interface IPv4Cidr {
  readonly network: number;
  readonly prefix: number;
  /** The address as written had bits set after the prefix (`10.244.1.0/16`). */
  readonly hostBitsSet: boolean;
}

/** Parses `a.b.c.d/n` (IPv4 only). */
export function parseIPv4Cidr(text: string): IPv4Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (ip === undefined || !/^[0-9]{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (ip & mask) >>> 0;
  return { network, prefix, hostBitsSet: network !== ip };
}

/** Number of addresses in a CIDR. */
export function cidrSize(cidr: IPv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: IPv4Cidr, ip: number): boolean {
  return ip >= cidr.network && ip < cidr.network + cidrSize(cidr);
}

/** Whether two CIDRs share any address. */
export function cidrsOverlap(a: IPv4Cidr, b: IPv4Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** Whether a text is a valid CIDR of either family (Go `ParseCIDRSloppy`). */
export function isCidr(text: string): boolean {
  if (parseIPv4Cidr(text)) return true;
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const bits = text.slice(slash + 1);
  return isIPv6(text.slice(0, slash)) && /^[0-9]{1,3}$/.test(bits) && Number(bits) <= 128;
}

/** `validation.IsValidIP`. */
export function validateIP(field: string, value: string): FieldError[] {
  return isIP(value)
    ? []
    : [fieldError.invalid(field, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** `validation.IsValidIPv4Address`. */
export function validateIPv4(field: string, value: string): FieldError[] {
  return parseIPv4(value) === undefined
    ? [fieldError.invalid(field, value, 'must be a valid IPv4 address')]
    : [];
}

/** `validation.IsValidCIDR`. */
export function validateCidr(field: string, value: string): FieldError[] {
  return isCidr(value)
    ? []
    : [fieldError.invalid(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/**
 * Loopback ranges that stand for routable addresses in the emulator: the
 * topology's node subnet and LoadBalancer pool. The API server normally refuses
 * loopback endpoint and external IPs; inside these ranges netkube accepts them,
 * because there they are node and load-balancer addresses, not a loopback. This
 * is process-wide configuration, like a kube-apiserver flag, set once by the
 * emulator at start (`setEmulatedRoutableRanges`).
 */
let emulatedRanges: ReadonlyArray<{ readonly base: number; readonly size: number }> = [];

/** Declares the emulated routable ranges (CIDRs); called by the emulator at start. */
export function setEmulatedRoutableRanges(cidrs: readonly string[]): void {
  emulatedRanges = cidrs.flatMap((c) => {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(c);
    const base = m ? parseIPv4(m[1] as string) : undefined;
    if (!m || base === undefined) return [];
    const size = 2 ** (32 - Number(m[2]));
    return [{ base: base - (base % size), size }];
  });
}

/** Whether the emulated routable ranges have been declared in this process. */
export function emulatedRoutableRangesDeclared(): boolean {
  return emulatedRanges.length > 0;
}

function isEmulatedRoutable(v4: number): boolean {
  return emulatedRanges.some((r) => v4 >= r.base && v4 < r.base + r.size);
}

/**
 * Whether `ip` lies in a range netkube emulates as routable (node addresses,
 * the load-balancer pool) although it is a loopback address on the laptop:
 * such an address is never a pod's or node's own loopback.
 */
export function isEmulatedRoutableAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  return v4 !== undefined && isEmulatedRoutable(v4);
}

/**
 * `ValidateNonSpecialIP`: endpoint and external IPs may not be unspecified,
 * loopback or link-local. Only IPv4 ranges are checked beyond the parse; IPv6
 * special ranges are checked for `::`, `::1` and `fe80::/10`.
 */
export function validateNonSpecialIP(field: string, value: string): FieldError[] {
  const v4 = parseIPv4(value);
  if (v4 === undefined && !isIPv6(value))
    return [fieldError.invalid(field, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const lower = value.toLowerCase();
  const unspecified = v4 === 0 || (v4 === undefined && /^[0:]+$/.test(lower));
  const loopback =
    v4 !== undefined ? v4 >>> 24 === 127 && !isEmulatedRoutable(v4) : /^[0:]*:0*1$/.test(lower);
  const linkLocal = v4 !== undefined ? v4 >>> 16 === 0xa9fe : /^fe[89ab]/.test(lower);
  const linkLocalMulticast = v4 !== undefined ? v4 >>> 8 === 0xe00000 : lower.startsWith('ff02:');
  if (unspecified) errs.push(fieldError.invalid(field, value, `may not be unspecified (${value})`));
  if (loopback)
    errs.push(fieldError.invalid(field, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) {
    errs.push(
      fieldError.invalid(field, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'),
    );
  }
  if (linkLocalMulticast) {
    errs.push(
      fieldError.invalid(
        field,
        value,
        'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
      ),
    );
  }
  return errs;
}
