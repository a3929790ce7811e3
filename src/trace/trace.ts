/**
 * `traceConnection`: the full story of one connection before anything is
 * sent. It parses the source and destination, resolves names as the sender's
 * resolver would, then asks the path planner — the very function the
 * dataplane executes for real connections — with a seeded random and every
 * candidate explored, and explains what came back. It decides nothing itself.
 *
 * Pure over its inputs (the path world, the catalog, the DNS view): it opens
 * no socket and commits no state (affinity memory is read, never written).
 */
import type { Origin, PathPlan, PathWorld } from '../dataplane/path.js';
import { planPath } from '../dataplane/path.js';
import type { PodResolverConfig } from '../dns/resolver.js';
import type { MatchedRule } from '../proxy/evaluate/types.js';
import { seededRandom } from '../util/random.js';
import type { TraceCatalog } from './catalog.js';
import { resolveStep } from './dns-step.js';
import { explainMasquerade, traceCandidates, traceHops } from './explain.js';
import type { IngressView } from './ingress-step.js';
import { traceViaIngress } from './ingress-step.js';
import {
  TRACE_API_VERSION,
  type Trace,
  type TraceDestination,
  type TraceDns,
  type TraceHop,
  type TraceOutcome,
  type TraceRequest,
  type TraceResult,
  type TraceService,
  type TraceSource,
} from './model.js';
import { parseSource, parseTarget, type SourceSpec } from './specs.js';

/** What a trace reads. */
export interface TraceDeps {
  /** The dataplane's world (`Dataplane.world`): rules, routes, pods, nodes. */
  readonly world: PathWorld;
  readonly catalog: TraceCatalog;
  /** The cluster DNS view and the host's resolver, as pods resolve names. */
  readonly dns: PodResolverConfig;
  /** Epoch milliseconds, for session-affinity timeouts. */
  readonly now: number;
  /**
   * The nodes an emulated load balancer may hand a host connection to, for
   * addresses no node owns (LoadBalancer IPs, externalIPs).
   */
  readonly entryNodes?: (protocol: 'TCP' | 'UDP', ip: string, port: number) => readonly string[];
  /** The ingress controller, for `via: ingress`. */
  readonly ingress?: IngressView;
}

/** Linux's default ephemeral port range (`net.ipv4.ip_local_port_range`). */
const EPHEMERAL = { base: 32768, size: 60999 - 32768 + 1 } as const;

/** The random streams of one trace: kube-proxy's choice, and ports/entry nodes. */
export function traceRandoms(seed: number) {
  const ports = seededRandom((seed ^ 0x5bd1e995) >>> 0);
  return {
    choice: seededRandom(seed),
    ports,
    port: () => EPHEMERAL.base + ports.int(EPHEMERAL.size),
  };
}

export function originOf(source: TraceSource): Origin {
  if (source.kind === 'pod')
    return {
      kind: 'pod',
      namespace: source.namespace ?? 'default',
      name: source.name ?? '',
      ip: source.ip,
      node: source.node ?? '',
    };
  if (source.kind === 'node') return { kind: 'node', node: source.node ?? '', ip: source.ip };
  return { kind: 'host' };
}

function dnsHop(dns: TraceDns, source: SourceSpec): TraceHop {
  const resolved = dns.addresses[0];
  const cname = dns.cnames.length ? ` (CNAME ${dns.cnames.join(' → ')})` : '';
  const suffix =
    dns.canonicalName && dns.canonicalName !== dns.query && dns.searchPath
      ? `, search suffix ${dns.canonicalName.slice(dns.query.length + 1) || '(none)'}`
      : '';
  const notes = dns.attempts.map(
    (a) =>
      `${a.name}: ${a.rcode}${a.cluster ? '' : ' (host resolver)'}${a.answers.length ? ` — ${a.answers.join('; ')}` : ''}`,
  );
  return {
    step: 1,
    component: 'dns',
    action: resolved ? 'Forwarded' : 'Dropped',
    observationPoint: 'UNKNOWN_POINT',
    ...(source.node ? { node: source.node } : {}),
    summary: resolved
      ? `${dns.query} → ${dns.canonicalName ?? dns.query}${cname}: A ${resolved}${suffix}`
      : `${dns.query}: NXDOMAIN — could not resolve host`,
    notes,
  };
}

