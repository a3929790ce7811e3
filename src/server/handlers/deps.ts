/**
 * What the request handlers share: the write path, the store, the clock and
 * logger, the pod log source, and the server-side apply intents.
 */
import type { Logger } from 'pino';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Clock } from '../../util/index.js';
import type { ApplyIntents } from '../apply/intents.js';
import type { PodLogs } from '../pod-logs.js';

/** Built once by ApiServer; handlers never keep per-request state in it. */
export interface HandlerDeps {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly podLogs: PodLogs;
  readonly intents: ApplyIntents;
  /** Interval of watch bookmarks when the client allows them. */
  readonly bookmarkIntervalMs: number;
}
