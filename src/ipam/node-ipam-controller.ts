/**
 * Kubernetes' node IPAM controller (kube-controller-manager
 * `--allocate-node-cidrs`, `range_allocator.go`, reference calico.md §3.1), used
 * when the topology's IPAM is `host-local`: every Node gets `spec.podCIDR` and
 * `spec.podCIDRs` (one `/24` of the cluster CIDR by default), round-robin;
 * a deleted node's CIDR is released. At start every existing podCIDR, and the
 * service CIDR where it overlaps, are occupied. A full range leaves the node
 * without a podCIDR and records `CIDRNotAvailable` on it.
 */
import type { Node, Typed } from '../api/types.js';
import { Controller } from '../controllers/runtime/controller.js';
import type { EventRecorder } from '../controllers/runtime/events.js';
import { inform } from '../controllers/runtime/informer.js';
import type { Logger } from '../log/index.js';
import type { Registry } from '../store/registry.js';
import type { Unsubscribe } from '../store/watch.js';
import type { Clock } from '../util/clock.js';
import { CidrSet } from './host-local.js';
import { type Cidr, formatCidr, parseCidr } from './ipv4.js';

type NodeObject = Typed<Node>;

export interface NodeIpamControllerConfig {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `--cluster-cidr` (the topology's podSubnet). */
  readonly clusterCidr: string;
  /** `--service-cluster-ip-range`, occupied where it overlaps the cluster CIDR. */
  readonly serviceSubnet: string;
  /** `--node-cidr-mask-size-ipv4`. @default 24 */
  readonly nodeMask?: number;
  readonly events?: EventRecorder;
}

function parse(text: string, what: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new RangeError(`${what} ${JSON.stringify(text)} is not an IPv4 CIDR`);
  return { network: c.network, prefix: c.prefix };
}

export class NodeIpamController {
  readonly name = 'nodeipam';
  readonly #registry: Registry;
  readonly #logger: Logger;
  readonly #events: EventRecorder | undefined;
  readonly #set: CidrSet;
  readonly #service: Cidr;
  readonly #controller: Controller;
  /** node → the CIDR it holds. */
  readonly #held = new Map<string, Cidr>();
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: NodeIpamControllerConfig) {
    this.#registry = config.registry;
    this.#logger = config.logger;
    this.#events = config.events;
    this.#set = new CidrSet(parse(config.clusterCidr, 'Cluster CIDR'), config.nodeMask ?? 24);
    this.#service = parse(config.serviceSubnet, 'Service subnet');
    this.#controller = new Controller({
      name: 'nodeipam',
      clock: config.clock,
      logger: config.logger,
      reconcile: (name) => this.reconcile(name),
    });
  }

  get idle(): boolean {
    return this.#controller.queue.idle;
  }

  /** Occupies existing podCIDRs and the service range, then assigns the rest. */
  start(signal: AbortSignal): void {
    this.#set.occupy(this.#service);
    for (const node of this.#registry.store.list<NodeObject>('nodes')) {
      const cidr = node.spec?.podCIDR ? parseCidr(node.spec.podCIDR) : undefined;
      if (cidr) {
        this.#set.occupy(cidr);
        this.#held.set(node.metadata.name ?? '', cidr);
      }
    }
    this.#unsubscribe = inform<NodeObject>(this.#registry.store, 'nodes', {
      onAdd: (n) => this.#controller.enqueue(n.metadata.name ?? ''),
      onUpdate: (_, n) => this.#controller.enqueue(n.metadata.name ?? ''),
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

  /** The podCIDR the controller assigned to or found on `node`. */
  podCidrOf(node: string): string | undefined {
    const c = this.#held.get(node);
    return c ? formatCidr(c) : undefined;
  }

  /** Brings one node in line (`AllocateOrOccupyCIDR` / `ReleaseCIDR`). */
  reconcile(name: string): void {
    const node = this.#registry.store.get<NodeObject>('nodes', undefined, name);
    const held = this.#held.get(name);
    if (!node) {
      if (held) this.#set.release(held);
      this.#held.delete(name);
      return;
    }
    if (node.spec?.podCIDR) {
      const cidr = parseCidr(node.spec.podCIDR);
      if (cidr && !held) {
        this.#set.occupy(cidr);
        this.#held.set(name, cidr);
      }
      return;
    }
    const cidr = held ?? this.#set.allocateNext();
    if (typeof cidr === 'string') {
      this.#logger.warn({ node: name }, cidr);
      this.#events?.record(
        node,
        'Normal',
        'CIDRNotAvailable',
        `Node ${name} status is now: CIDRNotAvailable`,
        {
          component: 'cidrAllocator',
        },
      );
      return;
    }
    this.#held.set(name, cidr);
    const text = formatCidr(cidr);
    this.#registry.update({ ...node, spec: { ...node.spec, podCIDR: text, podCIDRs: [text] } });
    this.#logger.info({ node: name, podCIDR: text }, 'Set node PodCIDR');
  }
}
