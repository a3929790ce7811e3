/**
 * `evaluatePacket`: the one implementation of "what happens to this packet" that both
 * the dataplane (real connections) and the tracer (explanations) call. It walks the
 * node's rules with the injected randomness for the actual choice, and replays every
 * random branch to list all candidate endpoints with their probabilities.
 */

import { assertNever } from '../../util/assert-never.js';
import type { Random } from '../../util/random.js';
import type { RuleSet } from '../ruleset.js';
import { exploreAll } from './explore.js';
import { walkIptables } from './iptables.js';
import { evaluateIpvs } from './ipvs.js';
import { rememberedWalk, walkMemoOn } from './memo.js';
import { walkNftables } from './nftables.js';
import type { Candidate, Decider, EvaluateOptions, Packet, PacketResult } from './types.js';
import type { WalkOutcome } from './walker.js';

/** Options of `evaluatePacket` beyond the injected state. */
export interface EvaluatePacketOptions extends EvaluateOptions {
  /** List every candidate endpoint (replays each random branch). The dataplane may turn it off. @default true */
  readonly explore?: boolean;
}

/** A decider drawing from `random` the way the kernel does: statistic as a Bernoulli draw, numgen uniform. */
export function randomDecider(random: Random): Decider {
  return { bernoulli: (p) => random.float() < p, uniform: (n) => random.int(n) };
}

type Walk<R> = (ruleSet: R, packet: Packet, options: EvaluateOptions, decider: Decider) => WalkOutcome;

function candidatesOf(outcomes: readonly { value: WalkOutcome; probability: number }[]): Candidate[] {
  const byEndpoint = new Map<string, Candidate>();
  for (const { value, probability } of outcomes) {
    const dnat = value.state.dnat;
    if (!dnat || value.final !== undefined) continue;
    const endpoint = `${dnat.ip}:${dnat.port}`;
    const prev = byEndpoint.get(endpoint);
    byEndpoint.set(endpoint, {
      endpoint,
      ip: dnat.ip,
      port: dnat.port,
      probability: (prev?.probability ?? 0) + probability,
      masquerade: (prev?.masquerade ?? false) || value.state.masquerade,
    });
  }
  return [...byEndpoint.values()];
}

function evaluateWalk<R extends RuleSet>(
  ruleSet: R,
  packet: Packet,
  options: EvaluatePacketOptions,
  walk: Walk<R>,
): PacketResult {
  // The dataplane's question (one connection, no exploration) is answered from memory when it can be.
  if (options.explore === false && walkMemoOn())
    return rememberedWalk(ruleSet, packet, options, (o, decider) =>
      walkOnce(ruleSet, packet, o, walk, decider),
    );
  return walkOnce(ruleSet, packet, options, walk);
}

function walkOnce<R extends RuleSet>(
  ruleSet: R,
  packet: Packet,
  options: EvaluatePacketOptions,
  walk: Walk<R>,
  decider: Decider = randomDecider(options.random),
): PacketResult {
  const actual = walk(ruleSet, packet, options, decider);
  const { state, final } = actual;
  const chosen = state.dnat && final === undefined ? state.dnat : undefined;
  const candidates =
    options.explore === false
      ? candidatesOf([{ value: actual, probability: 1 }])
      : candidatesOf(exploreAll((decider) => walk(ruleSet, packet, options, decider)));
  const masquerade = state.masquerade;
  return {
    verdict: final ?? (chosen ? 'DNAT' : 'ACCEPT'),
    ...(chosen ? { endpoint: chosen } : {}),
    candidates,
    masquerade,
    sourceSeen: masquerade ? (ruleSet.options.nodeIPs[0] ?? packet.srcIP) : packet.srcIP,
    matched: state.matched,
    updates: state.updates,
  };
}

/**
 * Decides what the node's kube-proxy rules do with the first packet of a connection.
 * Pure: randomness, affinity memory, time and ipvs counters are injected, and state
 * changes come back in `updates` for the caller to commit (the dataplane does, a trace
 * does not). Throws if the RuleSet contains a rule kind the evaluator does not know.
 */
export function evaluatePacket(
  ruleSet: RuleSet,
  packet: Packet,
  options: EvaluatePacketOptions,
): PacketResult {
  switch (ruleSet.mode) {
    case 'iptables':
      return evaluateWalk(ruleSet, packet, options, walkIptables);
    case 'nftables':
      return evaluateWalk(ruleSet, packet, options, walkNftables);
    case 'ipvs':
      return evaluateIpvs(ruleSet, packet, options);
    default:
      return assertNever(ruleSet, 'rule set');
  }
}
