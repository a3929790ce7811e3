/**
 * The taint eviction controller (pkg/controller/tainteviction, the "taint
 * manager"): pods on a node with NoExecute taints they do not tolerate are
 * deleted at once; pods that tolerate them for `tolerationSeconds` are deleted
 * when the shortest such toleration runs out; tolerations without seconds
 * keep the pod forever. Deletion adds the DisruptionTarget condition, then
 * deletes with the pod's own grace period: on a dead node the pod then stays
 * Terminating until its kubelet comes back, exactly as on a real cluster.
 */

import type { Taint } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import { resourceForKind } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import { deepEqual } from '../../store/equality.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe, WatchEvent } from '../../store/watch.js';
import { type Clock, rfc3339, type TimerHandle } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { podsOnNode, type StoredPod } from '../kubelet/index.js';
import { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { StoredNode } from './monitor.js';
import { matchingTolerations, minTolerationSeconds, noExecuteTaints } from './taints.js';

export interface TaintEvictionControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
}

const NODE = resourceForKind('Node')!;
const POD = resourceForKind('Pod')!;
const SOURCE = { component: 'taint-eviction-controller' };

/** A scheduled deletion; `timer` is undefined once it has fired. */
interface Work {
  readonly createdAt: number;
  timer: TimerHandle | undefined;
}

type Key = `node:${string}` | `pod:${string}`;

export class TaintEvictionController {
  readonly #c: TaintEvictionControllerConfig;
  readonly #logger: Logger;
  readonly #tainted = new Map<string, Taint[]>();
  readonly #work = new Map<string, Work>();
  #queue: Controller<Key> | undefined;
  #unsubscribe: Unsubscribe[] = [];

  constructor(config: TaintEvictionControllerConfig) {
    this.#c = config;
    this.#logger = config.logger.child({ component: 'controller/taint-eviction' });
  }

