/**
 * The vocabulary of NetworkPolicy evaluation (reference calico.md §4): the
 * connection being decided, the cluster as the evaluator reads it
 * (`PolicyView`), compiled policies, and the verdict with its reason.
 *
 * Everything here is plain data (no class instances, no functions beyond the
 * view's lookups and the compiled selectors), so a verdict can travel in a
 * trace hop, a flow record or a JSON response unchanged.
 */
import type { Labels, Selector } from '../../api/labels.js';
import type { Cidr } from '../../util/ipv4.js';

/** The protocols a NetworkPolicy port can name (`NetworkPolicyPort.protocol`). */
export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A policy direction, spelled as `spec.policyTypes` spells it. */
export type PolicyDirection = 'Ingress' | 'Egress';

/**
 * The first packet of a connection as the policy sees it: after kube-proxy's
 * DNAT (so the destination is the endpoint pod and its target port) and, for
 * ingress, with the source the destination node receives (see `path.ts`).
 */
export interface PolicyConnection {
  readonly protocol: PolicyProtocol;
  readonly srcIP: string;
  readonly srcPort: number;
  readonly dstIP: string;
  readonly dstPort: number;
}

/** `namespace/name` of a namespaced object. */
export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

/** A named container port, for named ports in policy rules. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: PolicyProtocol;
}

/** A pod as policy sees it: only pod-network pods (hostNetwork pods are nodes to policy). */
export interface PolicyPod extends ObjectRef {
  readonly labels: Labels;
  /** `spec.nodeName`, for the local-node exemption. */
  readonly node: string | undefined;
  /** Its containers' named ports. */
  readonly ports: readonly NamedPort[];
}

/**
 * The cluster as the evaluator reads it. Implemented by `PolicyTables`
 * (snapshots and the store-backed index); lookups must be cheap (map reads),
 * as the planner asks twice per new connection.
 */
export interface PolicyView {
  /** The pod-network pod holding `ip`; undefined for nodes, hostNetwork pods and outside addresses. */
  podByIP(ip: string): PolicyPod | undefined;
  /** A namespace's labels (always with `kubernetes.io/metadata.name`). */
  namespaceLabels(namespace: string): Labels;
  /** The namespace's compiled policies, in Calico's evaluation order (by name). */
  policiesIn(namespace: string): readonly CompiledPolicy[];
  /** The node whose InternalIP is `ip`. */
  nodeByIP(ip: string): string | undefined;
}

/** One `from`/`to` item, compiled. */
export type CompiledPeer =
  /** `podSelector` and/or `namespaceSelector` (absent selectors are undefined). */
  | {
      readonly kind: 'pods';
      readonly podSelector: Selector | undefined;
      readonly namespaceSelector: Selector | undefined;
      /** How the peer reads in a trace (`namespaceSelector team=a + podSelector app=web`). */
      readonly text: string;
    }
  /** `ipBlock`; `cidr` is undefined when it can never match (IPv6 in single-stack netkube). */
  | {
      readonly kind: 'ipBlock';
      readonly cidr: Cidr | undefined;
      readonly except: readonly Cidr[];
      readonly text: string;
    };

/** One `ports` item, compiled (protocol made explicit, as the API server defaults it). */
export interface CompiledPort {
  readonly protocol: PolicyProtocol;
  /** A number, a named port, or undefined for every port of the protocol. */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
  readonly text: string;
}

/** One ingress or egress rule: (peers empty or one matches) and (ports empty or one matches). */
export interface CompiledRule {
  readonly peers: readonly CompiledPeer[];
  readonly ports: readonly CompiledPort[];
}

/** A NetworkPolicy compiled once, when it is stored. */
export interface CompiledPolicy {
  readonly ref: ObjectRef;
  readonly podSelector: Selector;
  /** Whether the policy isolates the pods it selects for ingress (`policyTypes`, defaulted). */
  readonly ingressIsolates: boolean;
  readonly egressIsolates: boolean;
  readonly ingress: readonly CompiledRule[];
  readonly egress: readonly CompiledRule[];
  /** Parts of the policy that can never match, said for people (never an error: the API accepted them). */
  readonly diagnostics: readonly string[];
}

/** Why a direction was allowed or denied. */
export type PolicyReason =
  /** Emitted when the policed end is not a pod (a node, a hostNetwork pod, outside): policy does not apply. */
  | { readonly kind: 'not-a-pod' }
  /** Emitted when no policy of the pod's namespace selects it for this direction. */
  | { readonly kind: 'not-isolated' }
  /** Emitted when the pod talks to itself (never policed, calico.md §4.1.10). */
  | { readonly kind: 'self' }
  /** Emitted for ingress from the pod's own node (Calico does not police host → local pod). */
  | { readonly kind: 'local-node'; readonly node: string }
  /** Emitted when a rule allowed it: the first in evaluation order (policies by name, rules in order). */
  | {
      readonly kind: 'rule';
      readonly policy: ObjectRef;
      /** Index in `spec.ingress` / `spec.egress`. */
      readonly rule: number;
      /** The matching `from`/`to` item; undefined when the rule has no peers (any peer). */
      readonly peer: { readonly index: number; readonly text: string } | undefined;
      /** The matching `ports` item; undefined when the rule has no ports (every port). */
      readonly port: { readonly index: number; readonly text: string } | undefined;
    }
  /** Emitted when the pod is isolated and no rule of any selecting policy matched. */
  | { readonly kind: 'default-deny' };

/** The decision for one direction of one connection. */
export interface PolicyVerdict {
  readonly direction: PolicyDirection;
  readonly allowed: boolean;
  readonly reason: PolicyReason;
  readonly connection: PolicyConnection;
  /** The policed pod: the source for Egress, the destination for Ingress; undefined when not a pod. */
  readonly pod: ObjectRef | undefined;
  /** Policies selecting the pod for this direction, in evaluation order; empty when not isolated. */
  readonly selectedBy: readonly ObjectRef[];
}

/** Both directions of a connection: allowed only when both are. */
export interface ConnectionVerdict {
  readonly allowed: boolean;
  readonly egress: PolicyVerdict;
  readonly ingress: PolicyVerdict;
}
