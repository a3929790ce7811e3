/**
 * Walks netfilter chains exactly as the kernel does: rules in order, all matches must
 * hold, `jump` returns unless the target decided, `goto` returns to the caller's
 * caller, ACCEPT ends the current base chain, DROP/REJECT end the packet's journey,
 * DNAT ends the nat base chain. Any match or action kind the walker does not know is
 * an error, never a silent pass (kube-proxy's tracer fails on "unmatched rule").
 */
import { assertNever } from '../../util/assert-never.js';
import { isLocalDestination, isLocalSource, ruleAddressMatches } from '../addresses.js';
import type { ResolvedOptions } from '../options.js';
import type { Action, Chain, Match, Rule } from '../rules.js';
import type { NftElement } from '../ruleset.js';
import type { AffinityView, Decider, MatchedRule, Packet, StateUpdate } from './types.js';

/** Read-only inputs of one walk. */
export interface WalkEnv {
  readonly packet: Packet;
  readonly options: ResolvedOptions;
  readonly affinity: AffinityView | undefined;
  readonly now: number;
  readonly decider: Decider;
  readonly chain: (table: string, name: string) => Chain | undefined;
  readonly element: (container: string, key: readonly string[]) => NftElement | undefined;
}

/** Mutable state of one walk. */
export interface WalkState {
  dstIP: string;
  dstPort: number;
  dnat: { ip: string; port: number } | undefined;
  mark: number;
  masquerade: boolean;
  verdict: 'ACCEPT' | 'DROP' | 'REJECT' | undefined;
  readonly matched: MatchedRule[];
  readonly updates: StateUpdate[];
  depth: number;
}

/** Fresh state for a packet. */
export function newWalkState(packet: Packet): WalkState {
  return {
    dstIP: packet.dstIP,
    dstPort: packet.dstPort,
    dnat: undefined,
    mark: 0,
    masquerade: false,
    verdict: undefined,
    matched: [],
    updates: [],
    depth: 0,
  };
}

/** How a chain ended: it decided (terminal) or control returns to the caller. */
export type ChainResult = 'terminal' | 'return';

function recentlySeen(env: WalkEnv, name: string, seconds: number): boolean {
  const seen = env.affinity?.lastSeen(name, env.packet.srcIP);
  return seen !== undefined && env.now - seen <= seconds * 1000;
}

/** Whether one match holds for the packet in its current state. */
export function matchHolds(m: Match, env: WalkEnv, state: WalkState): boolean {
  const p = env.packet;
  switch (m.kind) {
    case 'comment':
    case 'nfacct':
    case 'recent-set':
      return true;
    case 'protocol':
      return p.protocol.toLowerCase() === m.protocol;
    case 'source':
      return ruleAddressMatches(m.address, p.srcIP, env.options) !== (m.negate ?? false);
    case 'destination':
      return ruleAddressMatches(m.address, state.dstIP, env.options) !== (m.negate ?? false);
    case 'source-in':
      return m.addresses.some((a) => ruleAddressMatches(a, p.srcIP, env.options)) !== (m.negate ?? false);
    case 'destination-in':
      return m.addresses.some((a) => ruleAddressMatches(a, state.dstIP, env.options));
    case 'destination-port':
      return state.dstPort === m.port;
    case 'addrtype':
      return m.direction === 'source' ? isLocalSource(p) : isLocalDestination(state.dstIP, env.options);
    case 'ctstate':
      return (
        m.states.some((s) => s === 'NEW' || (s === 'DNAT' && state.dnat !== undefined)) !==
        (m.negate ?? false)
      );
    case 'mark':
      return ((state.mark & m.value) === m.value) !== (m.negate ?? false);
    case 'statistic':
      return env.decider.bernoulli(1 / m.n);
    case 'recent-check':
      return recentlySeen(env, m.name, m.seconds);
    case 'affinity-set':
      return recentlySeen(env, m.set, m.seconds);
    case 'destination-set':
      return env.element(m.set, [state.dstIP]) !== undefined;
    default:
      return assertNever(m, 'match');
  }
}

