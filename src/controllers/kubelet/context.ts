/**
 * What a pod worker needs from its kubelet: the node's identity and seams,
 * and two callbacks into the kubelet's status queue. One context per kubelet
 * boot (container IDs include the boot).
 */
import type { Logger } from '../../log/index.js';
import type { Registry } from '../../store/registry.js';
import type { Clock } from '../../util/clock.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ImagePuller } from './image-puller.js';
import type { ContainerRuntime, NetworkPlugin, Prober } from './runtime.js';
import type { KubeletTiming } from './timing.js';

export interface PodWorkerContext {
  readonly nodeName: string;
  /** The node's InternalIP: `status.hostIP`. */
  readonly hostIP: string;
  /** Which boot of the node this is (1 for the first start). */
  readonly boot: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly events: EventRecorder;
  readonly network: NetworkPlugin;
  readonly runtime: ContainerRuntime;
  readonly prober: Prober;
  readonly timing: KubeletTiming;
  readonly images: ImagePuller;
  /** Queues a status write for the pod; writes are coalesced per pod. */
  statusChanged(uid: string): void;
  /** The worker is done with its pod; the kubelet drops it. */
  forget(uid: string): void;
}
