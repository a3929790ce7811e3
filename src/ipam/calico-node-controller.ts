/**
 * The per-node IPAM duties of calico/node and kube-controllers, as one
 * controller over Node objects: a node that appears (or whose labels change)
 * gets its tunnel addresses (`reconcileTunnelAddresses`: IPIP/VXLAN pools that
 * select it); a deleted node has everything released (`releaseNode`). The
 * default pool is created at start when the cluster has none.
 *
 * The CNI plugin also reconciles the node's tunnel addresses before a pod's
 * first allocation, so ordering between this controller and the kubelet never
 * changes which address comes first.
 */
import type { KubeObject } from '../api/types.js';
import { Controller } from '../controllers/runtime/controller.js';
import { inform } from '../controllers/runtime/informer.js';
import type { Logger } from '../log/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Unsubscribe } from '../store/watch.js';
import type { NetworkingConfig } from '../topology/types.js';
import type { Clock } from '../util/clock.js';
import type { CalicoIpam } from './allocator.js';
import { reconcileTunnelAddresses, releaseNode } from './node-addresses.js';

export interface CalicoNodeControllerConfig {
  readonly ipam: CalicoIpam;
  /** The store whose Node objects the controller follows. */
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** For the default pool (`podSubnet`, `ipam`); omit to create none. */
  readonly networking?: Pick<NetworkingConfig, 'podSubnet' | 'ipam'>;
}

export class CalicoNodeController {
  readonly name = 'calico-node';
  readonly #ipam: CalicoIpam;
  readonly #store: ObjectStore;
  readonly #logger: Logger;
  readonly #networking: Pick<NetworkingConfig, 'podSubnet' | 'ipam'> | undefined;
  readonly #controller: Controller;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: CalicoNodeControllerConfig) {
    this.#ipam = config.ipam;
    this.#store = config.store;
    this.#logger = config.logger;
    this.#networking = config.networking;
    this.#controller = new Controller({
      name: 'calico-node',
      clock: config.clock,
      logger: config.logger,
      reconcile: (name) => this.reconcile(name),
    });
  }

  get idle(): boolean {
    return this.#controller.queue.idle;
  }

  /** Creates the default pool if needed, then follows Node objects. */
  start(signal: AbortSignal): void {
    if (this.#networking) {
      const created = this.#ipam.ensureDefaultPool(this.#networking);
      if (created)
        this.#logger.info({ pool: created.metadata.name, cidr: created.spec.cidr }, 'Created default IPPool');
    }
    this.#unsubscribe = inform<KubeObject>(this.#store, 'nodes', {
      onAdd: (n) => this.#controller.enqueue(n.metadata.name ?? ''),
      onUpdate: (prev, n) => {
        if (JSON.stringify(prev.metadata.labels) !== JSON.stringify(n.metadata.labels)) {
          this.#controller.enqueue(n.metadata.name ?? '');
        }
      },
      onDelete: (n) => this.#controller.enqueue(n.metadata.name ?? ''),
    });
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#controller.stop();
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  /** Tunnel addresses for an existing node; release of everything for a gone one. */
  reconcile(name: string): void {
    if (this.#ipam.io.exists('nodes', name)) {
      const tunnels = reconcileTunnelAddresses(this.#ipam, name);
      this.#logger.debug({ node: name, ...tunnels }, 'Reconciled tunnel addresses');
      return;
    }
    const released = releaseNode(this.#ipam, name);
    if (released.handles + released.blocks > 0)
      this.#logger.info({ node: name, ...released }, 'Released IPAM of deleted node');
  }
}
