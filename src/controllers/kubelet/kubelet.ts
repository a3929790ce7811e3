/**
 * The kubelet of one emulated node: registers and heartbeats its Node
 * (`node-agent.ts`) and runs the pods bound to it (`pod-worker.ts`), through
 * the NetworkPlugin, ContainerRuntime and Prober seams. `stop()` is the node
 * going down (`netkube node stop`): heartbeats stop, containers die, nothing
 * is written; `start()` again is the node coming back: it re-registers with a
 * new boot ID and resumes its pods (restarting their containers) or finishes
 * the deletions that happened meanwhile.
 */
import { release } from 'node:os';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { WatchEvent } from '../../store/watch.js';
import type { TopologyNode } from '../../topology/types.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage, UserError } from '../../util/errors.js';
import { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { PodWorkerContext } from './context.js';
import { ImagePuller } from './image-puller.js';
import { NodeAgent } from './node-agent.js';
import type { NodeVersions } from './node-status.js';
import { PodDispatcher, podsOnNode, type StoredPod } from './pod-source.js';
import { PodWorker } from './pod-worker.js';
import type { ContainerRuntime, NetworkPlugin, Prober } from './runtime.js';
import { type KubeletTiming, resolveTiming } from './timing.js';

export interface KubeletConfig {
  readonly nodeName: string;
  readonly topologyNode: TopologyNode;
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly network: NetworkPlugin;
  readonly runtime: ContainerRuntime;
  readonly prober: Prober;
  /** Simulated delays and upstream periods; see `KubeletTiming` for defaults. */
  readonly timing?: Partial<KubeletTiming>;
  readonly versions?: Partial<NodeVersions>;
  /** A dispatcher shared by every kubelet of the store; each kubelet makes its own when omitted. */
  readonly pods?: PodDispatcher;
}

export class Kubelet {
  readonly nodeName: string;
  readonly #c: KubeletConfig;
  readonly #timing: KubeletTiming;
  readonly #agent: NodeAgent;
  readonly #images: ImagePuller;
  readonly #pods: PodDispatcher;
  readonly #workers = new Map<string, PodWorker>();
  /** Finished pods (Succeeded/Failed) from an earlier boot: nothing runs, the runtime still holds their logs. */
  readonly #finished = new Map<string, StoredPod>();
  /** Every pod the node held when it went down, to clean up those deleted meanwhile. */
  #heldAtStop = new Map<string, StoredPod>();
  /** Pods this kubelet finished and removed: late events about them are ignored. */
  readonly #gone = new Set<string>();
  #controller: Controller | undefined;
  #ctx: PodWorkerContext | undefined;
  #unsubscribe: (() => void) | undefined;
  #boot = 0;
  #downSince: number | undefined;

  constructor(config: KubeletConfig) {
    if (config.nodeName !== config.topologyNode.name) {
      throw new UserError(
        `Kubelet nodeName ${config.nodeName} does not match topology node ${config.topologyNode.name}`,
      );
    }
    if (!config.topologyNode.address) throw new UserError(`Node ${config.nodeName} has no address`);
    this.nodeName = config.nodeName;
    this.#c = { ...config, logger: config.logger.child({ component: 'kubelet', node: config.nodeName }) };
    this.#timing = resolveTiming(config.timing);
    this.#images = new ImagePuller({
      clock: config.clock,
      pullMs: this.#timing.imagePullMs,
      repullMs: this.#timing.imageRepullMs,
    });
    this.#pods = config.pods ?? new PodDispatcher(config.store);
    this.#agent = new NodeAgent({
      node: config.topologyNode,
      registry: config.registry,
      clock: config.clock,
      logger: this.#c.logger,
      events: config.events,
      versions: {
        kubeletVersion: 'v1.32.2',
        containerRuntimeVersion: 'containerd://1.7.24',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: release(),
        ...config.versions,
      },
      heartbeatMs: this.#timing.heartbeatMs,
      statusUpdateMs: this.#timing.nodeStatusUpdateMs,
      statusReportMs: this.#timing.nodeStatusReportMs,
      leaseDurationSeconds: this.#timing.leaseDurationSeconds,
    });
  }

  /** Whether the node is up. */
  get running(): boolean {
    return this.#controller !== undefined;
  }

  /** Pods this kubelet is running or finishing. */
  get podCount(): number {
    return this.#workers.size;
  }

  /**
   * Brings the node up: registers the Node, starts the Lease heartbeat, and
   * runs every pod bound to it. Idempotent while running; aborting `signal`
   * stops the node.
   */
  start(signal?: AbortSignal): void {
    if (this.#controller) return;
    this.#boot++;
    this.#controller = new Controller({
      name: `kubelet/${this.nodeName}`,
      clock: this.#c.clock,
      logger: this.#c.logger,
      reconcile: (uid) => this.#workers.get(uid)?.syncStatus(),
    });
    this.#ctx = this.#context();
    this.#agent.start(this.#boot);
    this.#unsubscribe = this.#pods.register(this.nodeName, (e) => this.#safely(e));
    this.#controller.start();
    const present = new Set<string>();
    for (const pod of podsOnNode(this.#c.store, this.nodeName)) {
      present.add(pod.metadata.uid ?? '');
      this.#admit(pod);
    }
    this.#cleanUpOrphans(present);
    this.#downSince = undefined;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.#c.logger.info({ boot: this.#boot }, 'Kubelet started');
  }

  /**
   * Takes the node down: no more heartbeats or status writes; every container
   * is killed. Pod objects stay as they are for the node lifecycle controller.
   */
  async stop(): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    this.#downSince = this.#c.clock.now();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#agent.stop();
    this.#heldAtStop = new Map(this.#finished);
    for (const w of [...this.#workers.values()]) {
      this.#heldAtStop.set(w.uid, w.pod);
      w.halt();
    }
    this.#workers.clear();
    this.#finished.clear();
    await controller.stop();
    this.#c.logger.info('Kubelet stopped');
  }

  /**
   * Resolves once no status write is queued and probe attempts have settled
   * (tests). An attempt still pending after a few event-loop turns is left
   * running (it waits on the clock: a timeout). O(pods).
   */
  async whenIdle(): Promise<void> {
    for (let turn = 0; ; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.#controller?.whenIdle();
      const busy = turn < 20 && [...this.#workers.values()].some((w) => w.busy);
      if (!busy && (this.#controller?.queue.length ?? 0) === 0) return;
    }
  }

  #context(): PodWorkerContext {
    return {
      nodeName: this.nodeName,
      hostIP: this.#c.topologyNode.address,
      boot: this.#boot,
      clock: this.#c.clock,
      logger: this.#c.logger,
      registry: this.#c.registry,
      events: this.#c.events,
      network: this.#c.network,
      runtime: this.#c.runtime,
      prober: this.#c.prober,
      timing: this.#timing,
      images: this.#images,
      statusChanged: (uid) => this.#controller?.enqueue(uid),
      forget: (uid) => this.#forget(uid),
    };
  }

  /** Pods deleted while the node was down: their sandboxes and containers go now (kubelet garbage collection). */
  #cleanUpOrphans(present: ReadonlySet<string>): void {
    for (const [uid, pod] of this.#heldAtStop) {
      if (present.has(uid)) continue;
      this.#c.network.tearDown(pod, this.nodeName);
      this.#c.runtime.removePod(pod);
    }
    this.#heldAtStop.clear();
  }

  #admit(pod: StoredPod): void {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.#finished.set(pod.metadata.uid ?? '', pod);
      return;
    }
    if (!this.#ctx) return;
    const worker = new PodWorker(this.#ctx, pod, this.#downSince);
    this.#workers.set(worker.uid, worker);
    worker.start();
  }

  #forget(uid: string): void {
    const worker = this.#workers.get(uid);
    this.#workers.delete(uid);
    if (worker?.state !== 'done' || !this.#controller) return;
    if (this.#gone.size >= 10_000) this.#gone.clear();
    this.#gone.add(uid);
  }

  /** Store handlers must not throw: a failure on one pod is logged and the others go on. */
  #safely(event: WatchEvent<StoredPod>): void {
    try {
      this.#onPod(event);
    } catch (err) {
      const m = event.object.metadata;
      this.#c.logger.error({ pod: `${m.namespace}/${m.name}`, err: errorMessage(err) }, 'Pod sync failed');
    }
  }

  #onPod(event: WatchEvent<StoredPod>): void {
    const pod = event.object;
    if (this.#gone.has(pod.metadata.uid ?? '')) return;
    const worker = this.#workers.get(pod.metadata.uid ?? '');
    if (event.type === 'DELETED') {
      worker?.deleted(pod);
      const uid = pod.metadata.uid ?? '';
      if (this.#finished.delete(uid)) this.#c.runtime.removePod(pod);
      return;
    }
    if (worker) worker.update(pod);
    else this.#admit(pod);
  }
}
