/**
 * What happens to a new connection, hop by hop: the single decision function
 * the dataplane executes for real sockets and the tracer explains. It composes
 * the node's kube-proxy rules (`evaluatePacket`), the node's routes (Calico
 * routes from cni/), encapsulation between nodes, and delivery to the pod's
 * network namespace — returning the outcome, the tuple the receiver sees, and
 * every hop with the addresses before and after it.
 *
 * NetworkPolicy, when the world has it (`PathWorld.policy`), is checked where
 * Calico checks it: the source pod's egress on its node after kube-proxy's
 * DNAT and before routing, the destination pod's ingress on its node before
 * delivery (calico.md §2.3, §2.5, §4.1.8); a denial is a `policy` hop and a
 * `dropped` outcome.
 *
 * Pure: the cluster is read through `PathWorld`; randomness, affinity memory,
 * time and ephemeral ports are injected; state changes (affinity, ipvs cursors)
 * come back in `updates` for the executor to commit.
 */

import { isEmulatedRoutableAddress } from '../api/validation/ip.js';
import {
  explainPolicy,
  type PolicyConnection,
  type PolicyDirection,
  type PolicyVerdict,
} from '../cni/policy/index.js';
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
}

/** Records a hop when the walk records hops; the closure keeps string building off the hot path. */
function hop(walk: Walk, make: () => Hop): void {
  if (walk.record) walk.hops.push(make());
}

function fmt(a: AddrPort): string {
  return `${a.ip}:${a.port}`;
}

/** 127/8, less the ranges netkube emulates as routable (node addresses, the load-balancer pool). */
function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') && !isEmulatedRoutableAddress(ip);
}

interface Walk {
  readonly record: boolean;
  readonly hops: Hop[];
  tuple: Tuple;
  service: string | undefined;
  masquerade: boolean;
  proxyNode: string | undefined;
  serviceAddress: AddrPort | undefined;
  candidates: readonly Candidate[];
  updates: StateUpdate[];
  /** The source before kube-proxy's masquerade (what policy on the DNAT node sees, see `ingressSource`). */
  unmasqueraded: AddrPort | undefined;
}

/** Plans a new connection. Never throws on cluster state; unreachable ends are outcomes. */
export function planPath(world: PathWorld, request: PathRequest, options: PathOptions): PathPlan {
  const walk: Walk = {
    record: options.hops !== false,
    hops: [],
    tuple: request.tuple,
    service: undefined,
    masquerade: false,
    proxyNode: undefined,
    serviceAddress: undefined,
    candidates: [],
    updates: [],
    unmasqueraded: undefined,
  };
  const outcome = planFrom(world, request, options, walk);
  return {
    outcome,
    seen: walk.tuple,
    hops: walk.hops,
    service: walk.service,
    masquerade: walk.masquerade,
    proxyNode: walk.proxyNode,
    serviceAddress: walk.serviceAddress,
    candidates: walk.candidates,
    updates: walk.updates,
  };
}

