/**
 * Builds a `FlowRecord` from a path plan and what the connection carried.
 * Runs only when flows are enabled (the sink says so), off the fast path.
 *
 * `PendingFlow` is how the dataplane hands a finished connection to the flow
 * log: one flat object holding the facts (the plan's hops and tuples, times,
 * bytes, and who the two ends were when the connection ran), with the record
 * itself — a dozen small objects and three formatted strings — built the first
 * time someone reads it. A flow log keeps thousands of these alive, so every
 * object a kept flow retains is copied and marked by the garbage collector:
 * building records eagerly was most of what recording flows cost (see the
 * issue 7 section of docs/benchmarks.md).
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
 * A finished connection, waiting to become a `FlowRecord`. Built by the
 * dataplane when a connection ends (or is refused); `record()` builds the
 * record once and returns the same object every time after, so its `uuid`
 * is stable however often it is read.
 */
export class PendingFlow {
  readonly #hops: readonly Hop[];
  readonly #seen: Tuple;
  readonly #service: string | undefined;
  readonly #proxyNode: string | undefined;
  readonly #fromPod: boolean;
  readonly #original: Tuple;
  readonly #protocol: L4Protocol;
  readonly #verdict: 'FORWARDED' | 'DROPPED' | 'ERROR';
  readonly #reason: string | undefined;
  readonly #startedAt: number;
  readonly #endedAt: number;
  readonly #sent: number;
  readonly #received: number;
  readonly #source: Owner;
  readonly #destination: Owner;
  #record: FlowRecord | undefined;

  /** Captures the facts now: who owns each address is looked up while the connection's pods still exist. */
  constructor(input: FlowInput) {
    const { plan } = input;
    this.#hops = plan.hops;
    this.#seen = plan.seen;
    this.#service = plan.service;
    this.#proxyNode = plan.proxyNode;
    this.#fromPod = input.origin.kind === 'pod';
    this.#original = input.original;
    this.#protocol = input.protocol;
    this.#verdict = input.verdict;
    this.#reason = input.reason;
    this.#startedAt = input.startedAt;
    this.#endedAt = input.endedAt;
    this.#sent = input.bytes.sent;
    this.#received = input.bytes.received;
    this.#source = ownerOf(input.world, input.original.src.ip);
    this.#destination = ownerOf(input.world, plan.seen.dst.ip);
  }

  /** The hops, for the flow log's size estimate without building the record. */
  get hops(): readonly Hop[] {
    return this.#hops;
  }

  /** The record (built on the first call). */
  record(): FlowRecord {
    this.#record ??= this.#build();
    return this.#record;
  }

  #build(): FlowRecord {
    const original = this.#original;
    const seen = this.#seen;
    const nodes: string[] = [];
    for (const h of this.#hops) if (h.node && nodes[nodes.length - 1] !== h.node) nodes.push(h.node);
    const l4ports = { source_port: original.src.port, destination_port: seen.dst.port };
    const svc = service(this.#service);
    const arrow = this.#service ? ` (${this.#service})` : '';
    const state = this.#verdict === 'FORWARDED' ? 'FORWARDED' : `DROPPED: ${this.#reason ?? ''}`;
    return {
      time: rfc3339Nano(this.#startedAt),
      uuid: randomUUID(),
      verdict: this.#verdict,
      ...(this.#reason ? { drop_reason_desc: this.#reason } : {}),
      Type: 'L3_L4',
      node_name: this.#proxyNode ?? nodes[0] ?? '',
      IP: { source: original.src.ip, destination: seen.dst.ip, ipVersion: 'IPv4' },
      l4: this.#protocol === 'UDP' ? { UDP: l4ports } : { TCP: l4ports },
      source: flowEndpoint(original.src.ip, original.src.port, this.#source),
      destination: flowEndpoint(seen.dst.ip, seen.dst.port, this.#destination),
      ...(svc ? { destination_service: svc } : {}),
      traffic_direction: this.#fromPod ? 'EGRESS' : 'INGRESS',
      is_reply: false,
      Summary: `${this.#protocol} ${original.src.ip}:${original.src.port} -> ${original.dst.ip}:${original.dst.port} → ${seen.dst.ip}:${seen.dst.port}${arrow} ${state}`,
      original,
      translated: seen,
      node_hops: nodes,
      hops: this.#hops,
      bytes: { sent: this.#sent, received: this.#received },
      duration_ms: Math.max(0, this.#endedAt - this.#startedAt),
    };
  }
}

/** Builds the record of a finished connection at once (tests, and sinks that take records only). */
export function buildFlow(input: FlowInput): FlowRecord {
  return new PendingFlow(input).record();
}
