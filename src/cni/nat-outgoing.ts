/**
 * Calico's natOutgoing as a pure rule (reference calico.md §2.3,
 * `felix/rules/nat.go` `makeNATOutgoingRuleIPTables`): in nat POSTROUTING,
 * `cali-nat-outgoing` masquerades a packet whose source is in a pool with
 * `natOutgoing: true` (ipset `cali40masq-ipam-pools`) and whose destination
 * is in no pool at all (`cali40all-ipam-pools`). So pod → pod (any pool) is
 * never NATed, while pod → a node's address or pod → the internet leaves the
 * node with the node's address. Felix's default `natOutgoingExclusions:
 * IPPoolsOnly` excludes only pools, not host addresses.
 *
 * host-local mode has no IPPools: the nodes' podCIDRs stand in for one pool
 * with natOutgoing on, as the CNIs used with it masquerade pod traffic that
 * leaves the cluster CIDR (flannel's `--ip-masq`, kind's kindnet).
 */
import { type Cidr, cidrContains } from '../ipam/ipv4.js';

/** A pool as natOutgoing reads it: its CIDR and its flag. */
export interface NatPool {
  readonly cidr: Cidr;
  readonly natOutgoing: boolean;
}

/**
 * Whether a packet from `src` to `dst` is masqueraded as it leaves a node:
 * `src` in a natOutgoing pool and `dst` in no pool. Addresses are numbers
 * (`parseIPv4`).
 */
export function masqueradesOutgoing(pools: readonly NatPool[], src: number, dst: number): boolean {
  let masquerade = false;
  for (const pool of pools) {
    if (cidrContains(pool.cidr, dst)) return false;
    if (pool.natOutgoing && cidrContains(pool.cidr, src)) masquerade = true;
  }
  return masquerade;
}
