/**
 * The node's image store and puller (pkg/kubelet/images): per imagePullPolicy
 * an image is pulled (`Pulling`, then `Successfully pulled image … in 1.021s
 * (1.021s including waiting). Image size: … bytes.`) or found
 * (`Container image "nginx:1.14.2" already present on machine`). Pulls are
 * simulated delays on the injected clock; images stay on the node across
 * `node stop/start`, as on a rebooted machine.
 *
 * Pulls run in parallel, as with `serializeImagePulls: false` and no
 * `maxParallelImagePulls`: each request is its own CRI `PullImage` call, and
 * the runtime downloads an image once, so a pod asking for an image that
 * another pod is pulling finishes with that download. In the `Pulled`
 * message the first duration is the `PullImage` call, the second adds the
 * wait for a pull slot (none here), so both are the time since that pod's own
 * `Pulling`: `in 600ms (600ms including waiting)` for a pod that joined a
 * 1 s pull after 400 ms. (Serialized pulls, the kubelet default, would make
 * every pull on a node wait for the one before it; netkube keeps them
 * parallel so that `up` stays fast.)
 *
 * netkube has no registry, so every image can be "pulled", and
 * `imagePullPolicy: Never` behaves as if the image had been side-loaded
 * (`kind load docker-image`) instead of failing with ErrImageNeverPull.
 */
import type { Container } from '../../api/types.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { imageName, imageSizeBytes, parseImage } from './identity.js';
import { podEvents } from './messages.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The effective pull policy: the spec's, else Always for `:latest` or untagged images, else IfNotPresent. */
export function pullPolicy(container: Pick<Container, 'image' | 'imagePullPolicy'>): PullPolicy {
  const p = container.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  const ref = parseImage(container.image ?? '');
  return ref.digest === undefined && ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export interface ImagePullerConfig {
  readonly clock: Clock;
  /** How long pulling an image the node does not have takes. */
  readonly pullMs: number;
  /** How long re-checking an image the node has takes under `Always` (layers are cached). */
  readonly repullMs: number;
}

/** Reports one kubelet event about the pull (`Pulling`, `Pulled`). */
export type PullEventSink = (reason: 'Pulling' | 'Pulled', message: string) => void;

/** A download in progress, shared by every pod that asked for the image meanwhile. */
interface PullInFlight {
  readonly doneAt: number;
  /** Pods waiting for it; when the last one gives up, the download is abandoned. */
  waiters: number;
}

export class ImagePuller {
  readonly #c: ImagePullerConfig;
  readonly #present = new Set<string>();
  readonly #inFlight = new Map<string, PullInFlight>();

  constructor(config: ImagePullerConfig) {
    this.#c = config;
  }

  /** Whether the node holds the image. */
  has(image: string): boolean {
    return this.#present.has(imageName(image));
  }

  /**
   * Makes sure the container's image is on the node, then calls `done` (at once
   * when nothing needs pulling). Returns a function that cancels the wait; a
   * download nobody waits for any more is abandoned (the image is not stored).
   */
  ensure(
    container: Pick<Container, 'image' | 'imagePullPolicy'>,
    emit: PullEventSink,
    done: () => void,
  ): () => void {
    const image = container.image ?? '';
    const key = imageName(image);
    const policy = pullPolicy(container);
    const present = this.#present.has(key);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      emit('Pulled', podEvents.alreadyPresent(image));
      done();
      return () => {};
    }
    const requested = this.#c.clock.now();
    emit('Pulling', podEvents.pulling(image));
    let pull = this.#inFlight.get(key);
    if (!pull) {
      pull = { doneAt: requested + (present ? this.#c.repullMs : this.#c.pullMs), waiters: 0 };
      this.#inFlight.set(key, pull);
    }
    const joined = pull;
    joined.waiters++;
    const finish = (): void => {
      if (this.#inFlight.get(key) === joined) this.#inFlight.delete(key);
      this.#present.add(key);
      // This pod's PullImage call ran from its request to the end of the download.
      const ms = this.#c.clock.now() - requested;
      emit('Pulled', podEvents.pulled(image, ms, ms, imageSizeBytes(image)));
      done();
    };
    const wait = joined.doneAt - requested;
    if (wait <= 0) {
      finish();
      return () => {};
    }
    const timer: TimerHandle = this.#c.clock.setTimeout(finish, wait);
    timer.unref();
    let cancelled = false;
    return () => {
      if (cancelled) return;
      cancelled = true;
      this.#c.clock.clearTimeout(timer);
      if (--joined.waiters === 0 && this.#inFlight.get(key) === joined) this.#inFlight.delete(key);
    };
  }
}
