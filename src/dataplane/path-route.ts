/**
 * A node's part of the path planner, and routing over the pod network: the
 * node runs its kube-proxy rules on the packet (`path-kube-proxy.ts`), checks
 * the source pod's egress policy, then routes what comes out — to a pod on
 * this node (veth) or another (tunnel: IPIP, VXLAN or none), to another node
 * (whose own rules run in turn), to a process on this node, to the laptop, or
 * out of the cluster, Calico's natOutgoing rewriting a pod source on the way
 * out of the pools — and delivers into the pod's network namespace after its
 * ingress policy.
 */

import type { SourceRole } from '../proxy/evaluate/types.js';
import type { L4Protocol } from '../workloads/types.js';
import { applyVerdict } from './path-kube-proxy.js';
import { enforcePolicy, ingressSource } from './path-policy.js';
import type { PathOptions, PathOutcome, PathPod, PathRequest, PathWorld } from './path-types.js';
import { fmt, hop, isLoopback, type Walk } from './path-walk.js';

/** Runs the node's kube-proxy rules, then routes what comes out. `depth` bounds node-to-node re-entry. */
export function fromNode(
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

/**
 * Where `node` sends the walk's destination once its rules are done: into a
 * pod, on to the node owning the address, to a process of its own, to the
 * laptop; other addresses in `noPodAt` and `routeOffCluster`.
 */
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
    leaveNode(world, options, walk, node);
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
    leaveNode(world, options, walk, node);
    hop(walk, () => ({
      component: 'host',
      action: 'Forwarded',
      node,
      summary: `to the laptop (host.netkube.internal) port ${dst.port}`,
      before: walk.tuple,
    }));
    return { kind: 'host', ip: '127.0.0.1', port: dst.port, reason: 'host.netkube.internal' };
  }
  if (world.inPodSubnet(dst.ip)) return noPodAt(world, walk, node);
  return routeOffCluster(world, options, walk, node);
}

/**
 * Calico's natOutgoing as the packet leaves `node` (`cali-nat-outgoing` in nat
 * POSTROUTING, calico.md §2.3): a pod's packet to an address outside every IP
 * pool — another node's address, the laptop, the internet — leaves with the
 * node's address, the one of eth0 it leaves by (such addresses are never
 * behind a tunnel). Every node after this one sees the node, not the pod: to
 * another node's NodePort it is external traffic there, so
 * `externalTrafficPolicy: Local` applies (kube-proxy.md §2.7, cross-node
 * caveat). A packet kube-proxy already masqueraded has a node source, which no
 * pool holds; a packet to its own node's address is delivered locally and
 * never reaches POSTROUTING.
 */
function leaveNode(world: PathWorld, options: PathOptions, walk: Walk, node: string): void {
  const before = walk.tuple;
  if (!world.natOutgoing?.(before.src.ip, before.dst.ip)) return;
  const ip = world.nodeAddress(node);
  if (ip === undefined) return;
  const to = { ip, port: options.allocatePort(ip) };
  walk.tuple = { src: to, dst: before.dst };
  walk.natOutgoing = { node, from: before.src, to };
  hop(walk, () => ({
    component: 'routing',
    action: 'Translated',
    node,
    summary: `natOutgoing (cali-nat-outgoing): SNAT ${fmt(before.src)} → ${fmt(to)}, as ${before.dst.ip} is outside every IP pool`,
    before,
    after: walk.tuple,
  }));
}

/** The hop of a route line that sent the packet on from `node`. */
function routeHop(walk: Walk, node: string, route: string): void {
  hop(walk, () => ({
    component: 'routing',
    action: 'Forwarded',
    node,
    summary: route,
    route,
    before: walk.tuple,
  }));
}

/**
 * An address in the pod subnet that no pod has: dropped where its route ends,
 * on the node owning its block (a remote route) or on this node.
 */
function noPodAt(world: PathWorld, walk: Walk, node: string): PathOutcome {
  const dst = walk.tuple.dst;
  const r = world.route(node, dst.ip);
  if (r?.kind === 'remote') {
    routeHop(walk, node, r.text);
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

/**
 * An address no pod and no node has, outside the pod subnet: a service-subnet
 * address without a kube-proxy rule is lost on the default route, the node's
 * loopback is the laptop's, anything else leaves the cluster (a pod's packet
 * masqueraded by natOutgoing).
 */
function routeOffCluster(world: PathWorld, options: PathOptions, walk: Walk, node: string): PathOutcome {
  const dst = walk.tuple.dst;
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
  leaveNode(world, options, walk, node);
  hop(walk, () => ({
    component: 'routing',
    action: 'Forwarded',
    node,
    summary: `to ${dst.ip} outside the cluster (default route)`,
    before: walk.tuple,
  }));
  return { kind: 'host', ip: dst.ip, port: dst.port, reason: 'outside the cluster' };
}

/**
 * From `node` to `pod`: straight to its veth when the pod is local, else by
 * the route to the pod's node and over the tunnel (a down node drops it).
 */
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
    if (r) routeHop(walk, node, r.text);
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

/**
 * Into `pod`'s network namespace: by `lo` (the pod to itself: no route, no
 * policy), or by the pod's route on its node after its ingress policy.
 * Refused when nothing listens on the destination port.
 */
export function deliver(
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