function planFrom(world: PathWorld, request: PathRequest, options: PathOptions, walk: Walk): PathOutcome {
  const { origin } = request;
  const dst = request.tuple.dst;
  if (origin.kind === 'pod') {
    hop(walk, () => ({
      component: 'pod',
      action: 'Forwarded',
      node: origin.node,
      summary: `${origin.namespace}/${origin.name} sends from eth0 (${origin.ip})`,
      before: walk.tuple,
    }));
    // Inside the pod's own network namespace: loopback and its own address never leave it.
    if ((isLoopback(dst.ip) && world.nodeByAddress(dst.ip) === undefined) || dst.ip === origin.ip) {
      const pod = world.podByIP(origin.ip);
      if (!pod) return { kind: 'dropped', reason: 'the pod has no network' };
      walk.tuple = {
        src: { ip: dst.ip === origin.ip ? origin.ip : '127.0.0.1', port: request.tuple.src.port },
        dst,
      };
      return deliver(world, pod, request.protocol, walk, 'lo');
    }
    return fromNode(world, request, options, walk, origin.node, 'pod-local', 0);
  }
  if (origin.kind === 'node') {
    // The node's kernel picks the source by the route to the destination: to a pod on
    // another node over a tunnel, the tunnel device's address.
    const src = egressAddress(world, origin.node, dst.ip);
    if (src !== undefined && src !== walk.tuple.src.ip)
      walk.tuple = { src: { ...walk.tuple.src, ip: src }, dst };
    return fromNode(world, request, options, walk, origin.node, 'node-local', 0);
  }
  const node = request.entryNode ?? world.nodeByAddress(dst.ip);
  if (!node) return { kind: 'dropped', reason: `no node owns ${dst.ip}` };
  if (!world.nodeUp(node)) return { kind: 'dropped', reason: `node ${node} is down` };
  const srcNode = world.nodeByAddress(request.tuple.src.ip);
  const role: SourceRole =
    srcNode === undefined ? 'external' : srcNode === node ? 'node-local' : 'node-remote';
  hop(walk, () => ({
    component: 'node',
    action: 'Forwarded',
    node,
    summary: `${node} accepts ${fmt(dst)} from ${fmt(request.tuple.src)}`,
    before: walk.tuple,
  }));
  return fromNode(world, request, options, walk, node, role, 0);
}

/** Runs the node's kube-proxy rules, then routes what comes out. `depth` bounds node-to-node re-entry. */
function fromNode(
  world: PathWorld,
  request: PathRequest,
  options: PathOptions,
  walk: Walk,
  node: string,
  role: SourceRole,
  depth: number,
): PathOutcome {
  const ruleSet = world.ruleSet(node);
  const before = walk.tuple;
  if (ruleSet) {
    const result = world.evaluate(
      ruleSet,
      {
        protocol: request.protocol,
        srcIP: before.src.ip,
        srcPort: before.src.port,
        dstIP: before.dst.ip,
        dstPort: before.dst.port,
        source: role,
      },
      options,
    );
    const verdictOutcome = applyVerdict(world, node, result, options, walk);
    if (verdictOutcome) return verdictOutcome;
  }
  // The source pod's egress policy, on its own node: after kube-proxy's DNAT (nat PREROUTING runs
  // before Calico's filter chains, so policy sees the endpoint pod and its target port) and before
  // routing. Its own address, not a masquerade (SNAT happens later, in POSTROUTING).
  if (depth === 0 && request.origin.kind === 'pod') {
    const denied = enforcePolicy(world, 'Egress', request.protocol, walk, node, request.tuple.src);
    if (denied) return denied;
  }
  return route(world, request, options, walk, node, depth);
}

/** Remembered walks hand out one result many times: what is read of it, once per result. */
const chainsRead = new WeakMap<PacketResult, string>();
const servicesRead = new WeakMap<PacketResult, string | undefined>();

/** The chains the packet went through, for a hop's summary (built only when hops are recorded). */
function chainsOf(result: PacketResult): string {
  let chains = chainsRead.get(result);
  if (chains === undefined) {
    chains = [...new Set(result.matched.map((m) => m.chain))].join(' → ');
    chainsRead.set(result, chains);
  }
  return chains;
}

function serviceOf(result: PacketResult): string | undefined {
  if (servicesRead.has(result)) return servicesRead.get(result);
  const service = result.matched.find((m) => m.humanName)?.humanName;
  servicesRead.set(result, service);
  return service;
}

