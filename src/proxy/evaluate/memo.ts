/**
 * Remembered walks: the dataplane evaluates the first packet of every new
 * connection, and a walk through a node's chains is the same for every
 * connection of one client to one Service port until the rules change — except
 * for the random choices (`statistic`, `numgen`) and what affinity memory says.
 *
 * So the result of a walk is remembered per RuleSet (RuleSets are immutable:
 * every sync makes a new one) and per packet class — protocol, source role,
 * source address, destination address and port, everything the walker reads of
 * a packet — as a tree of the random choices the walk made: a fork per draw
 * (its kind and argument), a leaf per result. A lookup draws from the same
 * random stream exactly as the walk would (same calls, same order, same
 * arguments) and follows the tree; a branch not seen yet is walked with the
 * draws already made replayed, then added. The result and the stream's state
 * afterwards are exactly those of a full walk; only the walking is skipped.
 *
 * A walk that consulted affinity memory (`recent --rcheck`, nftables affinity
 * sets) depends on time and on earlier connections: its packet class is marked
 * volatile and always walked in full. ipvs is not walked (`evaluateIpvs`
 * reads connection counts and cursors) and never comes here.
 */
import type { RuleSet } from '../ruleset.js';
import type { AffinityView, Decider, EvaluateOptions, Packet, PacketResult } from './types.js';

type Choice = boolean | number;

interface Leaf {
  readonly kind: 'leaf';
  readonly result: PacketResult;
}

interface Fork {
  readonly kind: 'bernoulli' | 'uniform';
  /** `p` of a Bernoulli draw, `n` of a uniform one. */
  readonly arg: number;
  readonly next: Map<Choice, Node>;
}

type Node = Leaf | Fork | 'volatile';

/** Packet classes remembered per RuleSet before the memory starts over (many distinct clients). */
export const MEMO_CLASSES_PER_RULESET = 4096;

const memos = new WeakMap<RuleSet, Map<string, Node>>();

/** Off only inside `withoutWalkMemo`: tests compare remembered walks with full ones. */
let remembering = true;

/** Runs `fn` with every walk done in full (tests: the memory must change nothing but speed). */
export function withoutWalkMemo<T>(fn: () => T): T {
  remembering = false;
  try {
    return fn();
  } finally {
    remembering = true;
  }
}

/** Whether walks are remembered now. */
export function walkMemoOn(): boolean {
  return remembering;
}

function classOf(packet: Packet): string {
  return `${packet.protocol}|${packet.source}|${packet.srcIP}|${packet.dstIP}|${packet.dstPort}`;
}

interface Taken {
  readonly kind: 'bernoulli' | 'uniform';
  readonly arg: number;
  readonly choice: Choice;
}

/**
 * The result `run` would give for `packet`, from memory when this packet class
 * and these draws were walked before. `run` must be the full walk with
 * `explore` off, drawing only through the decider it is given (or, given none,
 * from `options.random` as the kernel would) and reading affinity only through
 * `options.affinity`.
 */
export function rememberedWalk<O extends EvaluateOptions>(
  ruleSet: RuleSet,
  packet: Packet,
  options: O,
  run: (options: O, decider?: Decider) => PacketResult,
): PacketResult {
  let memo = memos.get(ruleSet);
  if (!memo) {
    memo = new Map();
    memos.set(ruleSet, memo);
  }
  const key = classOf(packet);
  const random = options.random;
  let node = memo.get(key);
  if (node === 'volatile') return run(options);
  let drawn: Choice[] | undefined;
  while (node !== undefined && node !== 'volatile' && node.kind !== 'leaf') {
    const choice = node.kind === 'bernoulli' ? random.float() < node.arg : random.int(node.arg);
    if (drawn) drawn.push(choice);
    else drawn = [choice];
    node = node.next.get(choice);
  }
  if (node !== undefined && node !== 'volatile') return node.result;

  // Not seen yet: walk, replaying the draws made above, then drawing as the walk would.
  const replay = drawn ?? [];
  const taken: Taken[] = [];
  let volatile = false;
  const recording: Decider = {
    bernoulli(p) {
      const i = taken.length;
      const choice = i < replay.length ? (replay[i] as boolean) : random.float() < p;
      taken.push({ kind: 'bernoulli', arg: p, choice });
      return choice;
    },
    uniform(n) {
      const i = taken.length;
      const choice = i < replay.length ? (replay[i] as number) : random.int(n);
      taken.push({ kind: 'uniform', arg: n, choice });
      return choice;
    },
  };
  const affinity: AffinityView = {
    lastSeen(name, clientIP) {
      volatile = true;
      return options.affinity?.lastSeen(name, clientIP);
    },
  };
  const result = run({ ...options, affinity }, recording);
  if (memo.size >= MEMO_CLASSES_PER_RULESET && !memo.has(key)) memo.clear();
  if (volatile || !insert(memo, key, taken, freezeResult(result))) memo.set(key, 'volatile');
  return result;
}

/** Adds the branch `taken` → `result`; false when the walk did not draw as the tree says (never expected). */
function insert(
  memo: Map<string, Node>,
  key: string,
  taken: readonly Taken[],
  result: PacketResult,
): boolean {
  const leaf: Leaf = { kind: 'leaf', result };
  let node = memo.get(key);
  if (taken.length === 0) {
    if (node !== undefined) return false;
    memo.set(key, leaf);
    return true;
  }
  const first = taken[0] as Taken;
  if (node === undefined) {
    node = { kind: first.kind, arg: first.arg, next: new Map() };
    memo.set(key, node);
  }
  for (let i = 0; i < taken.length; i++) {
    const step = taken[i] as Taken;
    if (node === undefined || node === 'volatile' || node.kind === 'leaf') return false;
    if (node.kind !== step.kind || node.arg !== step.arg) return false;
    const following = taken[i + 1];
    let child = node.next.get(step.choice);
    if (following === undefined) {
      if (child !== undefined) return false;
      node.next.set(step.choice, leaf);
      return true;
    }
    if (child === undefined) {
      child = { kind: following.kind, arg: following.arg, next: new Map() };
      node.next.set(step.choice, child);
    }
    node = child;
  }
  return false;
}

/** Results handed out more than once must not change: frozen, with their lists. */
function freezeResult(result: PacketResult): PacketResult {
  Object.freeze(result.candidates);
  Object.freeze(result.matched);
  Object.freeze(result.updates);
  return Object.freeze(result);
}
