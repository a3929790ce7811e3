/**
 * Builds a `FlowRecord` from a path plan and what the connection carried.
 * Runs only when flows are enabled (the sink says so), off the fast path.
 */
import { randomUUID } from 'node:crypto';
import type { L4Protocol } from '../workloads/types.js';
import type { FlowEndpoint, FlowRecord } from './flow.js';
import type { AddrPort, Origin, PathPlan, PathWorld, Tuple } from './path.js';

export interface FlowInput {
  readonly plan: PathPlan;
  readonly origin: Origin;
  readonly original: Tuple;
  readonly protocol: L4Protocol;
  readonly verdict: 'FORWARDED' | 'DROPPED' | 'ERROR';
  readonly reason: string | undefined;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly bytes: { readonly sent: number; readonly received: number };
  readonly world: PathWorld;
}

/** RFC 3339 with nanoseconds, as Hubble prints `time`. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  const frac = `${String(Math.floor(ms) % 1000).padStart(3, '0')}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;
  return iso.replace(/\.\d{3}Z$/, `.${frac}Z`);
}

function endpoint(world: PathWorld, a: AddrPort): FlowEndpoint {
  const pod = world.podByIP(a.ip);
  if (pod) return { ip: a.ip, port: a.port, namespace: pod.namespace, pod_name: pod.name };
  const node = world.nodeByAddress(a.ip);
  return node ? { ip: a.ip, port: a.port, node_name: node } : { ip: a.ip, port: a.port };
}

function service(name: string | undefined): FlowRecord['destination_service'] {
  if (!name) return undefined;
  const m = /^([^/]+)\/([^:]+)(?::(.*))?$/.exec(name);
  if (!m) return undefined;
  return { namespace: m[1] as string, name: m[2] as string, ...(m[3] ? { port: m[3] } : {}) };
}

export function buildFlow(input: FlowInput): FlowRecord {
  const { plan, original, protocol } = input;
  const seen = plan.seen;
  const nodes: string[] = [];
  for (const h of plan.hops) if (h.node && nodes[nodes.length - 1] !== h.node) nodes.push(h.node);
  const l4ports = { source_port: original.src.port, destination_port: seen.dst.port };
  const svc = service(plan.service);
  const arrow = plan.service ? ` (${plan.service})` : '';
  const state = input.verdict === 'FORWARDED' ? 'FORWARDED' : `DROPPED: ${input.reason ?? ''}`;
  return {
    time: rfc3339Nano(input.startedAt),
    uuid: randomUUID(),
    verdict: input.verdict,
    ...(input.reason ? { drop_reason_desc: input.reason } : {}),
    Type: 'L3_L4',
    node_name: plan.proxyNode ?? nodes[0] ?? '',
    IP: { source: original.src.ip, destination: seen.dst.ip, ipVersion: 'IPv4' },
    l4: protocol === 'UDP' ? { UDP: l4ports } : { TCP: l4ports },
    source: endpoint(input.world, original.src),
    destination: endpoint(input.world, seen.dst),
    ...(svc ? { destination_service: svc } : {}),
    traffic_direction: input.origin.kind === 'pod' ? 'EGRESS' : 'INGRESS',
    is_reply: false,
    Summary: `${protocol} ${original.src.ip}:${original.src.port} -> ${original.dst.ip}:${original.dst.port} → ${seen.dst.ip}:${seen.dst.port}${arrow} ${state}`,
    original,
    translated: seen,
    node_hops: nodes,
    hops: plan.hops,
    bytes: input.bytes,
    duration_ms: Math.max(0, input.endedAt - input.startedAt),
  };
}
