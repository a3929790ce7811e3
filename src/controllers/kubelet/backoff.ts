/**
 * The kubelet's container restart back-off (client-go `flowcontrol.Backoff` as
 * kuberuntime uses it): the first restart after an exit is immediate, every
 * further one waits 10 s, 20 s, 40 s … up to 5 min; an entry that has not been
 * bumped for twice the maximum (10 min of running) starts over at 10 s.
 * Pure: the caller owns the entries and the clock.
 */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Upstream defaults: 10 s doubling to 300 s. */
export const CRASH_LOOP_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };

/** One container's back-off: the current delay and when it was last bumped. */
export interface BackoffEntry {
  readonly delayMs: number;
  readonly lastUpdate: number;
}

function hasExpired(eventTime: number, lastUpdate: number, policy: BackoffPolicy): boolean {
  return eventTime - lastUpdate > 2 * policy.maxMs;
}

/**
 * Whether a container that exited at `finishedAt` must still wait at `now`
 * (`IsInBackOffSince`). When true, the restart is due at `finishedAt + entry.delayMs`.
 */
export function isInBackOff(
  entry: BackoffEntry | undefined,
  finishedAt: number,
  now: number,
  policy: BackoffPolicy,
): boolean {
  if (!entry) return false;
  if (hasExpired(finishedAt, entry.lastUpdate, policy)) return false;
  return now - finishedAt < entry.delayMs;
}

/** Bumps the back-off as a restart happens at `now` (`Next`): doubles, capped, or resets when expired. */
export function nextBackoff(
  entry: BackoffEntry | undefined,
  now: number,
  policy: BackoffPolicy,
): BackoffEntry {
  if (!entry || hasExpired(now, entry.lastUpdate, policy)) {
    return { delayMs: policy.initialMs, lastUpdate: now };
  }
  return { delayMs: Math.min(entry.delayMs * 2, policy.maxMs), lastUpdate: now };
}
