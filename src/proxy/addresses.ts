/**
 * How the emulator classifies addresses when rules test them. Node addresses are
 * loopback aliases (127.0.10.x) on the laptop, but they stand for a node's routable
 * address: kube-proxy's literal `127.0.0.0/8` (localhost NodePorts, KUBE-FIREWALL,
 * nftables `ip daddr != 127.0.0.0/8`) means the node's *own* loopback, so the node's
 * addresses and the topology's emulated ranges never match it. `--src-type LOCAL`
 * follows the packet's source role; `--dst-type LOCAL` is the node's addresses plus
 * its own loopback. See docs/kube-proxy.md, "Loopback node addresses".
 */

import type { Packet } from './evaluate/types.js';
import { addressMatches, isLoopback, LOOPBACK_CIDR } from './ip.js';
import type { ResolvedOptions } from './options.js';

/** Whether `ip` is an address the emulator hands out for a routable thing (a node, an LB IP). */
export function isEmulatedAddress(ip: string, options: ResolvedOptions): boolean {
  if (options.nodeIPs.includes(ip)) return true;
  for (const cidr of options.emulatedAddressRanges) if (addressMatches(cidr, ip)) return true;
  return false;
}

/** Whether `ip` is in the node's private loopback network. */
export function isNodeLoopback(ip: string, options: ResolvedOptions): boolean {
  return isLoopback(ip) && !isEmulatedAddress(ip, options);
}

/** A rule's address operand (`-s`/`-d`, `ip saddr`/`ip daddr`) against an address. */
export function ruleAddressMatches(operand: string, ip: string, options: ResolvedOptions): boolean {
  if (operand === LOOPBACK_CIDR) return isNodeLoopback(ip, options);
  return addressMatches(operand, ip);
}

/** `--dst-type LOCAL` / `fib daddr type local`: one of the node's own addresses. */
export function isLocalDestination(ip: string, options: ResolvedOptions): boolean {
  return options.nodeIPs.includes(ip) || isNodeLoopback(ip, options);
}

/** `--src-type LOCAL` / `fib saddr type local`: the packet was sent by the node itself. */
export function isLocalSource(packet: Packet): boolean {
  return packet.source === 'node-local';
}
