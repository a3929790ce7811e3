/**
 * Flow records: one per connection the dataplane carries (and one per HTTP
 * request the ingress proxies), emitted when the connection ends or is refused.
 * Field names follow Hubble's flow JSON (`cilium/api/v1/flow/flow.proto`) where
 * the meaning is the same; netkube's additions (addresses before and after NAT,
 * hops, bytes, duration) sit under names Hubble does not use.
 *
 * The dataplane only emits; the flow log (trace/) stores, filters and streams.
 */
import type { PendingFlow } from './flow-builder.js';
import type { Hop, Tuple } from './path.js';

/** Hubble's verdicts that netkube produces. */
export type FlowVerdict =
  /** Delivered to its destination. */
  | 'FORWARDED'
  /** Discarded or refused on the way (kube-proxy REJECT/DROP, no route, nothing listening). */
  | 'DROPPED'
  /** Failed for a reason outside the cluster's rules (a host socket error). */
  | 'ERROR';

export interface FlowEndpoint {
  readonly ip: string;
  readonly port: number;
  /** Set when the address is a pod's. */
  readonly namespace?: string;
  readonly pod_name?: string;
  /** Set when the address is a node's. */
  readonly node_name?: string;
  readonly labels?: readonly string[];
}

export interface FlowHttp {
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  readonly code: number;
  readonly host?: string;
}

export interface FlowRecord {
  /** RFC 3339 with nanoseconds, when the connection began. */
  readonly time: string;
  readonly uuid: string;
  readonly verdict: FlowVerdict;
  /** Why a DROPPED flow was dropped (kube-proxy REJECT, no endpoints, nothing listening…). */
  readonly drop_reason_desc?: string;
  readonly Type: 'L3_L4' | 'L7';
  /** The node whose kube-proxy translated it, or where it was observed. */
  readonly node_name: string;
  readonly IP: { readonly source: string; readonly destination: string; readonly ipVersion: 'IPv4' };
  readonly l4: {
    readonly TCP?: { readonly source_port: number; readonly destination_port: number };
    readonly UDP?: { readonly source_port: number; readonly destination_port: number };
  };
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly destination_service?: {
    readonly namespace: string;
    readonly name: string;
    readonly port?: string;
  };
  readonly traffic_direction: 'INGRESS' | 'EGRESS';
  readonly is_reply: false;
  readonly l7?: { readonly type: 'RESPONSE'; readonly latency_ns: number; readonly http: FlowHttp };
  readonly Summary: string;
  /** netkube: the tuple as the client sent it and as the receiver saw it. */
  readonly original: Tuple;
  readonly translated: Tuple;
  /** netkube: the nodes the connection crossed, in order. */
  readonly node_hops: readonly string[];
  /** netkube: the hops, as a trace shows them. */
  readonly hops: readonly Hop[];
  readonly bytes: { readonly sent: number; readonly received: number };
  readonly duration_ms: number;
}

/** Where the dataplane sends flow records. Must be cheap and never throw. */
export interface FlowSink {
  /** False when nobody records flows: the dataplane then skips building records. */
  readonly enabled: boolean;
  /** Stores a record built by the sender. */
  record(flow: FlowRecord): void;
  /**
   * Stores a finished connection whose record is built only when it is read
   * (what the dataplane sends: see `PendingFlow`). A sink without it gets
   * `record(flow.record())`.
   */
  recordPending?(flow: PendingFlow): void;
}

/** A sink that records nothing. */
export const NO_FLOWS: FlowSink = { enabled: false, record() {} };