function recordSideEffects(r: Rule, env: WalkEnv, state: WalkState): void {
  for (const m of r.matches) {
    if (m.kind === 'recent-set')
      state.updates.push({ kind: 'affinity', name: m.name, clientIP: env.packet.srcIP });
  }
}

function vmapKey(env: WalkEnv, state: WalkState, key: 'daddr-proto-port' | 'proto-port'): string[] {
  const proto = env.packet.protocol.toLowerCase();
  return key === 'daddr-proto-port'
    ? [state.dstIP, proto, String(state.dstPort)]
    : [proto, String(state.dstPort)];
}

/** Gives the rule matched last (the vmap lookup being run) the Service it acts for, unless it has one. */
function nameLastMatch(state: WalkState, humanName: string): void {
  const last = state.matched[state.matched.length - 1];
  if (last && last.humanName === undefined) state.matched[state.matched.length - 1] = { ...last, humanName };
}

/** Runs an action. 'next' continues with the following rule. */
function runAction(a: Action, table: string, env: WalkEnv, state: WalkState): ChainResult | 'next' {
  switch (a.kind) {
    case 'jump':
      return runChain(table, a.chain, env, state) === 'terminal' ? 'terminal' : 'next';
    case 'goto':
      return runChain(table, a.chain, env, state);
    case 'return':
      return 'return';
    case 'accept':
      state.verdict = 'ACCEPT';
      return 'terminal';
    case 'drop':
      state.verdict = 'DROP';
      return 'terminal';
    case 'reject':
      state.verdict = 'REJECT';
      return 'terminal';
    case 'dnat':
      state.dnat = { ip: a.ip, port: a.port };
      return 'terminal';
    case 'mark':
      state.mark = a.op === 'or' ? state.mark | a.value : state.mark ^ a.value;
      return 'next';
    case 'masquerade':
      state.masquerade = true;
      return 'terminal';
    case 'numgen': {
      const target = a.targets[env.decider.uniform(a.targets.length)];
      if (target === undefined) throw new Error('numgen with no targets');
      return runChain(table, target, env, state);
    }
    case 'vmap': {
      const element = env.element(a.map, vmapKey(env, state, a.key));
      if (element?.verdict === undefined) return 'next';
      // A `no-endpoint-*` element carries the ServicePortName as its comment: the
      // matched vmap rule then names the Service as an iptables rule's comment does.
      if (element.comment !== undefined) nameLastMatch(state, element.comment);
      return runAction(element.verdict, table, env, state);
    }
    case 'affinity-update':
      state.updates.push({ kind: 'affinity', name: a.set, clientIP: env.packet.srcIP });
      return 'next';
    default:
      return assertNever(a, 'action');
  }
}

/** Chains longer than this get a destination index (KUBE-SERVICES holds one rule per service address). */
const INDEX_THRESHOLD = 32;

interface ChainIndex {
  /** Rules whose only destination test is one exact address, by that address. */
  readonly byDestination: ReadonlyMap<string, readonly number[]>;
  /** Rules without such an address test but with an exact `--dport` (KUBE-NODEPORTS), by port. */
  readonly byPort: ReadonlyMap<number, readonly number[]>;
  /** Every other rule: always evaluated. */
  readonly always: readonly number[];
}

const chainIndexes = new WeakMap<Chain, ChainIndex>();

function addTo<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function indexOf(chain: Chain): ChainIndex {
  let index = chainIndexes.get(chain);
  if (index) return index;
  const byDestination = new Map<string, number[]>();
  const byPort = new Map<number, number[]>();
  const always: number[] = [];
  chain.rules.forEach((r, i) => {
    const exact = r.matches.find((m) => m.kind === 'destination' && !m.negate && !m.address.includes('/'));
    const port = r.matches.find((m) => m.kind === 'destination-port');
    if (exact?.kind === 'destination') addTo(byDestination, exact.address, i);
    else if (port?.kind === 'destination-port') addTo(byPort, port.port, i);
    else always.push(i);
  });
  index = { byDestination, byPort, always };
  chainIndexes.set(chain, index);
  return index;
}

