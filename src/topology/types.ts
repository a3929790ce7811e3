/**
 * The topology of an emulated cluster, after loading, defaulting and validation
 * (`topologies/*.yaml`, `apiVersion: netkube.dev/v1alpha1`, `kind: Cluster`).
 * Everything here is resolved: every node has an address, every address a port.
 */

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables';
export type IpvsScheduler = 'rr' | 'wrr' | 'lc' | 'wlc' | 'dh' | 'sh' | 'sed' | 'nq';
export type IpamType = 'calico' | 'host-local';
export type BlockSelection = 'calico' | 'sequential';
export type Encapsulation = 'IPIP' | 'VXLAN' | 'None';
export type NodeRole = 'control-plane' | 'worker';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeCapacity {
  /** Kubernetes quantity, e.g. `4` or `4000m`. */
  readonly cpu: string;
  /** Kubernetes quantity, e.g. `8Gi`. */
  readonly memory: string;
  readonly pods: number;
}

export interface TopologyNode {
  readonly name: string;
  readonly role: NodeRole;
  /** The node's InternalIP: a loopback address listeners bind to. */
  readonly address: string;
  readonly capacity: NodeCapacity;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

export interface IpamConfig {
  readonly type: IpamType;
  /** Calico block prefix length. @default 26 */
  readonly blockSize: number;
  readonly blockSelection: BlockSelection;
  readonly encapsulation: Encapsulation;
  readonly strictAffinity: boolean;
}

export interface NetworkingConfig {
  /** @default '10.244.0.0/16' */
  readonly podSubnet: string;
  /** @default '10.96.0.0/12' */
  readonly serviceSubnet: string;
  /** @default { base: 30000, size: 2768 } (30000-32767) */
  readonly nodePortRange: { readonly base: number; readonly size: number };
  /** @default 'cluster.local' */
  readonly clusterDomain: string;
  readonly proxyMode: ProxyMode;
  readonly ipvsScheduler: IpvsScheduler;
  readonly ipam: IpamConfig;
  /** Loopback CIDR node addresses come from when a node names none. */
  readonly nodeSubnet: string;
  /** Loopback CIDR LoadBalancer IPs come from (MetalLB-like). */
  readonly loadBalancerPool: string;
}

export interface IngressConfig {
  /** Deploy the ingress-nginx-like controller. @default true */
  readonly enabled: boolean;
  /** @default 30080 */
  readonly httpNodePort: number;
  /** @default 30443 */
  readonly httpsNodePort: number;
  /**
   * Run the controller only on nodes with these labels, tolerating the
   * control-plane taint, as kind's ingress-nginx manifest does
   * (`ingress-ready: "true"` on a node the cluster config labels). Absent
   * (the default): any schedulable node, as the cloud manifests have it.
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

export interface NodeLifecycleConfig {
  /** How long a NotReady node's pods are tolerated before eviction (the `not-ready` toleration). @default 300 */
  readonly podEvictionTimeoutSeconds: number;
  /** How often kubelets heartbeat. @default 10 */
  readonly heartbeatSeconds: number;
  /** How long without a heartbeat before the node goes NotReady/Unknown. @default 40 */
  readonly nodeMonitorGracePeriodSeconds: number;
}

export interface Topology {
  readonly apiVersion: 'netkube.dev/v1alpha1';
  readonly kind: 'Cluster';
  /** Cluster name (also the kubeconfig context name). */
  readonly name: string;
  readonly api: HostPort;
  readonly networking: NetworkingConfig;
  /** Host-facing cluster DNS server (UDP and TCP). */
  readonly dns: HostPort;
  /** Host-facing SOCKS5 gateway into the virtual network. */
  readonly socks: HostPort;
  readonly ingress: IngressConfig;
  readonly nodeLifecycle: NodeLifecycleConfig;
  readonly nodes: readonly TopologyNode[];
  /** Set when the file opts in to node addresses outside 127.0.0.0/8. */
  readonly allowNonLoopback: boolean;
  /** The file it came from, for messages; undefined for the embedded default. */
  readonly source?: string;
}
