/**
 * The live `PathWorld`: the path planner's view of the running cluster, built
 * from the topology's nodes, kube-proxy's RuleSets, the CNI read model and the
 * pod sandboxes. The tracer builds its own world over the same sources.
 * Given the store, it also enforces NetworkPolicy (cni/policy).
 */
import type { NetworkReadModel } from '../cni/network-model.js';
import { evaluateEgress, evaluateIngress, PolicyIndex } from '../cni/policy/index.js';
import { renderRoute } from '../cni/routes.js';
import { HOST_GATEWAY_IP } from '../dns/zone.js';
import type { AffinityTable, IpvsState } from '../proxy/affinity.js';
import { evaluatePacket } from '../proxy/evaluate/evaluate.js';
import type { RuleSet } from '../proxy/ruleset.js';
import type { ObjectStore } from '../store/object-store.js';
import { type Cidr, cidrContainsText, parseCidr } from '../util/ipv4.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { PathPod, PathRoute, PathWorld } from './path.js';

export interface PathWorldConfig {
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly address: string }>;
  readonly ruleSet: (node: string) => RuleSet | undefined;
  readonly network: NetworkReadModel;
  readonly sandboxes: PodSandboxRegistry;
  readonly podSubnet: string;
  readonly serviceSubnet: string;
  /** Nodes currently stopped (`netkube node stop`). */
  readonly downNodes: ReadonlySet<string>;
  /**
   * The kernel state of a node's kube-proxy rules: `recent` affinity lists and
   * ipvs counters/cursors are per node, as on real nodes.
   */
  readonly nodeState: (node: string) => NodeProxyState;
  /**
   * The cluster's objects, for NetworkPolicy: with it the world follows
   * NetworkPolicies, Pods, Namespaces and Nodes (a `PolicyIndex` subscribed
   * for the store's lifetime) and the planner enforces them; without it no
   * policy is enforced (the behaviour before NetworkPolicy support).
   */
  readonly store?: ObjectStore;
}

/** Per-node state the rules read (and the executor updates). */
export interface NodeProxyState {
  readonly affinity: AffinityTable;
  readonly ipvs: IpvsState;
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new TypeError(`Invalid CIDR ${text}`);
  return c;
}

export function createPathWorld(config: PathWorldConfig): PathWorld {
  const byAddress = new Map(config.nodes.map((n) => [n.address, n.name]));
  const addressOf = new Map(config.nodes.map((n) => [n.name, n.address]));
  const pods = cidr(config.podSubnet);
  const services = cidr(config.serviceSubnet);
  const policies = config.store ? policyIndex(config.store, config.network) : undefined;
  const pathPods = new WeakMap<object, PathPod>();
  const pathRoutes = new Map<string, PathRoute | undefined>();
  let routesVersion = -1;
  return {
    nodeByAddress: (ip) => byAddress.get(ip),
    nodeAddress: (node) => addressOf.get(node),
    nodeUp: (node) => !config.downNodes.has(node),
    ruleSet: config.ruleSet,
    evaluate(ruleSet, packet, options) {
      const state = config.nodeState(ruleSet.options.nodeName);
      // Named fields, not a spread: this runs for every new connection, and spreading the
      // caller's options object cost more than the remembered walk it leads to.
      return evaluatePacket(ruleSet, packet, {
        random: options.random,
        now: options.now ?? 0,
        explore: options.explore ?? true,
        affinity: state.affinity,
        ipvsConnections: state.ipvs,
        ipvsCursors: state.ipvs,
      });
    },
    podByIP(ip) {
      const a = config.network.podByIP(ip);
      if (!a) return undefined;
      // One PathPod per attachment (the model replaces an attachment, never changes it): a
      // plan asks several times per connection.
      let pod = pathPods.get(a);
      if (!pod) {
        pod = { ip: a.ip, namespace: a.namespace, name: a.pod, node: a.node, veth: a.veth };
        pathPods.set(a, pod);
      }
      return pod;
    },
    route(node, ip): PathRoute | undefined {
      // Looked up and rendered once per (node, address) while the network model is unchanged
      // (every change bumps its version): a plan asks several times per connection.
      if (routesVersion !== config.network.version) {
        pathRoutes.clear();
        routesVersion = config.network.version;
      }
      const key = `${node}|${ip}`;
      const known = pathRoutes.get(key);
      if (known !== undefined || pathRoutes.has(key)) return known;
      const r = config.network.lookupRoute(node, ip);
      const made = r
        ? pathRoute(r, r.kind === 'remote' ? tunnelAddress(config.network, node, r.dev) : undefined)
        : undefined;
      if (pathRoutes.size >= 65_536) pathRoutes.clear();
      pathRoutes.set(key, made);
      return made;
    },
    podListening: (ip, protocol, port) => config.sandboxes.get(ip)?.accepts(protocol, port) ?? false,
    inPodSubnet: (ip) => cidrContainsText(pods, ip),
    inServiceSubnet: (ip) => cidrContainsText(services, ip),
    natOutgoing: (src, dst) => config.network.natOutgoing(src, dst),
    hostGatewayIP: HOST_GATEWAY_IP,
    ...(policies
      ? {
          hasPolicies: () => policies.policyCount > 0,
          policy: (direction, connection) =>
            direction === 'Ingress'
              ? evaluateIngress(policies, connection)
              : evaluateEgress(policies, connection),
        }
      : {}),
  };
}

function pathRoute(
  r: NonNullable<ReturnType<NetworkReadModel['lookupRoute']>>,
  src: string | undefined,
): PathRoute {
  const text = renderRoute(r);
  switch (r.kind) {
    case 'local-pod':
      return { kind: 'local-pod', text };
    case 'remote':
      return {
        kind: 'remote',
        text,
        node: r.node,
        encapsulation: r.encapsulation === 'IPIP' || r.encapsulation === 'VXLAN' ? r.encapsulation : 'None',
        dev: r.dev,
        src,
      };
    case 'blackhole':
      return { kind: 'blackhole', text };
    default:
      return { kind: 'other', text };
  }
}

/**
 * The address of the node's tunnel device a route leaves by (undefined for
 * eth0). Read from the model's node state: `network.node()` would build a
 * listing object on this per-connection path.
 */
function tunnelAddress(network: NetworkReadModel, node: string, dev: string): string | undefined {
  if (dev === 'tunl0') return network.nodes.get(node)?.ipipTunnel;
  if (dev === 'vxlan.calico') return network.nodes.get(node)?.vxlanTunnel;
  return undefined;
}

/**
 * A started policy index over the store. Addresses are resolved through the
 * CNI read model, the same table the planner delivers by, so policy and
 * delivery always agree on which pod holds an address.
 */
function policyIndex(store: ObjectStore, network: NetworkReadModel): PolicyIndex {
  const index = new PolicyIndex({
    store,
    locate: (ip) => {
      const a = network.podByIP(ip);
      return a ? { namespace: a.namespace, name: a.pod } : undefined;
    },
  });
  index.start();
  return index;
}
