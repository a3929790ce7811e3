/**
 * The vocabulary of packet evaluation: the packet as the proxying node sees it, what
 * the caller injects (randomness, affinity memory, clock, ipvs connection counts) and
 * the result both the tracer and the dataplane act on.
 */
import type { Random } from '../../util/random.js';
import type { Protocol } from '../model.js';
import type { Rule } from '../rules.js';

/**
 * Where a packet comes from, relative to the node whose rules evaluate it.
 * `node-local` packets start in the OUTPUT hooks and are `--src-type LOCAL`; all others
 * enter through PREROUTING.
 */
export type SourceRole =
  /** A pod running on this node (enters from its veth). */
  | 'pod-local'
  /** A pod on another node (arrives over the tunnel with its pod IP). */
  | 'pod-remote'
  /** A process of this node itself (host network, `curl` on the node). */
  | 'node-local'
  /** Another node's own address. */
  | 'node-remote'
  /** Anything outside the cluster (the laptop, an external client). */
  | 'external';

/** The first packet of a connection. */
export interface Packet {
  readonly protocol: Protocol;
  readonly srcIP: string;
  readonly srcPort: number;
  readonly dstIP: string;
  readonly dstPort: number;
  readonly source: SourceRole;
}

/**
 * Read access to ClientIP affinity memory (the `recent` module's lists, nftables
 * affinity sets, ipvs persistence templates): when `clientIP` last opened a connection
 * recorded under `name`, in epoch milliseconds.
 */
export interface AffinityView {
  lastSeen(name: string, clientIP: string): number | undefined;
}

/** Connection counts of ipvs real servers, for lc/wlc/sed/nq. */
export interface IpvsConnectionCounts {
  /** Active and inactive connections of real server `ip:port` under virtual server `vsKey`. */
  connections(vsKey: string, realServer: string): { readonly active: number; readonly inactive: number };
  /**
   * Until when (epoch ms) the connections of `clientIP` to `realServer` under `vsKey`
   * keep that persistence template alive: +Infinity while one is open, the end of the
   * last one's TIME_WAIT once all are closed, undefined when there were none.
   */
  controlledUntil?(vsKey: string, realServer: string, clientIP: string): number | undefined;
  /** The real servers (`ip:port`) of `vsKey` that still hold connections, deleted ones included. */
  realServersWithConnections?(vsKey: string): readonly string[];
}

/** Scheduler position of ipvs rr/wrr (the kernel's per-service cursor). */
export interface IpvsCursorView {
  cursor(vsKey: string): IpvsCursor | undefined;
}

/** rr: index of the last chosen server; wrr adds the current weight. */
export interface IpvsCursor {
  readonly index: number;
  readonly weight: number;
}

/** What `evaluatePacket` needs besides the RuleSet and the packet. */
export interface EvaluateOptions {
  /** Drives the statistic and numgen choices (seed it for reproducible traces). */
  readonly random: Random;
  /** Affinity memory; none means no client has history. */
  readonly affinity?: AffinityView;
  /** Epoch milliseconds, for affinity timeouts. @default 0 */
  readonly now?: number;
  /** ipvs only: connection counts per real server. */
  readonly ipvsConnections?: IpvsConnectionCounts;
  /** ipvs only: rr/wrr cursors. */
  readonly ipvsCursors?: IpvsCursorView;
}

/** The outcome of a packet. */
export type Verdict =
  /** Translated to an endpoint. */
  | 'DNAT'
  /** Passed through: no kube-proxy rule took it (or a rule explicitly accepted it). */
  | 'ACCEPT'
  /** Refused: ICMP port unreachable, the client sees connection refused. */
  | 'REJECT'
  /** Silently discarded: the client times out. */
  | 'DROP';

/** One rule the packet matched, in traversal order. */
export interface MatchedRule {
  /** `filter`, `nat`, `ip kube-proxy`, or `ipvs`. */
  readonly table: string;
  readonly chain: string;
  readonly ruleIndex: number;
  readonly rule: Rule;
  /** The ServicePortName behind a hashed chain (`ns1/svc1:p80`), when there is one. */
  readonly humanName?: string;
}

/** A possible endpoint and the probability this packet would get it. */
export interface Candidate {
  /** `ip:port`. */
  readonly endpoint: string;
  readonly ip: string;
  readonly port: number;
  readonly probability: number;
  /** Whether the connection would be masqueraded on that branch. */
  readonly masquerade: boolean;
}

/** A state change the caller commits if it actually opens the connection. */
export type StateUpdate =
  /** `recent --set` / `update @affinity-…` / ipvs persistence: remember the client under `name`. */
  | { readonly kind: 'affinity'; readonly name: string; readonly clientIP: string }
  /** ipvs rr/wrr advanced its cursor. */
  | { readonly kind: 'ipvs-cursor'; readonly vsKey: string; readonly cursor: IpvsCursor };

/** The result of evaluating one packet. */
export interface PacketResult {
  readonly verdict: Verdict;
  /** The chosen endpoint (verdict DNAT). */
  readonly endpoint?: { readonly ip: string; readonly port: number };
  /** Every endpoint the rules could have chosen, with probabilities summing to 1. */
  readonly candidates: readonly Candidate[];
  readonly masquerade: boolean;
  /** The source address the endpoint sees: the node's IP when masqueraded, else the client's. */
  readonly sourceSeen: string;
  readonly matched: readonly MatchedRule[];
  /** Not applied by `evaluatePacket` (it is pure): the dataplane commits them, a trace does not. */
  readonly updates: readonly StateUpdate[];
}

/**
 * How the walker resolves a random choice: the real evaluation draws from `Random`,
 * candidate exploration forks every branch.
 */
export interface Decider {
  /** True with probability `p` (iptables `statistic`). */
  bernoulli(p: number): boolean;
  /** A uniform index in [0, n) (nftables `numgen random mod n`). */
  uniform(n: number): number;
}
