/**
 * The bridge + host-local CNI setup as the kubelet's NetworkPlugin (reference
 * calico.md §3.2), for topologies with `ipam.type: host-local`: each pod takes
 * the next address of its node's `spec.podCIDR` (`.1` is the bridge `cni0`),
 * round-robin, and is attached to the bridge through a `veth…` interface.
 * Like the plugin's files under /var/lib/cni/networks on a node, the
 * allocations live with the node: a node that is re-created starts empty.
 */
import type { Node, Pod, Typed } from '../api/types.js';
import type { NetworkPlugin } from '../controllers/kubelet/runtime.js';
import { HostLocalRange } from '../ipam/host-local.js';
import { formatCidr, formatIPv4, parseCidr } from '../ipam/ipv4.js';
import type { Logger } from '../log/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { containerIdOf } from './container-id.js';
import { PodNetworkSetupError } from './errors.js';
import type { NetworkReadModel } from './network-model.js';

export interface HostLocalNetworkPluginConfig {
  readonly store: ObjectStore;
  readonly model: NetworkReadModel;
  readonly logger: Logger;
}

interface NodeRange {
  readonly uid: string | undefined;
  readonly podCIDR: string;
  readonly range: HostLocalRange;
}

export class HostLocalNetworkPlugin implements NetworkPlugin {
  readonly #store: ObjectStore;
  readonly #model: NetworkReadModel;
  readonly #logger: Logger;
  readonly #ranges = new Map<string, NodeRange>();

  constructor(config: HostLocalNetworkPluginConfig) {
    if (config.model.mode !== 'host-local')
      throw new Error('HostLocalNetworkPlugin needs a host-local NetworkReadModel');
    this.#store = config.store;
    this.#model = config.model;
    this.#logger = config.logger;
  }

  #rangeOf(nodeName: string): NodeRange {
    const node = this.#store.get<Typed<Node>>('nodes', undefined, nodeName);
    const text = node?.spec?.podCIDR;
    const cidr = text ? parseCidr(text) : undefined;
    if (!node || !cidr) {
      throw new PodNetworkSetupError(
        'bridge',
        `node ${nodeName} has no spec.podCIDR (the node IPAM controller assigns one)`,
      );
    }
    const current = this.#ranges.get(nodeName);
    if (current && current.uid === node.metadata.uid && current.podCIDR === text) return current;
    const created = { uid: node.metadata.uid, podCIDR: formatCidr(cidr), range: new HostLocalRange(cidr) };
    this.#ranges.set(nodeName, created);
    return created;
  }

  /** CNI ADD: the next free address of the node's podCIDR. Idempotent per pod. */
  setUp(pod: Pod, nodeName: string): { readonly ip: string } {
    const { range } = this.#rangeOf(nodeName);
    const got = range.allocate(containerIdOf(pod));
    if (typeof got === 'string') throw new PodNetworkSetupError('bridge', got);
    const ip = formatIPv4(got);
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    if (this.#model.podByIP(ip)?.pod !== name)
      this.#model.addPod({ ip, namespace, pod: name, node: nodeName });
    this.#logger.debug({ pod: `${namespace}/${name}`, node: nodeName, ip }, 'Pod network set up');
    return { ip };
  }

  /** CNI DEL: frees the pod's address. Idempotent. */
  tearDown(pod: Pod, nodeName: string): void {
    const entry = this.#ranges.get(nodeName);
    const ip = entry?.range.addressOf(containerIdOf(pod));
    if (ip === undefined) return;
    entry?.range.release(containerIdOf(pod));
    this.#model.removePod(ip);
  }
}
