/**
 * Every kubelet of a cluster, for the emulator: one `Kubelet` per topology
 * node sharing one pod dispatcher, with per-node `stopNode`/`startNode` for
 * `netkube node stop|start`.
 */
import type { TopologyNode } from '../../topology/types.js';
import { UserError } from '../../util/errors.js';
import { Kubelet, type KubeletConfig } from './kubelet.js';
import { PodDispatcher } from './pod-source.js';

export interface KubeletsConfig extends Omit<KubeletConfig, 'nodeName' | 'topologyNode' | 'pods'> {
  readonly nodes: readonly TopologyNode[];
}

export class Kubelets {
  readonly #kubelets = new Map<string, Kubelet>();

  constructor(config: KubeletsConfig) {
    const pods = new PodDispatcher(config.store);
    const { nodes, ...shared } = config;
    for (const node of nodes) {
      if (this.#kubelets.has(node.name)) throw new UserError(`Duplicate node name ${node.name}`);
      this.#kubelets.set(
        node.name,
        new Kubelet({ ...shared, nodeName: node.name, topologyNode: node, pods }),
      );
    }
  }

  /** The kubelet of a node, or undefined for an unknown name. */
  get(nodeName: string): Kubelet | undefined {
    return this.#kubelets.get(nodeName);
  }

  get nodeNames(): string[] {
    return [...this.#kubelets.keys()];
  }

  /** Starts every node (a running one is left alone); aborting `signal` stops them all. */
  start(signal?: AbortSignal): void {
    for (const k of this.#kubelets.values()) k.start(signal);
  }

  /** Stops every node (emulator shutdown). */
  async stop(): Promise<void> {
    await Promise.all([...this.#kubelets.values()].map((k) => k.stop()));
  }

  /** `netkube node stop NAME`. Throws a UserError for an unknown node. */
  async stopNode(nodeName: string): Promise<void> {
    await this.#require(nodeName).stop();
  }

  /** `netkube node start NAME`. Throws a UserError for an unknown node. */
  startNode(nodeName: string): void {
    this.#require(nodeName).start();
  }

  #require(nodeName: string): Kubelet {
    const k = this.#kubelets.get(nodeName);
    if (!k) throw new UserError(`Node ${nodeName} not found; nodes are: ${this.nodeNames.join(', ')}`);
    return k;
  }
}
