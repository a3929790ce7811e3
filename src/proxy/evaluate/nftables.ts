/**
 * Evaluates a packet against an nftables RuleSet: base chains per hook in priority
 * order (filter-prerouting −110, nat-prerouting −100; filter-output −110, nat-output
 * −100, filter-output-post-dnat −90), the routing decision on the translated
 * destination, then filter-input or filter-forward and nat-postrouting. Unlike
 * iptables, a packet to an undefined port of a ClusterIP is REJECTed and one to an
 * unallocated service IP DROPped (`cluster-ips-check`).
 */

import { isLocalDestination } from '../addresses.js';
import { getBucket } from '../bucket-map.js';
import { elementKey, getChain, type NftablesRuleSet } from '../ruleset.js';
import type { Decider, EvaluateOptions, Packet } from './types.js';
import { applyDnat, newWalkState, runBaseChain, stopped, type WalkEnv, type WalkOutcome } from './walker.js';

const TABLE = 'ip kube-proxy';

function nftEnv(
  ruleSet: NftablesRuleSet,
  packet: Packet,
  options: EvaluateOptions,
  decider: Decider,
): WalkEnv {
  return {
    packet,
    options: ruleSet.options,
    affinity: options.affinity,
    now: options.now ?? 0,
    decider,
    chain: (_table, name) => getChain(ruleSet.table, name),
    element: (container, key) => getBucket(ruleSet.elements, elementKey(container, key))?.element,
  };
}

/** One path of a packet through the node's nftables table. */
export function walkNftables(
  ruleSet: NftablesRuleSet,
  packet: Packet,
  options: EvaluateOptions,
  decider: Decider,
): WalkOutcome {
  const env = nftEnv(ruleSet, packet, options, decider);
  const state = newWalkState(packet);
  const run = (chain: string) => runBaseChain(TABLE, chain, env, state);
  if (packet.source === 'node-local') {
    if (!run('filter-output')) return stopped(state);
    run('nat-output');
    applyDnat(state);
    if (!run('filter-output-post-dnat')) return stopped(state);
    run('nat-postrouting');
    if (isLocalDestination(state.dstIP, ruleSet.options) && !run('filter-input')) return stopped(state);
    return { state, final: undefined };
  }
  if (!run('filter-prerouting')) return stopped(state);
  run('nat-prerouting');
  applyDnat(state);
  if (isLocalDestination(state.dstIP, ruleSet.options)) {
    if (!run('filter-input')) return stopped(state);
  } else {
    if (!run('filter-forward')) return stopped(state);
    run('nat-postrouting');
  }
  return { state, final: undefined };
}
