/**
 * The shapes of the NetworkReadModel (see `network-model.ts`): what other
 * parts read (PodAttachment, NodeNetwork) and what the model keeps internally.
 */
import { type Cidr, formatIPv4 } from '../ipam/ipv4.js';
import { NO_ENCAPSULATION, type NodeView, type PoolMode, podMtu } from './route-rules.js';
import type { Encapsulation, Route } from './routes.js';
import { bridgeVethName, vethNameForWorkload } from './veth.js';

export type NetworkMode = 'calico' | 'host-local';

/** A pod attached to the network. */
export interface PodAttachment {
  readonly ip: string;
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
  /** Host-side interface (`cali…` or `veth…`). */
  readonly veth: string;
  /** Index of the host-side interface (`eth0@if<N>` inside the pod). */
  readonly hostIfindex: number;
  readonly mode: NetworkMode;
  readonly mtu: number;
  /** How traffic to this pod's block travels between nodes (`None` for host-local). */
  readonly encapsulation: Encapsulation;
  /** Prefix length on eth0: 32 under Calico, the podCIDR's under host-local. */
  readonly prefixLength: number;
  /** The pod's default gateway: 169.254.1.1 (Calico) or the bridge's `.1`. */
  readonly gateway: string;
}

/** What the model knows about a node. */
export interface NodeNetwork {
  readonly name: string;
  readonly address: string | undefined;
  readonly podCIDR: string | undefined;
  readonly ipipTunnel: string | undefined;
  readonly vxlanTunnel: string | undefined;
}

/** A node as the model keeps it (internal to cni/). */
export interface NodeState extends NodeView {
  address: number | undefined;
  subnet: Cidr | undefined;
  vxlanTunnel: string | undefined;
  ipipTunnel: string | undefined;
  podCidr: Cidr | undefined;
  nextIfindex: number;
  /** The node's own routes, for `nodesVersion` (see `route-view.ts`). */
  base?: { readonly version: number; readonly routes: readonly Route[] };
  /** Addresses of the pods on this node. */
  readonly pods: Set<number>;
}

/** An address range owned by a node: a Calico block, or a node's podCIDR (host-local). */
export interface BlockState {
  readonly cidr: Cidr;
  readonly owner: string | undefined;
  readonly mode: PoolMode;
}

export interface NetworkReadModelConfig {
  readonly mode: NetworkMode;
  /** The topology's node subnet (for the nodes' own routes). */
  readonly nodeSubnet?: string;
}

/** Calico's fixed next hop inside every pod (answered by proxy ARP). */
export const CALICO_POD_GATEWAY = '169.254.1.1';

/** A pod's attachment record: veth name, MTU, eth0 prefix and gateway by mode. Pure. */
export function podAttachment(
  p: { readonly ip: string; readonly namespace: string; readonly pod: string; readonly node: string },
  at: {
    readonly mode: NetworkMode;
    readonly podCidr: Cidr | undefined;
    readonly blockMode: PoolMode | undefined;
    readonly hostIfindex: number;
  },
): PodAttachment {
  const hostLocal = at.mode === 'host-local';
  const mode = hostLocal ? NO_ENCAPSULATION : (at.blockMode ?? NO_ENCAPSULATION);
  return {
    ip: p.ip,
    namespace: p.namespace,
    pod: p.pod,
    node: p.node,
    veth: hostLocal ? bridgeVethName(p.namespace, p.pod) : vethNameForWorkload(p.namespace, p.pod),
    hostIfindex: at.hostIfindex,
    mode: at.mode,
    mtu: podMtu(mode),
    encapsulation: mode.kind,
    prefixLength: hostLocal && at.podCidr ? at.podCidr.prefix : 32,
    gateway: hostLocal && at.podCidr ? formatIPv4(at.podCidr.network + 1) : CALICO_POD_GATEWAY,
  };
}
