/**
 * The trace as data: what `traceConnection` returns, `POST /trace` serves with
 * `-o json`, and the text and mermaid renderers print. The schema is stable
 * (`apiVersion: netkube.dev/v1alpha1`, `kind: Trace`) and documented in
 * docs/tracing.md; fields are only ever added.
 *
 * Vocabulary: a hop's `component` and `action` are the planner's (Antrea
 * Traceflow observations: Forwarded, Translated, Delivered, Dropped,
 * Rejected); `observationPoint` is Hubble's `TraceObservationPoint` for the
 * same place; `verdict` is Hubble's flow verdict; matched kube-proxy rules are
 * printed as iptables TRACE lines (`TRACE: nat:KUBE-SERVICES:rule:3`) with the
 * human Service name beside the hashed chain name.
 */
import type { HopAction, HopComponent, Tuple } from '../dataplane/path.js';

export const TRACE_API_VERSION = 'netkube.dev/v1alpha1';

/** What the caller asks (the body of `POST /trace`). */
export interface TraceRequest {
  /** `host`, `node/NAME`, `pod/NAME` (`pod/NAMESPACE/NAME`), or an IP. @default 'host' */
  readonly from?: string | undefined;
  /** `IP:PORT`, `svc/NAME[:PORT]`, `pod/NAME:PORT`, `node/NAME:PORT`, `NAME[:PORT]` (DNS), or a URL. */
  readonly to?: string | undefined;
  /** An `http://` URL: its host and port are the destination, its path matters with `via: ingress`. */
  readonly url?: string | undefined;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | undefined;
  /** `ingress`: send the request to the ingress controller and follow it to the backend. */
  readonly via?: 'ingress' | undefined;
  /** Seeds every random choice (kube-proxy's endpoint, the ephemeral port), so a trace repeats. */
  readonly seed?: number | undefined;
  /** Namespace of `pod/NAME`, `svc/NAME` and of DNS search paths. @default 'default' */
  readonly namespace?: string | undefined;
}

