/**
 * Builds a `FlowRecord` from a path plan and what the connection carried.
 * Runs only when flows are enabled (the sink says so), off the fast path.
 *
 * A finished connection is handed to the flow log as its `FlowInput`; the
 * log copies the facts (`ConnectionFacts`: the plan's hops and tuples, times,
 * bytes, and who the two ends were when the connection ran) into columns, and
 * the record itself — a dozen small objects and three formatted strings — is
 * built the first time someone reads it. A flow log keeps thousands of flows,
 * and every object a kept flow retains is copied by the young-generation
 * collector and then marked: keeping per-connection objects was most of what
 * recording flows cost (see the issue 7 section of docs/benchmarks.md).
 */
import { randomUUID } from 'node:crypto';
import { cachedBySecond, secondCache } from '../util/time-text.js';
import type { L4Protocol } from '../workloads/types.js';
import type { FlowEndpoint, FlowRecord } from './flow.js';
import type { Hop, Origin, PathPlan, PathWorld, Tuple } from './path.js';

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

/** `YYYY-MM-DDTHH:MM:SS` of the last second formatted (flows come in bursts within a second). */
const stampCache = secondCache();

function stampPrefix(second: number): string {
  return new Date(second * 1000).toISOString().slice(0, 19);
}

/** RFC 3339 with nanoseconds, as Hubble prints `time`. */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms);
  const frac = `${String(whole % 1000).padStart(3, '0')}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;
  return `${cachedBySecond(stampCache, whole, stampPrefix)}.${frac}Z`;
}

/** Who an address belonged to when the traffic ran: a pod, a node, or neither. */
export type Owner =
  | { readonly namespace: string; readonly name: string }
  | { readonly node: string }
  | undefined;

/** One owner object per node name (the flow keeps it until the record is built). */
const nodeOwners = new Map<string, { readonly node: string }>();

/**
 * The owner of `ip` now: its pod (the world's own PathPod, no copy), else its
 * node, by the world or by `nodeOf` (addresses the world does not list, such
 * as a node's tunnel address seen after masquerade).
 */
export function ownerOf(world: PathWorld, ip: string, nodeOf?: (ip: string) => string | undefined): Owner {
  const pod = world.podByIP(ip);
  if (pod) return pod;
  const node = world.nodeByAddress(ip) ?? nodeOf?.(ip);
  if (node === undefined) return undefined;
  let owner = nodeOwners.get(node);
  if (!owner) {
    owner = { node };
    nodeOwners.set(node, owner);
  }
  return owner;
}

/** A flow's `source` or `destination`: the address, named by its pod or node when known. */
export function flowEndpoint(ip: string, port: number, owner: Owner): FlowEndpoint {
  if (owner === undefined) return { ip, port };
  if ('name' in owner) return { ip, port, namespace: owner.namespace, pod_name: owner.name };
  return { ip, port, node_name: owner.node };
}

const SERVICE = /^([^/]+)\/([^:]+)(?::(.*))?$/;

function service(name: string | undefined): FlowRecord['destination_service'] {
  if (!name) return undefined;
  const m = SERVICE.exec(name);
  if (!m) return undefined;
  return { namespace: m[1] as string, name: m[2] as string, ...(m[3] ? { port: m[3] } : {}) };
}

/**
 * What a finished connection's record is built from, captured when it ended:
 * who owned each address then, and the plan's hops and tuples.
 */
export interface ConnectionFacts
  extends Pick<FlowInput, 'original' | 'protocol' | 'verdict' | 'reason' | 'startedAt' | 'endedAt'>,
    Pick<PathPlan, 'hops' | 'seen' | 'service' | 'proxyNode'> {
  readonly fromPod: boolean;
  readonly sent: number;
  readonly received: number;
  readonly source: Owner;
  readonly destination: Owner;
}

/** The facts of `input`: who owns each address is looked up now, while the connection's pods still exist. */
export function connectionFacts(input: FlowInput): ConnectionFacts {
  const { plan } = input;
  return {
    hops: plan.hops,
    seen: plan.seen,
    service: plan.service,
    proxyNode: plan.proxyNode,
    fromPod: input.origin.kind === 'pod',
    original: input.original,
    protocol: input.protocol,
    verdict: input.verdict,
    reason: input.reason,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    sent: input.bytes.sent,
    received: input.bytes.received,
    source: ownerOf(input.world, input.original.src.ip),
    destination: ownerOf(input.world, plan.seen.dst.ip),
  };
}

/** The L3/L4 record of a finished connection. */
export function buildConnectionRecord(f: ConnectionFacts): FlowRecord {
  const { original, seen } = f;
  const nodes: string[] = [];
  for (const h of f.hops) if (h.node && nodes[nodes.length - 1] !== h.node) nodes.push(h.node);
  const l4ports = { source_port: original.src.port, destination_port: seen.dst.port };
  const svc = service(f.service);
  const arrow = f.service ? ` (${f.service})` : '';
  const state = f.verdict === 'FORWARDED' ? 'FORWARDED' : `DROPPED: ${f.reason ?? ''}`;
  return {
    time: rfc3339Nano(f.startedAt),
    uuid: randomUUID(),
    verdict: f.verdict,
    ...(f.reason ? { drop_reason_desc: f.reason } : {}),
    Type: 'L3_L4',
    node_name: f.proxyNode ?? nodes[0] ?? '',
    IP: { source: original.src.ip, destination: seen.dst.ip, ipVersion: 'IPv4' },
    l4: f.protocol === 'UDP' ? { UDP: l4ports } : { TCP: l4ports },
    source: flowEndpoint(original.src.ip, original.src.port, f.source),
    destination: flowEndpoint(seen.dst.ip, seen.dst.port, f.destination),
    ...(svc ? { destination_service: svc } : {}),
    traffic_direction: f.fromPod ? 'EGRESS' : 'INGRESS',
    is_reply: false,
    Summary: `${f.protocol} ${original.src.ip}:${original.src.port} -> ${original.dst.ip}:${original.dst.port} → ${seen.dst.ip}:${seen.dst.port}${arrow} ${state}`,
    original,
    translated: seen,
    node_hops: nodes,
    hops: f.hops,
    bytes: { sent: f.sent, received: f.received },
    duration_ms: Math.max(0, f.endedAt - f.startedAt),
  };
}

/**
 * A finished connection, waiting to become a `FlowRecord` (for sinks that
 * keep objects; the flow log copies the facts into columns instead).
 * `record()` builds the record once and returns the same object every time
 * after, so its `uuid` is stable however often it is read.
 */
export class PendingFlow {
  readonly #facts: ConnectionFacts;
  #record: FlowRecord | undefined;

  constructor(input: FlowInput) {
    this.#facts = connectionFacts(input);
  }

  /** The hops, for the flow log's size estimate without building the record. */
  get hops(): readonly Hop[] {
    return this.#facts.hops;
  }

  /** The record (built on the first call). */
  record(): FlowRecord {
    this.#record ??= buildConnectionRecord(this.#facts);
    return this.#record;
  }
}

/** Builds the record of a finished connection at once (tests, and sinks that take records only). */
export function buildFlow(input: FlowInput): FlowRecord {
  return new PendingFlow(input).record();
}
