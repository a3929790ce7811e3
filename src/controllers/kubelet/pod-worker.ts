/**
 * One pod on one node, from admission to removal: the kubelet's pod worker.
 * A thin owner of the pod's state; `pod-lifecycle.ts` brings containers up and
 * restarts them, `pod-stop.ts` stops them and ends the pod, and
 * `pod-worker-probes.ts` acts on probe results. Status writes are coalesced by
 * the kubelet's queue, which calls `syncStatus`.
 *
 * All calls come from the one event loop; a worker never touches another pod.
 */

import type { PodWorkerContext } from './context.js';
import { podEvents } from './messages.js';
import { createSandbox } from './pod-lifecycle.js';
import { createProbeWorkers } from './pod-probes.js';
import type { StoredPod } from './pod-source.js';
import { applySpecChanges } from './pod-spec-update.js';
import {
  allRecords,
  newPodState,
  type PodState,
  podEvent,
  type WorkerState,
  writeStatus,
} from './pod-state.js';
import { halt, podRemoved, terminate } from './pod-stop.js';
import { probeHost } from './pod-worker-probes.js';

export class PodWorker {
  readonly uid: string;
  readonly #s: PodState;

  /**
   * `downSince`, for a pod resumed after `node start`, is when the node went
   * down: containers that were running then are reported lost at that time.
   */
  constructor(ctx: PodWorkerContext, pod: StoredPod, downSince?: number) {
    this.#s = newPodState(ctx, pod, downSince);
    this.uid = this.#s.uid;
  }

  get pod(): StoredPod {
    return this.#s.pod;
  }

  get state(): WorkerState {
    return this.#s.state;
  }

  /** Whether a probe attempt is in flight (tests wait for these to settle). */
  get busy(): boolean {
    return this.#s.probes.some((p) => p.worker.busy);
  }

  /** Admits the pod: probes start ticking, the sandbox is created and the containers follow. */
  start(): void {
    const s = this.#s;
    s.probes = createProbeWorkers(allRecords(s), s.ctx.clock, probeHost(s));
    for (const p of s.probes) p.worker.start();
    if (s.pod.metadata.deletionTimestamp) {
      terminate(s);
      return;
    }
    if (allRecords(s).some((r) => r.everStarted)) {
      // Resumed after a node restart: the old sandbox died with the node.
      podEvent(s, 'Normal', 'SandboxChanged', podEvents.sandboxChanged());
      s.ctx.network.tearDown(s.pod, s.ctx.nodeName);
    }
    createSandbox(s);
  }

  /**
   * A newer version of the pod arrived (the kubelet's own writes included): a
   * deletionTimestamp starts termination, a changed container image restarts
   * that container.
   */
  update(pod: StoredPod): void {
    const s = this.#s;
    s.pod = pod;
    if (pod.metadata.deletionTimestamp && (s.state === 'active' || s.state === 'finished')) terminate(s);
    else applySpecChanges(s, pod);
  }

  /** The pod object was removed from the store. */
  deleted(pod: StoredPod): void {
    podRemoved(this.#s, pod);
  }

  /** The node went down: containers die, nothing is written. */
  halt(): void {
    halt(this.#s);
  }

  /** Posts the pod's status if it changed. Called by the kubelet's status queue. */
  syncStatus(): void {
    if (this.#s.state !== 'done') writeStatus(this.#s, false);
  }
}
