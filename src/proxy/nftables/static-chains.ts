/**
 * The fixed part of kube-proxy's nftables table (`setupNFTables`): base chains hooked
 * into netfilter, the jumps of `nftablesJumpChains`, masquerading, the no-endpoint and
 * firewall checks and the service dispatch rules.
 */

import { isEmulatedAddress } from '../addresses.js';
import { addressMatches } from '../ip.js';
import type { ResolvedOptions } from '../options.js';
import { type Chain, comment, type Hook, jump, type Match, type Rule, rule } from '../rules.js';
import type { NftElement } from '../ruleset.js';
import {
  CLUSTER_IPS,
  CLUSTER_IPS_CHECK,
  FIREWALL_CHECK,
  FIREWALL_IPS,
  MARK_MASQ,
  MASQUERADING,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  NODEPORT_ENDPOINTS_CHECK,
  NODEPORT_IPS,
  REJECT_CHAIN,
  SERVICE_ENDPOINTS_CHECK,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
  SERVICES,
} from './context.js';

const NEW: Match = { kind: 'ctstate', states: ['NEW'] };

function base(name: string, type: 'filter' | 'nat', hook: Hook, priority: number, rules: Rule[]): Chain {
  return { name, hook: { type, hook, priority }, rules };
}

/** The eight base chains with their jump rules (`nftablesBaseChains` + `nftablesJumpChains`). */
export function baseChains(): Chain[] {
  const newJump = (target: string) => rule([NEW], jump(target));
  return [
    base('filter-prerouting', 'filter', 'prerouting', -110, [newJump(FIREWALL_CHECK)]),
    base('filter-input', 'filter', 'input', -110, [
      newJump(NODEPORT_ENDPOINTS_CHECK),
      newJump(SERVICE_ENDPOINTS_CHECK),
    ]),
    base('filter-forward', 'filter', 'forward', -110, [
      newJump(SERVICE_ENDPOINTS_CHECK),
      newJump(CLUSTER_IPS_CHECK),
    ]),
    base('filter-output', 'filter', 'output', -110, [
      newJump(SERVICE_ENDPOINTS_CHECK),
      newJump(FIREWALL_CHECK),
    ]),
    base('filter-output-post-dnat', 'filter', 'output', -90, [newJump(CLUSTER_IPS_CHECK)]),
    base('nat-prerouting', 'nat', 'prerouting', -100, [rule([], jump(SERVICES))]),
    base('nat-output', 'nat', 'output', -100, [rule([], jump(SERVICES))]),
    base('nat-postrouting', 'nat', 'postrouting', 100, [rule([], jump(MASQUERADING))]),
  ];
}

/** Whether NodePorts are accepted on every local address (`--nodeport-addresses` unset). */
export function nodePortsMatchAll(options: ResolvedOptions): boolean {
  return options.nodePortAddresses === undefined;
}

function nodePortDestination(options: ResolvedOptions): Match[] {
  return nodePortsMatchAll(options)
    ? [{ kind: 'destination', address: '127.0.0.0/8', negate: true }]
    : [{ kind: 'destination-set', set: NODEPORT_IPS }];
}

/** The regular top-level chains and their fixed rules. */
export function regularChains(options: ResolvedOptions): Chain[] {
  const mark = options.masqueradeMark;
  const clusterIPsCheck: Rule[] = [
    rule(
      [
        { kind: 'destination-set', set: CLUSTER_IPS },
        comment('Reject traffic to invalid ports of ClusterIPs'),
      ],
      { kind: 'reject' },
    ),
  ];
  if (options.serviceCIDRs.length > 0) {
    const matches: Match[] = [
      { kind: 'destination-in', addresses: options.serviceCIDRs },
      comment('Drop traffic to unallocated ClusterIPs'),
    ];
    clusterIPsCheck.push(rule(matches, { kind: 'drop' }));
  }
  const services: Rule[] = [rule([], { kind: 'vmap', map: SERVICE_IPS, key: 'daddr-proto-port' })];
  const npDestination = nodePortDestination(options);
  const npLocal: Match[] = nodePortsMatchAll(options) ? [{ kind: 'addrtype', direction: 'destination' }] : [];
  services.push(
    rule([...npLocal, ...npDestination], { kind: 'vmap', map: SERVICE_NODEPORTS, key: 'proto-port' }),
  );
  return [
    { name: CLUSTER_IPS_CHECK, rules: clusterIPsCheck },
    { name: FIREWALL_CHECK, rules: [rule([], { kind: 'vmap', map: FIREWALL_IPS, key: 'daddr-proto-port' })] },
    { name: MARK_MASQ, rules: [rule([], { kind: 'mark', op: 'or', value: mark })] },
    {
      name: MASQUERADING,
      rules: [
        rule([{ kind: 'mark', value: mark, negate: true }], { kind: 'return' }),
        rule([], { kind: 'mark', op: 'xor', value: mark }),
        rule([], { kind: 'masquerade', fullyRandom: true }),
      ],
    },
    {
      name: NODEPORT_ENDPOINTS_CHECK,
      rules: [rule(npDestination, { kind: 'vmap', map: NO_ENDPOINT_NODEPORTS, key: 'proto-port' })],
    },
    {
      name: REJECT_CHAIN,
      rules: [rule([], { kind: 'reject' })],
      comment: 'helper for @no-endpoint-services / @no-endpoint-nodeports',
    },
    {
      name: SERVICE_ENDPOINTS_CHECK,
      rules: [rule([], { kind: 'vmap', map: NO_ENDPOINT_SERVICES, key: 'daddr-proto-port' })],
    },
    { name: SERVICES, rules: services },
  ];
}

/** `nodeport-ips` elements: node addresses inside `--nodeport-addresses` (never localhost in nftables mode). */
export function nodePortIPElements(options: ResolvedOptions): NftElement[] {
  if (nodePortsMatchAll(options)) return [];
  return options.nodeIPs
    .filter((ip) => options.nodePortAddresses?.some((cidr) => addressMatches(cidr, ip)))
    .filter((ip) => !ip.startsWith('127.') || isEmulatedAddress(ip, options))
    .map((ip) => ({ container: NODEPORT_IPS, key: [ip] }));
}
