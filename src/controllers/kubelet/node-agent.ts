/**
 * The node half of a kubelet: registers the Node, posts its status and renews
 * its Lease in kube-node-lease (pkg/kubelet/kubelet_node_status.go,
 * nodelease). The Lease is renewed every heartbeat; the Node is written only
 * when its status changes or every nodeStatusReportFrequency (5 min), as
 * upstream does since node leases exist, so 1,000 idle nodes cost one small
 * write per node per heartbeat.
 */
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject, Lease, Node, Typed } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { Registry } from '../../store/registry.js';
import type { TopologyNode } from '../../topology/types.js';
import { type Clock, rfc3339Micro, type TimerHandle } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import type { EventRecorder } from '../runtime/events.js';
import { bootID } from './identity.js';
import { nodeEvents } from './messages.js';
import { kubeletNodeStatus, type NodeVersions, nodeStatusChanged, registrationNode } from './node-status.js';

/** The namespace of node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeAgentConfig {
  readonly node: TopologyNode;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly versions: NodeVersions;
  /** Lease renewal period (topology `heartbeatSeconds`). */
  readonly heartbeatMs: number;
  /** How often the kubelet checks its node status for changes (nodeStatusUpdateFrequency). */
  readonly statusUpdateMs: number;
  /** How often it posts an unchanged status anyway (nodeStatusReportFrequency). */
  readonly statusReportMs: number;
  /** `spec.leaseDurationSeconds` of the Lease. */
  readonly leaseDurationSeconds: number;
}

const NODE = resourceForKind('Node');
const LEASE = resourceForKind('Lease');
const NAMESPACE = resourceForKind('Namespace');

/** Registers one node and keeps it alive; `start`/`stop` follow the kubelet's. */
export class NodeAgent {
  readonly #c: NodeAgentConfig;
  #timers = new Map<string, TimerHandle>();
  #boot = 0;
  #lastReport = 0;
  #running = false;

  constructor(config: NodeAgentConfig) {
    this.#c = config;
  }

  /** Registers (or re-registers after a stop) the Node in boot `boot`, renews the Lease and starts the heartbeats. */
  start(boot: number): void {
    this.#boot = boot;
    this.#running = true;
    this.#register();
    this.renewLease();
    this.#every('lease', this.#c.heartbeatMs, () => this.renewLease());
    this.#every('status', this.#c.statusUpdateMs, () => this.syncStatus());
  }

  /** Stops heartbeating at once; the Node and Lease are left as they are (the node is down). */
  stop(): void {
    this.#running = false;
    for (const t of this.#timers.values()) this.#c.clock.clearTimeout(t);
    this.#timers.clear();
  }

  #every(name: string, ms: number, fn: () => void): void {
    const tick = () => {
      if (!this.#running) return;
      this.#timers.set(name, this.#arm(tick, ms));
      try {
        fn();
      } catch (err) {
        this.#c.logger.warn({ err: errorMessage(err) }, 'Node heartbeat failed');
      }
    };
    this.#timers.set(name, this.#arm(tick, ms));
  }

  #arm(fn: () => void, ms: number): TimerHandle {
    const handle = this.#c.clock.setTimeout(fn, ms);
    handle.unref();
    return handle;
  }

  #ref(): KubeObject {
    // Kubelet node events carry the node name as uid (kubelet `nodeRef`).
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.#c.node.name, uid: this.#c.node.name } };
  }

  #event(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.#c.events.record(this.#ref(), type, reason, message, {
      component: 'kubelet',
      host: this.#c.node.name,
    });
  }

  #register(): void {
    const name = this.#c.node.name;
    let current = this.#c.registry.tryGet<Typed<Node>>(NODE!, undefined, name);
    const previousBoot = current?.status?.nodeInfo?.bootID;
    this.#event('Starting', nodeEvents.starting());
    if (!current) current = this.#c.registry.create(registrationNode(this.#c.node) as Typed<Node>);
    this.#event('NodeAllocatableEnforced', nodeEvents.allocatableEnforced());
    this.#post(current);
    if (previousBoot && previousBoot !== bootID(name, this.#boot)) {
      this.#event('Rebooted', nodeEvents.rebooted(name, bootID(name, this.#boot)), 'Warning');
    }
  }

  #post(current: Typed<Node>): void {
    const now = this.#c.clock.now();
    const { status, transitions } = kubeletNodeStatus(this.#c.node, current.status, {
      now,
      boot: this.#boot,
      versions: this.#c.versions,
    });
    this.#c.registry.update({ ...current, status } as Typed<Node>, { subresource: 'status' });
    this.#lastReport = now;
    for (const t of transitions) this.#event(t, nodeEvents.statusIsNow(this.#c.node.name, t));
  }

  /**
   * Posts the node status when it differs from what the kubelet would post, or
   * when the report period has passed (heartbeat refresh). Called every
   * nodeStatusUpdateFrequency.
   */
  syncStatus(): void {
    const current = this.#c.registry.tryGet<Typed<Node>>(NODE!, undefined, this.#c.node.name);
    if (!current) {
      this.#register();
      return;
    }
    const now = this.#c.clock.now();
    const desired = kubeletNodeStatus(this.#c.node, current.status, {
      now,
      boot: this.#boot,
      versions: this.#c.versions,
    });
    if (
      now - this.#lastReport >= this.#c.statusReportMs ||
      nodeStatusChanged(current.status, desired.status)
    ) {
      this.#post(current);
    }
  }

  /** Creates or renews the node's Lease (`renewTime` now). */
  renewLease(): void {
    const name = this.#c.node.name;
    const now = this.#c.clock.now();
    const lease = this.#c.registry.tryGet<Typed<Lease>>(LEASE!, NODE_LEASE_NAMESPACE, name);
    const spec = {
      holderIdentity: name,
      leaseDurationSeconds: this.#c.leaseDurationSeconds,
      renewTime: rfc3339Micro(now),
    };
    if (lease) {
      this.#c.registry.update({ ...lease, spec: { ...lease.spec, ...spec } });
      return;
    }
    this.#ensureLeaseNamespace();
    const node = this.#c.registry.tryGet<Typed<Node>>(NODE!, undefined, name);
    this.#c.registry.create<Typed<Lease>>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: NODE_LEASE_NAMESPACE,
        ...(node?.metadata.uid
          ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] }
          : {}),
      },
      spec,
    });
  }

  /** kube-node-lease is seeded by the API server; create it if this emulator has not (idempotent). */
  #ensureLeaseNamespace(): void {
    if (this.#c.registry.tryGet(NAMESPACE!, undefined, NODE_LEASE_NAMESPACE)) return;
    try {
      this.#c.registry.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NODE_LEASE_NAMESPACE },
      });
    } catch (err) {
      if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
    }
  }
}
