/**
 * Evaluates a packet against an iptables RuleSet through the netfilter hooks:
 * PREROUTING (or OUTPUT for the node's own packets) in nat, the routing decision on
 * the translated destination, filter INPUT or FORWARD (OUTPUT, then INPUT for local
 * delivery), and nat POSTROUTING where MASQUERADE happens (kube-proxy.md §2.13).
 */

import { isLocalDestination } from '../addresses.js';
import { getChain, type IptablesRuleSet } from '../ruleset.js';
import type { Decider, EvaluateOptions, Packet } from './types.js';
import { applyDnat, newWalkState, runBaseChain, stopped, type WalkEnv, type WalkOutcome } from './walker.js';

function iptablesEnv(
  ruleSet: IptablesRuleSet,
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
    chain: (table, name) => getChain(table === 'filter' ? ruleSet.tables.filter : ruleSet.tables.nat, name),
    element: () => undefined,
  };
}

/** One path of a packet through the node's iptables. */
export function walkIptables(
  ruleSet: IptablesRuleSet,
  packet: Packet,
  options: EvaluateOptions,
  decider: Decider,
): WalkOutcome {
  const env = iptablesEnv(ruleSet, packet, options, decider);
  const state = newWalkState(packet);
  const fromNode = packet.source === 'node-local';
  runBaseChain('nat', fromNode ? 'OUTPUT' : 'PREROUTING', env, state);
  applyDnat(state);
  const local = isLocalDestination(state.dstIP, ruleSet.options);
  if (fromNode) {
    if (!runBaseChain('filter', 'OUTPUT', env, state)) return stopped(state);
    runBaseChain('nat', 'POSTROUTING', env, state);
    if (local && !runBaseChain('filter', 'INPUT', env, state)) return stopped(state);
  } else if (local) {
    if (!runBaseChain('filter', 'INPUT', env, state)) return stopped(state);
  } else {
    if (!runBaseChain('filter', 'FORWARD', env, state)) return stopped(state);
    runBaseChain('nat', 'POSTROUTING', env, state);
  }
  return { state, final: undefined };
}
