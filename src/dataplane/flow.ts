/**
 * Flow records: one per connection the dataplane carries (and one per HTTP
 * request the ingress proxies), emitted when the connection ends or is refused.
 * Field names follow Hubble's flow JSON (`cilium/api/v1/flow/flow.proto`) where
 * the meaning is the same; netkube's additions (addresses before and after NAT,
 * hops, bytes, duration) sit under names Hubble does not use.
 *
 * The dataplane only emits; the flow log (trace/) stores, filters and streams.
 */

import type { HttpExchange, HttpProxyAnswer } from '../workloads/types.js';
import { type FlowInput, type Owner, PendingFlow } from './flow-builder.js';
import type { PendingHttpFlow } from './flow-http.js';
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

/** Hubble's `HTTP` (flow.proto): `url` is absolute (`http://host/path?query`), `protocol` is `HTTP/1.1`. */
export interface FlowHttp {
  readonly code: number;
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  /** netkube: the Host header as sent (Hubble has it only among `headers`). */
  readonly host?: string;
}

/** A Service as Hubble names one; netkube adds the port where it knows it. */
export interface FlowService {
  readonly namespace: string;
  readonly name: string;
  readonly port?: string;
}

export interface FlowRecord {
  /** RFC 3339 with nanoseconds: when the connection began (L3_L4), when the response was complete (L7). */
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
  /** The Service of the source (L7 responses: the Service the answering pod was reached through). */
  readonly source_service?: FlowService;
  readonly destination_service?: FlowService;
  readonly traffic_direction: 'INGRESS' | 'EGRESS';
  /**
   * Hubble's meaning: true for a message in the reply direction. L7 records
   * are HTTP responses, so they are replies: `source` is the server that
   * answered and `destination` the client (compact output flips them back
   * and prints `<-`, as `hubble observe` does).
   */
  readonly is_reply: boolean;
  /** Set on L7 records only (Hubble: "set if and only if FlowType is L7"). */
  readonly l7?: { readonly type: 'RESPONSE'; readonly latency_ns: number; readonly http: FlowHttp };
  /**
   * netkube, on the ingress controller's L7 records: the Ingress whose rule
   * matched, its backend Service, the last endpoint tried (`ip:port`) and who
   * wrote the response (`upstream` or the controller's own answer).
   */
  readonly ingress?: FlowIngress;
  readonly Summary: string;
  /**
   * netkube: the tuple as the client sent it and as the receiver saw it
   * (L7: client -> pod as the answering app saw it; through the ingress
   * controller, `translated` is controller -> endpoint, source port 0: not known).
   */
  readonly original: Tuple;
  readonly translated: Tuple;
  /** netkube: the nodes the connection crossed, in order. */
  readonly node_hops: readonly string[];
  /** netkube: the hops, as a trace shows them (none on L7 records: their connection's L3_L4 record has them). */
  readonly hops: readonly Hop[];
  /** netkube: bytes the client sent and received (L7: body bytes of the request and the response, -1 when not counted). */
  readonly bytes: { readonly sent: number; readonly received: number };
  /** netkube: how long the connection lasted (L7: the response latency, in ms). */
  readonly duration_ms: number;
}

/** netkube's `ingress` field of an L7 record from the ingress controller. */
export interface FlowIngress {
  readonly namespace?: string;
  readonly name?: string;
  readonly service?: FlowService;
  readonly endpoint?: string;
  /** Who wrote the response (the workloads' `HttpProxyAnswer`). */
  readonly answered_by: HttpProxyAnswer;
}

/** Where the dataplane sends flow records. Must be cheap and never throw. */
export interface FlowSink {
  /** False when nobody records flows: the dataplane then skips building records. */
  readonly enabled: boolean;
  /** Stores a record built by the sender. */
  record(flow: FlowRecord): void;
  /**
   * Stores a finished connection (or answered HTTP request) whose record is
   * built only when it is read (what the dataplane and the HTTP observer
   * send: see `PendingFlow`, `PendingHttpFlow`). A sink without it gets
   * `record(flow.record())`.
   */
  recordPending?(flow: PendingRecord): void;
  /**
   * Stores an answered HTTP request by copying its fields (the flow log's
   * columns): the sink keeps no reference to `exchange`, so the caller's
   * per-request objects die young. `client` is who the client was, looked up
   * now. A sink without it gets a `PendingHttpFlow`.
   */
  recordHttp?(exchange: HttpExchange, client: Owner): void;
  /**
   * Stores a finished connection by copying its facts (the flow log's
   * columns), keeping none of the per-connection objects of `input` but the
   * plan's hops. A sink without it gets a `PendingFlow`.
   */
  recordConnection?(input: FlowInput): void;
}

/** A finished connection or answered request whose record is built when first read. */
export type PendingRecord = PendingFlow | PendingHttpFlow;

/** Hands `flow` to `sink` unbuilt when the sink keeps pending flows, built otherwise. */
export function emitPending(sink: FlowSink, flow: PendingRecord): void {
  if (sink.recordPending) sink.recordPending(flow);
  else sink.record(flow.record());
}

/** Hands a finished connection to `sink`: copied into its columns when it has them, else as a `PendingFlow`. */
export function emitConnection(sink: FlowSink, input: FlowInput): void {
  if (sink.recordConnection) sink.recordConnection(input);
  else emitPending(sink, new PendingFlow(input));
}

/** A sink that records nothing. */
export const NO_FLOWS: FlowSink = { enabled: false, record() {} };