function applyVerdict(
  world: PathWorld,
  node: string,
  result: PacketResult,
  options: PathOptions,
  walk: Walk,
): PathOutcome | undefined {
  const before = walk.tuple;
  const service = serviceOf(result);
  if (result.verdict === 'REJECT' || result.verdict === 'DROP') {
    // The flow still names the Service it was refused for (Hubble's destination_service).
    walk.service = service;
    walk.proxyNode = node;
    walk.serviceAddress = before.dst;
  }
  switch (result.verdict) {
    case 'REJECT':
      hop(walk, () => ({
        component: 'kube-proxy',
        action: 'Rejected',
        node,
        summary: `${chainsOf(result)}: REJECT${service ? ` (${service} has no endpoints)` : ''}`,
        before,
        matched: result.matched,
      }));
      return {
        kind: 'refused',
        reason: service ? `service ${service} has no endpoints` : 'rejected by kube-proxy rules',
      };
    case 'DROP':
      hop(walk, () => ({
        component: 'kube-proxy',
        action: 'Dropped',
        node,
        summary: `${chainsOf(result)}: DROP${service ? ` (${service})` : ''}`,
        before,
        matched: result.matched,
      }));
      return {
        kind: 'dropped',
        reason: service ? `kube-proxy drops traffic to ${service} on ${node}` : 'dropped by kube-proxy rules',
      };
    case 'ACCEPT':
      return undefined;
    case 'DNAT': {
      const ep = result.endpoint as AddrPort;
      const snatIP = result.masquerade ? masqueradeAddress(world, node, ep.ip, before.src.ip) : '';
      const src = result.masquerade ? { ip: snatIP, port: options.allocatePort(snatIP) } : before.src;
      walk.tuple = { src, dst: { ip: ep.ip, port: ep.port } };
      walk.service = service;
      walk.masquerade = result.masquerade;
      walk.proxyNode = node;
      walk.serviceAddress = before.dst;
      walk.unmasqueraded = result.masquerade ? before.src : undefined;
      walk.candidates = result.candidates;
      for (const u of result.updates) walk.updates.push(u);
      const snat = result.masquerade ? `, SNAT to ${fmt(src)} (masquerade)` : ', source kept';
      hop(walk, () => ({
        component: 'kube-proxy',
        action: 'Translated',
        node,
        summary: `${chainsOf(result)}: DNAT ${fmt(before.dst)} → ${fmt(ep)}${snat}${service ? ` [${service}]` : ''}`,
        before,
        after: walk.tuple,
        matched: result.matched,
        candidates: result.candidates,
      }));
      return undefined;
    }
  }
}

/**
 * The source `MASQUERADE` writes: the address of the interface the packet
 * leaves by, as the kernel picks it after routing (POSTROUTING). To a pod on
 * another node over IPIP or VXLAN that is the tunnel device's address (what
 * a Calico cluster's pods see for masqueraded traffic from other nodes);
 * otherwise the node's own address.
 */
function masqueradeAddress(world: PathWorld, node: string, endpointIP: string, fallback: string): string {
  return egressAddress(world, node, endpointIP) ?? world.nodeAddress(node) ?? fallback;
}

/** The tunnel address `node` sends from toward a pod on another node; undefined otherwise. */
function egressAddress(world: PathWorld, node: string, ip: string): string | undefined {
  const pod = world.podByIP(ip);
  if (!pod || pod.node === node) return undefined;
  const r = world.route(node, ip);
  return r?.kind === 'remote' ? r.src : undefined;
}

