/**
 * The address plan: which loopback addresses and ports an emulator uses when
 * its topology does not say, derived from its slot so that emulators running
 * side by side (`netkube up --name …`) never collide.
 *
 * Slot s (0–255) uses:
 *   node addresses     127.s.10.1, 127.s.10.2, …   (nodeSubnet 127.s.10.0/24)
 *   LoadBalancer IPs   127.s.20.0/24
 *   API server         <first control-plane node address>:6443
 *   cluster DNS        127.0.0.1:(10053 + s)
 *   SOCKS5 gateway     127.0.0.1:(1080 + s)
 * so slot 0 is 127.0.10.0/24, 127.0.20.0/24, 127.0.0.1:10053 and
 * 127.0.0.1:1080. Node and LoadBalancer ranges differ in the second octet
 * per slot; DNS and SOCKS stay on 127.0.0.1 (the one loopback address every
 * OS has) and differ by port, in ranges that do not meet (10053–10308,
 * 1080–1335).
 */
import { formatIPv4, parseIPv4 } from '../api/index.js';
import type { HostPort } from './types.js';

/** The highest slot: the second octet of 127.s.x.y. */
export const MAX_SLOT = 255;

export const API_PORT = 6443;

/** The default address plan of a slot. */
export interface SlotDefaults {
  readonly nodeSubnet: string;
  readonly loadBalancerPool: string;
  readonly dns: HostPort;
  readonly socks: HostPort;
}

/** Defaults for slot `slot` (see the module comment). The caller checks the slot is in 0–255. */
export function slotDefaults(slot: number): SlotDefaults {
  return {
    nodeSubnet: `127.${slot}.10.0/24`,
    loadBalancerPool: `127.${slot}.20.0/24`,
    dns: { host: '127.0.0.1', port: 10053 + slot },
    socks: { host: '127.0.0.1', port: 1080 + slot },
  };
}

/** Parses `host:port` (IPv4 host); undefined when malformed. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^([0-9.]+):([0-9]+)$/.exec(text.trim());
  if (!m || parseIPv4(m[1] ?? '') === undefined) return undefined;
  return { host: formatIPv4(parseIPv4(m[1] ?? '') ?? 0), port: Number(m[2]) };
}

/** `host:port`. */
export function formatHostPort(hp: HostPort): string {
  return `${hp.host}:${hp.port}`;
}

/** Whether an IPv4 address is in 127.0.0.0/8. */
export function isLoopback(ip: string): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n >>> 24 === 127;
}
