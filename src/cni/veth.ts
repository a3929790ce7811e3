/**
 * Host-side interface names of pods (reference calico.md §2.1).
 *
 * Calico (`VethNameForWorkload`): prefix + the first 11 hex digits of
 * sha1(`<namespace>.<pod>`), 15 characters with the default prefix `cali`
 * (Felix `InterfacePrefix`), which is Linux's IFNAMSIZ−1.
 *
 * The bridge plugin used with host-local names its veths `veth` + 8 random hex
 * digits; netkube derives those 8 digits from the same hash so names are stable.
 */
import { createHash } from 'node:crypto';

/** Calico's host-side veth name of a pod: `cali` + 11 hex of sha1(`namespace.pod`). */
export function vethNameForWorkload(namespace: string, pod: string, prefix = 'cali'): string {
  return prefix + createHash('sha1').update(`${namespace}.${pod}`).digest('hex').slice(0, 11);
}

/** The bridge plugin's host-side veth name (netkube: deterministic, see the module comment). */
export function bridgeVethName(namespace: string, pod: string): string {
  return `veth${createHash('sha1').update(`${namespace}.${pod}`).digest('hex').slice(0, 8)}`;
}

/** A stable locally administered unicast MAC for a pod's eth0 (real ones are random). */
export function podMac(namespace: string, pod: string): string {
  const bytes = createHash('sha1').update(`mac/${namespace}.${pod}`).digest().subarray(0, 6);
  bytes[0] = ((bytes[0] as number) & 0xfe) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
