/**
 * The pod network as one managed component, wired from the topology: the
 * IPAM allocator (Calico) or the node IPAM controller (host-local), the
 * NetworkPlugin for the kubelets, the read model for the dataplane and the
 * tracer, and the extension routes for the server. The emulator builds one,
 * hands `plugin` to every kubelet, registers `routes`, and starts it with the
 * other controllers (it satisfies the ControllerManager's interface).
 *
 * The IPPool admission plugin is separate (`ipPoolAdmission` in ipam/): it must
 * be given to the Registry when the Registry is built, before this exists.
 */
import type { NetworkPlugin } from '../controllers/kubelet/runtime.js';
import type { EventRecorder } from '../controllers/runtime/events.js';
import { CalicoIpam } from '../ipam/allocator.js';
import { CalicoNodeController } from '../ipam/calico-node-controller.js';
import { ipamExtensionRoutes } from '../ipam/extension.js';
import { EmptyBlockCollector } from '../ipam/node-addresses.js';
import { NodeIpamController } from '../ipam/node-ipam-controller.js';
import type { Logger } from '../log/index.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { Registry } from '../store/registry.js';
import type { Unsubscribe } from '../store/watch.js';
import type { NetworkingConfig } from '../topology/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { CalicoNetworkPlugin } from './calico-plugin.js';
import { cniExtensionRoutes } from './extension.js';
import { HostLocalNetworkPlugin } from './host-local-plugin.js';
import { NetworkReadModel } from './network-model.js';
import { syncNetworkModel } from './sync.js';

export interface PodNetworkStackConfig {
  readonly registry: Registry;
  readonly clock: Clock;
  /** The component logger (`logger.child({ component: 'cni' })`). */
  readonly logger: Logger;
  readonly networking: NetworkingConfig;
  readonly events?: EventRecorder;
  /** How often the IPAM GC looks for empty blocks (Calico mode). @default 300_000 */
  readonly gcIntervalMs?: number;
}

interface Part {
  start(signal: AbortSignal): void;
  stop(): Promise<void>;
  readonly idle: boolean;
  whenIdle(): Promise<void>;
}

export class PodNetworkStack {
  readonly name = 'pod-network';
  readonly model: NetworkReadModel;
  readonly plugin: NetworkPlugin;
  /** The Calico allocator; undefined in host-local mode. */
  readonly ipam: CalicoIpam | undefined;
  readonly routes: readonly ExtensionRoute[];
  readonly #config: PodNetworkStackConfig;
  readonly #parts: Part[] = [];
  readonly #gc: EmptyBlockCollector | undefined;
  #unsync: Unsubscribe | undefined;
  #gcTimer: TimerHandle | undefined;

  constructor(config: PodNetworkStackConfig) {
    this.#config = config;
    const { registry, clock, logger, networking } = config;
    const ipamType = networking.ipam.type;
    this.model = new NetworkReadModel({
      mode: ipamType === 'calico' ? 'calico' : 'host-local',
      nodeSubnet: networking.nodeSubnet,
    });
    if (ipamType === 'calico') {
      const ipam = new CalicoIpam({
        registry,
        clock,
        logger: logger.child({ component: 'ipam' }),
        blockSelection: networking.ipam.blockSelection,
        strictAffinity: networking.ipam.strictAffinity,
      });
      this.ipam = ipam;
      this.plugin = new CalicoNetworkPlugin({ ipam, clock, logger });
      this.#parts.push(new CalicoNodeController({ ipam, store: registry.store, clock, logger, networking }));
      this.#gc = new EmptyBlockCollector({ ipam, clock });
    } else {
      this.ipam = undefined;
      this.plugin = new HostLocalNetworkPlugin({ store: registry.store, model: this.model, logger });
      this.#parts.push(
        new NodeIpamController({
          registry,
          clock,
          logger,
          clusterCidr: networking.podSubnet,
          serviceSubnet: networking.serviceSubnet,
          ...(config.events ? { events: config.events } : {}),
        }),
      );
    }
    this.routes = [
      ...ipamExtensionRoutes({ store: registry.store, type: ipamType }),
      ...cniExtensionRoutes({ model: this.model }),
    ];
  }

  get idle(): boolean {
    return this.#parts.every((p) => p.idle);
  }

  /** Follows the store and starts the node controller (and the IPAM GC timer). */
  start(signal: AbortSignal): void {
    this.#unsync = syncNetworkModel({
      store: this.#config.registry.store,
      model: this.model,
      logger: this.#config.logger,
    });
    for (const p of this.#parts) p.start(signal);
    if (this.#gc) this.#scheduleGc();
  }

  #scheduleGc(): void {
    const gc = this.#gc;
    if (!gc) return;
    this.#gcTimer = this.#config.clock.setTimeout(() => {
      try {
        const released = gc.collect();
        if (released.length > 0) this.#config.logger.info({ blocks: released }, 'Released empty IPAM blocks');
      } catch (err) {
        this.#config.logger.warn({ err: String(err) }, 'IPAM garbage collection failed');
      }
      this.#scheduleGc();
    }, this.#config.gcIntervalMs ?? 300_000);
    this.#gcTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#gcTimer) this.#config.clock.clearTimeout(this.#gcTimer);
    this.#gcTimer = undefined;
    this.#unsync?.();
    await Promise.all(this.#parts.map((p) => p.stop()));
  }

  async whenIdle(): Promise<void> {
    await Promise.all(this.#parts.map((p) => p.whenIdle()));
  }
}
