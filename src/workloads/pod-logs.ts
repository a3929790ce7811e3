/**
 * `PodLogs` (the API server's seam, src/server/pod-logs.ts) over the
 * workloads `LogStore`: `GET /api/v1/namespaces/:ns/pods/:pod/log` with
 * `previous`, `tailLines`, `sinceSeconds`/`sinceTime`, `timestamps`, `follow`.
 */
import { containerWaitingError, type PodLogs, previousTerminatedNotFoundError } from '../server/index.js';
import type { Clock } from '../util/clock.js';
import { containerLogKey, type LogStore } from './logs.js';

/** Serves pod logs from `store`. */
export function podLogsFromStore(store: LogStore, clock: Clock): PodLogs {
  return {
    open(request, signal) {
      const key = containerLogKey(request.namespace, request.podName, request.container);
      if (!store.has(key))
        throw containerWaitingError(request.podName, request.container, 'ContainerCreating');
      if (request.previous && !store.has(key, true))
        throw previousTerminatedNotFoundError(request.podName, request.container);
      let sinceMs: number | undefined;
      if (request.sinceSeconds !== undefined) sinceMs = clock.now() - request.sinceSeconds * 1000;
      else if (request.sinceTime !== undefined) sinceMs = Date.parse(request.sinceTime);
      const options = {
        previous: request.previous,
        tailLines: request.tailLines,
        sinceMs,
        timestamps: request.timestamps,
      };
      if (request.follow && !request.previous) return store.follow(key, options, signal);
      const text = store.read(key, options);
      return (async function* once() {
        if (text !== '') yield text;
      })();
    },
  };
}
