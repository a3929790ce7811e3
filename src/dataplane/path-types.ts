/**
 * The vocabulary of the path planner (`path.ts`): the tuple and hops a plan
 * reports, who opens the connection, the cluster as the planner reads it
 * (`PathWorld`), the injected choices and state, and the plan itself. The
 * dataplane, the tracer and the flow log all speak it; they import it through
 * `path.ts`.
 */

import type { PolicyConnection, PolicyDirection, PolicyVerdict } from '../cni/policy/index.js';
import type {
  AffinityView,
  Candidate,
  IpvsConnectionCounts,
  IpvsCursorView,
  MatchedRule,
  PacketResult,
  SourceRole,
  StateUpdate,
} from '../proxy/evaluate/types.js';
import type { RuleSet } from '../proxy/ruleset.js';
import type { Random } from '../util/random.js';
import type { L4Protocol } from '../workloads/types.js';

export interface AddrPort {
  readonly ip: string;
  readonly port: number;
}

export interface Tuple {
  readonly src: AddrPort;
  readonly dst: AddrPort;
}

/**
 * Where a hop happens, in the vocabulary of Hubble observation points and
 * Antrea Traceflow observations.
 */
export type HopComponent =
  | 'host'
  | 'node'
  | 'kube-proxy'
  | 'routing'
  | 'tunnel'
  | 'pod'
  | 'ingress'
  | 'dns'
  | 'policy';

/** What the hop did to the packet. */
export type HopAction =
  /** Passed on unchanged (a listener accepted it, a route sent it on). */
  | 'Forwarded'
  /** Addresses rewritten (DNAT to an endpoint, SNAT/masquerade). */
  | 'Translated'
  /** Reached the application socket. */
  | 'Delivered'
  /** Discarded: the client times out. */
  | 'Dropped'
  /** Refused: the client sees connection refused. */
  | 'Rejected';

export interface Hop {
  readonly component: HopComponent;
  readonly action: HopAction;
  /** The node the hop happens on. */
  readonly node?: string;
  /** One line for people: what matched and what it did. */
  readonly summary: string;
  readonly before?: Tuple;
  readonly after?: Tuple;
  /** kube-proxy rules that matched, in traversal order. */
  readonly matched?: readonly MatchedRule[];
  /** Possible endpoints and their probabilities, when the rules chose at random. */
  readonly candidates?: readonly Candidate[];
  /** The route line that matched (`10.244.2.0/26 via 127.0.10.3 dev tunl0 proto bird onlink`). */
  readonly route?: string;
  /** The NetworkPolicy verdict of a `policy` hop: the allowing rule, or the policies of a default deny. */
  readonly policy?: PolicyVerdict;
}

/** Who opens the connection. */
export type Origin =
  /** A simulated pod (its network namespace). */
  | {
      readonly kind: 'pod';
      readonly namespace: string;
      readonly name: string;
      readonly ip: string;
      readonly node: string;
    }
  /** A process in a node's host network namespace (kubelet probes, `netkube curl --from node/…`, the SOCKS gateway). */
  | { readonly kind: 'node'; readonly node: string; readonly ip: string }
  /** The laptop: a real client connecting to a real listener. */
  | { readonly kind: 'host' };

export interface PathRequest {
  readonly origin: Origin;
  readonly protocol: L4Protocol;
  readonly tuple: Tuple;
  /**
   * For host-origin connections: the node whose listener accepted it (the node
   * owning the address, or the node an emulated load balancer chose).
   */
  readonly entryNode?: string;
}

/** A pod as the path sees it. */
export interface PathPod {
  readonly ip: string;
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly veth: string;
}

/** A route as the path needs it: its text and where it leads. */
export type PathRoute =
  | { readonly kind: 'local-pod'; readonly text: string }
  | {
      readonly kind: 'remote';
      readonly text: string;
      readonly node: string;
      readonly encapsulation: 'IPIP' | 'VXLAN' | 'None';
      readonly dev: string;
      /**
       * The address the node's kernel picks as source for this route: the
       * tunnel device's own address (`tunl0` / `vxlan.calico`); undefined when
       * the route leaves by the node's interface (its InternalIP).
       */
      readonly src?: string | undefined;
    }
  | { readonly kind: 'blackhole'; readonly text: string }
  | { readonly kind: 'other'; readonly text: string };