function route(
  world: PathWorld,
  request: PathRequest,
  options: PathOptions,
  walk: Walk,
  node: string,
  depth: number,
): PathOutcome {
  const dst = walk.tuple.dst;
  const pod = world.podByIP(dst.ip);
  if (pod) return routeToPod(world, request, walk, node, pod);
  const owner = world.nodeByAddress(dst.ip);
  if (owner && owner !== node) {
    if (depth > 2) return { kind: 'dropped', reason: 'routing loop' };
    if (!world.nodeUp(owner)) return { kind: 'dropped', reason: `node ${owner} is down` };
    hop(walk, () => ({
      component: 'routing',
      action: 'Forwarded',
      node,
      summary: `to node ${owner} (${dst.ip}) over the node network`,
      before: walk.tuple,
    }));
    const fromPod = world.inPodSubnet(walk.tuple.src.ip);
    return fromNode(world, request, options, walk, owner, fromPod ? 'pod-remote' : 'node-remote', depth + 1);
  }
  if (owner === node) {
    hop(walk, () => ({
      component: 'node',
      action: 'Delivered',
      node,
      summary: `to a process on ${node} listening on ${fmt(dst)}`,
      before: walk.tuple,
    }));
    return { kind: 'host', ip: dst.ip, port: dst.port, reason: `host network of ${node}` };
  }
  if (dst.ip === world.hostGatewayIP) {
    hop(walk, () => ({
      component: 'host',
      action: 'Forwarded',
      node,
      summary: `to the laptop (host.netkube.internal) port ${dst.port}`,
      before: walk.tuple,
    }));
    return { kind: 'host', ip: '127.0.0.1', port: dst.port, reason: 'host.netkube.internal' };
  }
  if (world.inPodSubnet(dst.ip)) {
    const r = world.route(node, dst.ip);
    if (r?.kind === 'remote') {
      hop(walk, () => ({
        component: 'routing',
        action: 'Forwarded',
        node,
        summary: r.text,
        route: r.text,
        before: walk.tuple,
      }));
      hop(walk, () => ({
        component: 'routing',
        action: 'Dropped',
        node: r.node,
        summary: `no pod has ${dst.ip}: blackhole on ${r.node}`,
      }));
      return { kind: 'dropped', reason: `no pod has ${dst.ip}` };
    }
    hop(walk, () => ({
      component: 'routing',
      action: 'Dropped',
      node,
      summary: r ? `${r.text}: no pod has ${dst.ip}` : `no route to ${dst.ip}`,
      route: r?.text ?? '',
    }));
    return { kind: 'dropped', reason: `no pod has ${dst.ip}` };
  }
  if (world.inServiceSubnet(dst.ip)) {
    hop(walk, () => ({
      component: 'routing',
      action: 'Dropped',
      node,
      summary: `no kube-proxy rule for ${fmt(dst)}: the packet leaves by the default route and is lost`,
      before: walk.tuple,
    }));
    return { kind: 'dropped', reason: `no Service port ${fmt(dst)}` };
  }
  if (isLoopback(dst.ip)) {
    hop(walk, () => ({
      component: 'node',
      action: 'Delivered',
      node,
      summary: `to ${fmt(dst)} on the node's loopback (the laptop)`,
      before: walk.tuple,
    }));
    return { kind: 'host', ip: dst.ip, port: dst.port, reason: 'node loopback' };
  }
  hop(walk, () => ({
    component: 'routing',
    action: 'Forwarded',
    node,
    summary: `to ${dst.ip} outside the cluster (default route, natOutgoing)`,
    before: walk.tuple,
  }));
  return { kind: 'host', ip: dst.ip, port: dst.port, reason: 'outside the cluster' };
}

function routeToPod(
  world: PathWorld,
  request: PathRequest,
  walk: Walk,
  node: string,
  pod: PathPod,
): PathOutcome {
  if (pod.node !== node) {
    const r = world.route(node, pod.ip);
    if (!world.nodeUp(pod.node)) {
      hop(walk, () => ({
        component: 'routing',
        action: 'Dropped',
        node,
        summary: `${r?.text ?? pod.ip}: node ${pod.node} is down`,
        ...(r ? { route: r.text } : {}),
      }));
      return { kind: 'dropped', reason: `node ${pod.node} is down` };
    }
    if (r)
      hop(walk, () => ({
        component: 'routing',
        action: 'Forwarded',
        node,
        summary: r.text,
        route: r.text,
        before: walk.tuple,
      }));
    const encapsulation = r?.kind === 'remote' ? r.encapsulation : 'None';
    const dev = r?.kind === 'remote' ? r.dev : 'eth0';
    const outer = `${world.nodeAddress(node) ?? node} → ${world.nodeAddress(pod.node) ?? pod.node}`;
    hop(walk, () => ({
      component: 'tunnel',
      action: 'Forwarded',
      node,
      summary:
        encapsulation === 'None'
          ? `${dev} to ${pod.node} (no encapsulation)`
          : `${dev}: ${encapsulation} ${outer} to ${pod.node}`,
    }));
  }
  return deliver(world, pod, request.protocol, walk, pod.node === node ? 'veth' : 'remote');
}