/** Who sends the first packet. */
export interface TraceSource {
  readonly kind: 'host' | 'node' | 'pod';
  readonly ip: string;
  readonly port: number;
  readonly node?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** A Service as the trace names it. */
export interface TraceService {
  readonly namespace: string;
  readonly name: string;
  /**
   * The Service port's name (`http`), as in kube-proxy's `ServicePortName`; '' for a
   * Service's single unnamed port (the Service is then named `default/web`, no colon).
   */
  readonly port: string;
  readonly type: string;
}

/** Where the packet is addressed, before any translation. */
export interface TraceDestination {
  /** The destination as written (`svc/web:80`, `web.default.svc.cluster.local:80`, a URL). */
  readonly input: string;
  readonly ip: string;
  readonly port: number;
  /** The name that was resolved, for DNS destinations. */
  readonly host?: string;
}

/** One kube-proxy rule the packet matched, as iptables TRACE prints it. */
export interface TraceRule {
  /** `TRACE: nat:KUBE-SVC-XGLOHA7QRQ3V22RZ:rule:2` (1-based, as the kernel numbers rules). */
  readonly trace: string;
  readonly table: string;
  readonly chain: string;
  readonly rule: number;
  /** The rule as `iptables-save` (or `nft`, `ipvsadm`) prints it. */
  readonly text: string;
  /** The Service port behind a hashed chain (`default/web:http`). */
  readonly service?: string;
}

/** An endpoint kube-proxy (or the ingress balancer) could have chosen. */
export interface TraceCandidate {
  /** `ip:port`. */
  readonly endpoint: string;
  readonly probability: number;
  readonly masquerade: boolean;
  readonly chosen: boolean;
  readonly pod?: { readonly namespace: string; readonly name: string; readonly node: string };
}

/** One hop: the planner's hop, with its rules, candidates and explanation spelled out. */
export interface TraceHop {
  /** 1-based position. */
  readonly step: number;
  readonly component: HopComponent;
  readonly action: HopAction;
  /** Hubble's `TraceObservationPoint` for this place (`FROM_ENDPOINT`, `TO_STACK`, `TO_OVERLAY`…). */
  readonly observationPoint: string;
  readonly node?: string;
  readonly summary: string;
  readonly before?: Tuple;
  readonly after?: Tuple;
  readonly rules?: readonly TraceRule[];
  readonly candidates?: readonly TraceCandidate[];
  readonly route?: string;
  /** Further lines of explanation (why masquerade, which search suffix, which Ingress rule). */
  readonly notes?: readonly string[];
}

/** One question the resolver asked. */
export interface TraceDnsAttempt {
  readonly name: string;
  readonly rcode: string;
  /** Answered by the cluster zone (false: the host's resolver). */
  readonly cluster: boolean;
  /** Records as `dig` prints them: `web.default.svc.cluster.local. 30 IN A 10.96.0.50`. */
  readonly answers: readonly string[];
}

/** The name resolution before the connection. */
export interface TraceDns {
  readonly query: string;
  /** Whether the pod's search path applied (pods do; nodes and the host ask for the name as written). */
  readonly searchPath: boolean;
  readonly attempts: readonly TraceDnsAttempt[];
  /** The name that answered, and the CNAME chain it followed (ExternalName). */
  readonly canonicalName?: string;
  readonly cnames: readonly string[];
  readonly addresses: readonly string[];
}

/** What the ingress controller decided (`--via ingress`). */
export interface TraceIngress {
  readonly host: string;
  readonly path: string;
  readonly server: string;
  readonly location?: string;
  /** `namespace/name` of the Ingress whose rule matched. */
  readonly ingress?: string;
  readonly action: 'proxy' | 'default-backend' | 'redirect' | 'error';
  readonly status?: number;
  readonly upstream?: string;
  /** The request-target sent upstream (after rewrite-target). */
  readonly target?: string;
  /**
   * The client address the controller saw (`$remote_addr`, after kube-proxy's
   * SNAT on the way in): what it sends upstream as X-Real-IP and X-Forwarded-For.
   */
  readonly client?: { readonly ip: string; readonly port: number };
  readonly steps: readonly string[];
}

/** Why the receiver sees the source address it sees. */
export type MasqueradeReason =
  /** externalTrafficPolicy Cluster: external traffic is SNATed to the node (KUBE-EXT `masquerade traffic for … external destinations`). */
  | 'external-traffic-policy-cluster'
  /** The node itself sends to an eTP Local Service: `masquerade LOCAL traffic`. */
  | 'local-origin'
  /** The endpoint is the client itself (KUBE-SEP `-s <endpoint> -j KUBE-MARK-MASQ`). */
  | 'hairpin'
  /** A ClusterIP reached from outside the pod network (`! -s <podCIDR> -j KUBE-MARK-MASQ`). */
  | 'off-cluster-source'
  /** kube-proxy runs with `--masquerade-all`, or another rule set the mark. */
  | 'rules'
  /** externalTrafficPolicy Local: the client address is preserved. */
  | 'external-traffic-policy-local'
  /** A pod's address is kept through a Service. */
  | 'pod-source'
  /** Calico's natOutgoing: a pod's packet left its node for an address outside every IP pool (`cali-nat-outgoing`). */
  | 'nat-outgoing'
  /** No Service translated the connection: nothing rewrites the source. */
  | 'no-service'
  /** Addresses kept for another reason (the node's own address reaching a pod). */
  | 'kept';

export interface TraceMasquerade {
  readonly applied: boolean;
  readonly reason: MasqueradeReason;
  readonly explanation: string;
}

/** How the connection ends. */
export interface TraceResult {
  /** Antrea's last observation: Delivered, Dropped or Rejected. */
  readonly action: 'Delivered' | 'Dropped' | 'Rejected';
  /** Where it ends: a pod, a process outside the pod network, or nowhere. */
  readonly kind: 'pod' | 'host' | 'refused' | 'dropped' | 'unresolved';
  readonly reason?: string;
  readonly pod?: {
    readonly namespace: string;
    readonly name: string;
    readonly node: string;
    readonly ip: string;
  };
  readonly host?: { readonly ip: string; readonly port: number };
}

export interface Trace {
  readonly apiVersion: typeof TRACE_API_VERSION;
  readonly kind: 'Trace';
  /** The seed that reproduces this trace (`--seed`). */
  readonly seed: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly source: TraceSource;
  readonly destination: TraceDestination;
  readonly dns?: TraceDns;
  readonly ingress?: TraceIngress;
  /** The Service that translated the connection. */
  readonly service?: TraceService;
  readonly hops: readonly TraceHop[];
  /** Hubble's verdict for the flow this connection would be. */
  readonly verdict: 'FORWARDED' | 'DROPPED';
  readonly result: TraceResult;
  /** The tuple the receiver sees (after DNAT and SNAT). */
  readonly seen?: Tuple;
  readonly masquerade: TraceMasquerade;
  /** Every endpoint the connection could have reached, with its probability. */
  readonly candidates: readonly TraceCandidate[];
}

/** A source or destination that does not exist, or a request that makes no sense. */
export interface TraceProblem {
  readonly reason: 'NotFound' | 'BadRequest';
  /** What was not found: `pods`, `services`, `nodes`, `namespaces`. */
  readonly resource?: string;
  readonly name?: string;
  readonly message: string;
  /** Close matches for a name that was not found. */
  readonly suggestions: readonly string[];
}

/** `traceConnection`'s answer: a trace (which may end Dropped or Rejected), or a problem with the input. */
export type TraceOutcome =
  | { readonly ok: true; readonly trace: Trace }
  | { readonly ok: false; readonly problem: TraceProblem };