const NONE: readonly number[] = [];

/** Off only inside `withoutRuleIndex`: tests compare the indexed walk with the plain one. */
let indexing = true;

/**
 * Runs `fn` with every chain walked rule by rule, without the destination index
 * (tests: the index must change nothing but speed).
 */
export function withoutRuleIndex<T>(fn: () => T): T {
  indexing = false;
  try {
    return fn();
  } finally {
    indexing = true;
  }
}

/**
 * The rule indices that can match a packet to `dstIP:dstPort`, in order. Skipping rules
 * whose exact `-d` or `--dport` cannot match changes nothing but speed: the destination
 * does not change within a chain (DNAT ends the chain).
 */
function candidateRules(chain: Chain, dstIP: string, dstPort: number): readonly number[] | undefined {
  if (!indexing || chain.rules.length <= INDEX_THRESHOLD) return undefined;
  const index = indexOf(chain);
  const lists = [index.always, index.byDestination.get(dstIP) ?? NONE, index.byPort.get(dstPort) ?? NONE];
  const at = [0, 0, 0];
  const merged: number[] = [];
  for (;;) {
    let best = -1;
    let value = Number.POSITIVE_INFINITY;
    for (let l = 0; l < 3; l++) {
      const v = (lists[l] as readonly number[])[at[l] as number];
      if (v !== undefined && v < value) {
        value = v;
        best = l;
      }
    }
    if (best < 0) return merged;
    merged.push(value);
    at[best] = (at[best] as number) + 1;
  }
}

/** Runs one chain of `table`. Throws on an unknown chain or a rule loop. */
export function runChain(table: string, name: string, env: WalkEnv, state: WalkState): ChainResult {
  const chain = env.chain(table, name);
  if (!chain) throw new Error(`Rule jumps to unknown chain ${table}/${name}`);
  if (++state.depth > 64) throw new Error(`Chain nesting too deep at ${table}/${name}`);
  try {
    const order = candidateRules(chain, state.dstIP, state.dstPort);
    const count = order?.length ?? chain.rules.length;
    for (let k = 0; k < count; k++) {
      const i = order ? (order[k] as number) : k;
      const r = chain.rules[i] as Rule;
      if (!r.matches.every((m) => matchHolds(m, env, state))) continue;
      const humanName = chain.humanName ?? r.service;
      state.matched.push({ table, chain: name, ruleIndex: i, rule: r, ...(humanName ? { humanName } : {}) });
      recordSideEffects(r, env, state);
      if (r.action === undefined) continue;
      const result = runAction(r.action, table, env, state);
      if (result !== 'next') return result;
    }
    return 'return';
  } finally {
    state.depth--;
  }
}

/** The end of one path: the walk state and the final DROP/REJECT if one stopped the packet. */
export interface WalkOutcome {
  readonly state: WalkState;
  readonly final: 'DROP' | 'REJECT' | undefined;
}

/**
 * Runs one base chain. ACCEPT and falling off the end both let the packet on to the
 * next hook; returns false when the packet was dropped or rejected (state.verdict says which).
 */
export function runBaseChain(table: string, chain: string, env: WalkEnv, state: WalkState): boolean {
  state.verdict = undefined;
  runChain(table, chain, env, state);
  if (state.verdict === 'DROP' || state.verdict === 'REJECT') return false;
  state.verdict = undefined;
  return true;
}

/** Applies a pending DNAT to the destination later hooks see. */
export function applyDnat(state: WalkState): void {
  if (state.dnat) {
    state.dstIP = state.dnat.ip;
    state.dstPort = state.dnat.port;
  }
}

/** The outcome when a hook dropped or rejected the packet. */
export function stopped(state: WalkState): WalkOutcome {
  return { state, final: state.verdict === 'DROP' || state.verdict === 'REJECT' ? state.verdict : undefined };
}