  start(): void {
    if (this.#queue) return;
    this.#queue = new Controller<Key>({
      name: 'controller/taint-eviction',
      clock: this.#c.clock,
      logger: this.#logger,
      reconcile: (key) => this.#sync(key),
    });
    this.#unsubscribe = [
      this.#c.store.subscribe('nodes', (e) => this.#onNode(e as WatchEvent<StoredNode>)),
      this.#c.store.subscribe('pods', (e) => this.#onPod(e as WatchEvent<StoredPod>)),
    ];
    for (const node of this.#c.store.list('nodes')) this.#queue.enqueue(`node:${node.metadata.name}`);
    this.#queue.start();
  }

  async stop(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    for (const u of this.#unsubscribe) u();
    for (const w of this.#work.values()) if (w.timer) this.#c.clock.clearTimeout(w.timer);
    this.#work.clear();
    await queue.stop();
  }

  /** True when no eviction is queued or running. */
  get idle(): boolean {
    return this.#queue?.idle ?? true;
  }

  async whenIdle(): Promise<void> {
    await this.#queue?.whenIdle();
  }

  #onNode(e: WatchEvent<StoredNode>): void {
    const before = e.type === 'MODIFIED' ? noExecuteTaints(e.previous) : undefined;
    if (before && deepEqual(before, noExecuteTaints(e.object))) return;
    this.#queue?.enqueue(`node:${e.object.metadata.name}`);
  }

  #onPod(e: WatchEvent<StoredPod>): void {
    const pod = e.object;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (e.type === 'MODIFIED') {
      const prev = e.previous;
      if (
        prev.spec?.nodeName === pod.spec?.nodeName &&
        deepEqual(prev.spec?.tolerations, pod.spec?.tolerations)
      )
        return;
    }
    // Only pods on tainted nodes, or with a deletion scheduled, have anything to do here; a node
    // tainted later processes its pods itself. This keeps 100,000 healthy pods off the queue.
    const nodeName = pod.spec?.nodeName;
    if (!this.#work.has(key) && !(nodeName && this.#tainted.has(nodeName))) return;
    this.#queue?.enqueue(`pod:${key}`);
  }

  #sync(key: Key): void {
    if (key.startsWith('node:')) this.#syncNode(key.slice(5));
    else this.#syncPod(key.slice(4));
  }

  #syncNode(name: string): void {
    const node = this.#c.registry.tryGet<StoredNode>(NODE, undefined, name);
    if (!node) {
      this.#tainted.delete(name);
      return;
    }
    const taints = noExecuteTaints(node);
    if (taints.length === 0) this.#tainted.delete(name);
    else this.#tainted.set(name, taints);
    const now = this.#c.clock.now();
    for (const pod of podsOnNode(this.#c.store, name)) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (taints.length === 0) this.#cancel(key);
      else this.#processPod(key, pod, taints, now);
    }
  }

  #syncPod(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = this.#c.registry.tryGet<StoredPod>(POD, namespace, name);
    if (!pod) {
      this.#cancel(key);
      return;
    }
    const taints = this.#tainted.get(pod.spec?.nodeName ?? '');
    if (taints) this.#processPod(key, pod, taints, this.#c.clock.now());
  }

  /** `processPodOnNode`. */
  #processPod(key: string, pod: StoredPod, taints: readonly Taint[], now: number): void {
    const { allTolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!allTolerated) {
      this.#cancel(key);
      this.#schedule(key, now, now);
      return;
    }
    const seconds = minTolerationSeconds(used);
    if (seconds < 0) {
      this.#cancel(key);
      return;
    }
    const trigger = now + seconds * 1000;
    const existing = this.#work.get(key);
    if (existing?.timer) {
      // A deletion already scheduled earlier stands.
      if (existing.createdAt + seconds * 1000 < trigger) return;
      this.#cancel(key);
    }
    this.#schedule(key, existing?.createdAt ?? now, trigger);
  }

  #schedule(key: string, createdAt: number, fireAt: number): void {
    if (this.#work.has(key)) return;
    const work: Work = { createdAt, timer: undefined };
    this.#work.set(key, work);
    const delay = fireAt - this.#c.clock.now();
    if (delay <= 0) {
      this.#evict(key);
      return;
    }
    work.timer = this.#c.clock.setTimeout(() => {
      work.timer = undefined;
      this.#evict(key);
    }, delay);
    work.timer.unref();
  }

  /** `cancelWorkWithEvent`: a pending deletion is called off (`Cancelling deletion of Pod ns/name`). */
  #cancel(key: string): void {
    const work = this.#work.get(key);
    if (!work) return;
    this.#work.delete(key);
    if (!work.timer) return;
    this.#c.clock.clearTimeout(work.timer);
    this.#event(key, `Cancelling deletion of Pod ${key}`);
  }

  /** The events carry no uid (upstream refs only namespace/name), so `describe pod` does not list them. */
  #event(key: string, message: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
    this.#c.events.record(ref, 'Normal', 'TaintManagerEviction', message, SOURCE);
  }

  /** `deletePodHandler`: event, DisruptionTarget condition, then delete with the pod's grace period. */
  #evict(key: string): void {
    this.#logger.info({ pod: key }, 'Deleting pod');
    this.#event(key, `Marking for deletion Pod ${key}`);
    const [namespace, name] = key.split('/') as [string, string];
    try {
      const pod = this.#c.registry.tryGet<StoredPod>(POD, namespace, name);
      if (!pod) return;
      const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      const old = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      const condition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
        lastTransitionTime:
          old?.status === 'True' ? (old.lastTransitionTime ?? '') : rfc3339(this.#c.clock.now()),
      };
      const status = { ...pod.status, conditions: [...conditions, condition] };
      this.#c.registry.update({ ...pod, status }, { subresource: 'status' });
      this.#c.registry.delete(POD, namespace, name, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) this.#logger.warn({ pod: key, err: errorMessage(err) }, 'Failed to evict pod');
    }
  }
}