export function serviceOf(deps: TraceDeps, name: string | undefined): TraceService | undefined {
  const m = name ? /^([^/]+)\/([^:]+)(?::(.*))?$/.exec(name) : null;
  if (!m) return undefined;
  const svc = deps.catalog.service(m[1] as string, m[2] as string);
  return {
    namespace: m[1] as string,
    name: m[2] as string,
    port: m[3] ?? '',
    type: svc?.type ?? 'ClusterIP',
  };
}

export function resultOf(plan: PathPlan): TraceResult {
  const out = plan.outcome;
  switch (out.kind) {
    case 'pod':
      return {
        action: 'Delivered',
        kind: 'pod',
        pod: { namespace: out.pod.namespace, name: out.pod.name, node: out.pod.node, ip: out.pod.ip },
      };
    case 'host':
      return { action: 'Delivered', kind: 'host', reason: out.reason, host: { ip: out.ip, port: out.port } };
    case 'refused':
      return { action: 'Rejected', kind: 'refused', reason: out.reason };
    case 'dropped':
      return { action: 'Dropped', kind: 'dropped', reason: out.reason };
  }
}

/** The matched rules of every kube-proxy hop, in order. */
export function matchedRules(plan: PathPlan): MatchedRule[] {
  return plan.hops.flatMap((h) => (h.component === 'kube-proxy' ? (h.matched ?? []) : []));
}

/** Builds a trace around a plan (also used by the ingress step for its second leg). */
export function assembleTrace(parts: {
  deps: TraceDeps;
  seed: number;
  protocol: 'TCP' | 'UDP';
  source: TraceSource;
  destination: TraceDestination;
  plan: PathPlan;
  before: readonly TraceHop[];
  dns?: TraceDns;
}): Trace {
  const { deps, plan } = parts;
  const hops = [...parts.before, ...traceHops(deps.world, plan, parts.before.length + 1)];
  const result = resultOf(plan);
  const service = serviceOf(deps, plan.service);
  const chosen = `${plan.seen.dst.ip}:${plan.seen.dst.port}`;
  return {
    apiVersion: TRACE_API_VERSION,
    kind: 'Trace',
    seed: parts.seed,
    protocol: parts.protocol,
    source: parts.source,
    destination: parts.destination,
    ...(parts.dns ? { dns: parts.dns } : {}),
    ...(service ? { service } : {}),
    hops,
    verdict: result.kind === 'pod' || result.kind === 'host' ? 'FORWARDED' : 'DROPPED',
    result,
    ...(result.kind === 'pod' || result.kind === 'host' ? { seen: plan.seen } : {}),
    masquerade: explainMasquerade(plan, parts.source.kind, matchedRules(plan)),
    candidates: traceCandidates(
      deps.world,
      plan.candidates,
      plan.service && (result.kind === 'pod' || result.kind === 'host') ? chosen : undefined,
    ),
  };
}

function unresolvedTrace(
  seed: number,
  protocol: 'TCP' | 'UDP',
  source: TraceSource,
  destination: TraceDestination,
  dns: TraceDns,
  source0: SourceSpec,
): Trace {
  return {
    apiVersion: TRACE_API_VERSION,
    kind: 'Trace',
    seed,
    protocol,
    source,
    destination,
    dns,
    hops: [dnsHop(dns, source0)],
    verdict: 'DROPPED',
    result: { action: 'Dropped', kind: 'unresolved', reason: `Could not resolve host: ${dns.query}` },
    masquerade: explainMasquerade({ service: undefined, masquerade: false } as PathPlan, source.kind, []),
    candidates: [],
  };
}

/**
 * Traces one connection. Never throws on cluster state or user input: a
 * source or destination that does not exist is a problem with close matches;
 * an unreachable destination is a trace ending in a Dropped or Rejected hop.
 */