/** The cluster as the path planner reads it. */
export interface PathWorld {
  /** Node name owning an address (node InternalIPs). */
  nodeByAddress(ip: string): string | undefined;
  /** The node's InternalIP. */
  nodeAddress(node: string): string | undefined;
  /** Whether the node is up (a stopped node answers nothing). */
  nodeUp(node: string): boolean;
  ruleSet(node: string): RuleSet | undefined;
  evaluate(
    ruleSet: RuleSet,
    packet: Parameters<EvaluateFn>[1],
    options: Parameters<EvaluateFn>[2],
  ): PacketResult;
  podByIP(ip: string): PathPod | undefined;
  /** The route the node uses for `ip`, rendered, with where it leads. */
  route(node: string, ip: string): PathRoute | undefined;
  /** Whether something listens on `protocol/port` in the pod's network namespace. */
  podListening(ip: string, protocol: L4Protocol, port: number): boolean;
  /** Whether `ip` is inside the cluster's pod subnet. */
  inPodSubnet(ip: string): boolean;
  /** Whether `ip` is inside the service subnet. */
  inServiceSubnet(ip: string): boolean;
  /** The virtual address standing for the laptop (`host.netkube.internal`). */
  readonly hostGatewayIP: string;
  /**
   * Calico's natOutgoing (cni/nat-outgoing.ts): whether a packet from `srcIP`
   * to `dstIP` is masqueraded to its node's address as it leaves the node (a
   * pod of a natOutgoing pool sending to an address outside every pool: a
   * node's address, the laptop, the internet). Optional: a world without it
   * never applies natOutgoing.
   */
  natOutgoing?(srcIP: string, dstIP: string): boolean;
  /**
   * NetworkPolicy (cni/policy): whether `direction` lets the connection
   * through at its pod end; `connection` is the first packet as Calico's
   * policy sees it there. Optional: a world without it enforces no policy,
   * exactly as before NetworkPolicy support.
   */
  policy?(direction: PolicyDirection, connection: PolicyConnection): PolicyVerdict;
  /**
   * Whether any NetworkPolicy exists. False lets the path skip `policy` (with no
   * policy nothing is isolated: every verdict would allow and select nothing).
   */
  hasPolicies?(): boolean;
}

type EvaluateFn = (
  ruleSet: RuleSet,
  packet: {
    protocol: L4Protocol;
    srcIP: string;
    srcPort: number;
    dstIP: string;
    dstPort: number;
    source: SourceRole;
  },
  options: PathChoices,
) => PacketResult;

/** Injected choices and state. */
export interface PathChoices {
  readonly random: Random;
  readonly affinity?: AffinityView;
  readonly now?: number;
  readonly ipvsConnections?: IpvsConnectionCounts;
  readonly ipvsCursors?: IpvsCursorView;
  /** List every candidate endpoint (the tracer does; the hot path need not). */
  readonly explore?: boolean;
}

export interface PathOptions extends PathChoices {
  /** A fresh ephemeral port on an address (for SNAT). */
  readonly allocatePort: (ip: string) => number;
  /** Build the hop list (traces and flow records need it; the hot path may skip it). @default true */
  readonly hops?: boolean;
}

/** Where the connection ends up. */
export type PathOutcome =
  /** Delivered into a pod's network namespace: hand the connection to the app bound there. */
  | { readonly kind: 'pod'; readonly pod: PathPod }
  /** A process outside the virtual network: open a real socket to `ip:port`. */
  | { readonly kind: 'host'; readonly ip: string; readonly port: number; readonly reason: string }
  /** The client sees connection refused. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The client times out. */
  | { readonly kind: 'dropped'; readonly reason: string };

export interface PathPlan {
  readonly outcome: PathOutcome;
  /** The tuple as the receiver sees it (after DNAT and SNAT). */
  readonly seen: Tuple;
  readonly hops: readonly Hop[];
  /** The Service port that translated the connection (`ns/name:port`). */
  readonly service: string | undefined;
  readonly masquerade: boolean;
  /** Node whose kube-proxy translated the connection. */
  readonly proxyNode: string | undefined;
  /** The Service address the connection was sent to before DNAT (ClusterIP, NodePort, VIP). */
  readonly serviceAddress: AddrPort | undefined;
  readonly candidates: readonly Candidate[];
  readonly updates: readonly StateUpdate[];
  /** Calico's natOutgoing SNAT, when the packet left a node with its pod source rewritten. */
  readonly natOutgoing?: NatOutgoing | undefined;
}

/**
 * Emitted when Calico's natOutgoing masqueraded the connection as it left
 * `node` (`cali-nat-outgoing`): the source `from` (a pod's address) became
 * `to` (the node's). Every node after `node` sees `to`.
 */
export interface NatOutgoing {
  readonly node: string;
  readonly from: AddrPort;
  readonly to: AddrPort;
}