function deliver(
  world: PathWorld,
  pod: PathPod,
  protocol: L4Protocol,
  walk: Walk,
  via: 'lo' | 'veth' | 'remote',
): PathOutcome {
  const dst = walk.tuple.dst;
  if (via !== 'lo') {
    const r = world.route(pod.node, pod.ip);
    hop(walk, () => ({
      component: 'routing',
      action: 'Forwarded',
      node: pod.node,
      summary: r?.text ?? `${pod.ip} dev ${pod.veth} scope link`,
      route: r?.text ?? '',
      before: walk.tuple,
    }));
    // The destination pod's ingress policy, on its node, before the packet reaches the pod: a
    // denied packet is dropped even when nothing listens (timeout, not refused).
    const denied = enforcePolicy(world, 'Ingress', protocol, walk, pod.node, ingressSource(walk, pod));
    if (denied) return denied;
  }
  if (!world.podListening(pod.ip, protocol, dst.port)) {
    hop(walk, () => ({
      component: 'pod',
      action: 'Rejected',
      node: pod.node,
      summary: `nothing listens on ${protocol} ${dst.port} in ${pod.namespace}/${pod.name}: connection refused`,
    }));
    return { kind: 'refused', reason: `nothing listens on ${fmt(dst)} (${pod.namespace}/${pod.name})` };
  }
  hop(walk, () => ({
    component: 'pod',
    action: 'Delivered',
    node: pod.node,
    summary: `${pod.namespace}/${pod.name} eth0 ${fmt(dst)} accepts from ${fmt(walk.tuple.src)}${via === 'lo' ? ' (loopback)' : ` via ${pod.veth}`}`,
    after: walk.tuple,
  }));
  return { kind: 'pod', pod };
}

/**
 * The source the destination pod's ingress policy sees. kube-proxy marks for
 * masquerade in nat PREROUTING but rewrites the source only in POSTROUTING,
 * after Calico's filter chains: when the DNAT happened on the pod's own node,
 * policy sees the client's address; when it happened on another node, the
 * packet arrives already masqueraded to that node's address.
 */
function ingressSource(walk: Walk, pod: PathPod): AddrPort {
  return walk.masquerade && walk.proxyNode === pod.node && walk.unmasqueraded
    ? walk.unmasqueraded
    : walk.tuple.src;
}

/**
 * Asks the world's NetworkPolicy, when it has one, whether `direction` lets
 * the connection through on `node` (source `src`, destination as the walk now
 * has it). Records a `policy` hop only when a policy selects the pod end, so
 * clusters without policies trace exactly as before. A denial is `dropped`:
 * Calico's default tier ends in Deny, which Felix renders as DROP (calico.md
 * §4.2), so the client times out rather than being refused.
 */
function enforcePolicy(
  world: PathWorld,
  direction: PolicyDirection,
  protocol: L4Protocol,
  walk: Walk,
  node: string,
  src: AddrPort,
): PathOutcome | undefined {
  if (!world.policy || world.hasPolicies?.() === false) return undefined;
  const dst = walk.tuple.dst;
  const verdict = world.policy(direction, {
    protocol,
    srcIP: src.ip,
    srcPort: src.port,
    dstIP: dst.ip,
    dstPort: dst.port,
  });
  if (verdict.allowed) {
    if (verdict.selectedBy.length > 0)
      hop(walk, () => ({
        component: 'policy',
        action: 'Forwarded',
        node,
        summary: `${direction}: ${explainPolicy(verdict)}`,
        before: walk.tuple,
        policy: verdict,
      }));
    return undefined;
  }
  const reason = explainPolicy(verdict);
  hop(walk, () => ({
    component: 'policy',
    action: 'Dropped',
    node,
    summary: `${direction}: ${reason}`,
    before: walk.tuple,
    policy: verdict,
  }));
  return { kind: 'dropped', reason: `${direction.toLowerCase()} ${reason}` };
}