export async function traceConnection(deps: TraceDeps, request: TraceRequest): Promise<TraceOutcome> {
  const namespace = request.namespace ?? 'default';
  const protocol = request.protocol ?? 'TCP';
  const seed = (request.seed ?? 0) >>> 0;
  const from = parseSource(deps.catalog, deps.world, request.from ?? 'host', namespace);
  if (!from.ok) return from;
  const spec = request.to ?? request.url;
  if (!spec)
    return {
      ok: false,
      problem: { reason: 'BadRequest', message: 'a destination is required: to or url', suggestions: [] },
    };
  const clusterDomain = deps.dns.view.clusterDomain;
  const to = parseTarget(deps.catalog, spec, { namespace, clusterDomain });
  if (!to.ok) return to;
  if (request.via === 'ingress')
    return traceViaIngress(deps, { request, source: from.value, target: to.value, seed });
  const randoms = traceRandoms(seed);
  const source: TraceSource = { ...from.value, port: randoms.port() };
  const target = to.value;
  let ip: string;
  let dns: TraceDns | undefined;
  if (target.kind === 'address') ip = target.ip;
  else if (/^\d+\.\d+\.\d+\.\d+$/.test(target.host)) ip = target.host;
  else {
    dns = await resolveStep(deps.dns, target.host, {
      namespace: source.namespace ?? namespace,
      searchPath: source.kind === 'pod',
    });
    const first = dns.addresses[0];
    const destination = { input: target.input, ip: '', port: target.port, host: target.host };
    if (!first)
      return { ok: true, trace: unresolvedTrace(seed, protocol, source, destination, dns, from.value) };
    ip = first;
  }
  const destination: TraceDestination = {
    input: target.input,
    ip,
    port: target.port,
    ...(target.kind === 'address' ? {} : { host: target.host }),
  };
  const tuple = { src: { ip: source.ip, port: source.port }, dst: { ip, port: target.port } };
  const before: TraceHop[] = dns ? [dnsHop(dns, from.value)] : [];
  const entry = loadBalancerEntry(deps, source, protocol, ip, target.port, (n) => randoms.ports.int(n));
  const plan = planPath(
    deps.world,
    { origin: originOf(source), protocol, tuple, ...(entry.node ? { entryNode: entry.node } : {}) },
    { random: randoms.choice, now: deps.now, allocatePort: randoms.port, hops: true, explore: true },
  );
  const noted = notedPlan(plan, entry.note);
  return {
    ok: true,
    trace: assembleTrace({
      deps,
      seed,
      protocol,
      source,
      destination,
      plan: noted,
      before,
      ...(dns ? { dns } : {}),
    }),
  };
}

/** The plan with `note` (the load balancer's pick) after its first hop's summary. */
export function notedPlan(plan: PathPlan, note: string | undefined): PathPlan {
  if (!note) return plan;
  return {
    ...plan,
    hops: plan.hops.map((h, i) => (i === 0 ? { ...h, summary: `${h.summary} (${note})` } : h)),
  };
}

/**
 * The load balancer's pick for a host connection to an address no node owns
 * (a LoadBalancer IP, an externalIP): one of the dataplane's own entry nodes,
 * drawn from the trace's seeded stream. Empty for every other connection.
 */
export function loadBalancerEntry(
  deps: TraceDeps,
  source: TraceSource,
  protocol: 'TCP' | 'UDP',
  ip: string,
  port: number,
  int: (n: number) => number,
): { node?: string; note?: string } {
  if (source.kind !== 'host' || deps.world.nodeByAddress(ip) !== undefined || !deps.entryNodes) return {};
  const nodes = deps.entryNodes(protocol, ip, port);
  if (nodes.length === 0) return {};
  const node = nodes[int(nodes.length)] as string;
  return {
    node,
    note: `the load balancer hands ${ip}:${port} to one of ${nodes.join(', ')}; this trace follows ${node}`,
  };
}
