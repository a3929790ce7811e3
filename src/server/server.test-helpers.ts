/**
 * Test support (imported by tests only): an ApiServer on 127.0.0.1 port 0
 * over a fresh frozen store, with seeded namespaces, and small HTTP helpers
 * (fetch-based requests, line-by-line reading of watch streams).
 */
import type { KubeObject } from '../api/index.js';
import { silentLogger } from '../log/index.js';
import { ObjectStore } from '../store/object-store.js';
import { Registry } from '../store/registry.js';
import { type Clock, realClock, seededRandom } from '../util/index.js';
import { ApiServer } from './api-server.js';
import type { ExtensionRoute } from './extensions.js';
import { NO_POD_LOGS, type PodLogs } from './pod-logs.js';

export interface TestServer {
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly server: ApiServer;
  readonly url: string;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    clock?: Clock;
    historySize?: number;
    extensions?: ExtensionRoute[];
    podLogs?: PodLogs;
    bookmarkIntervalMs?: number;
  } = {},
): Promise<TestServer> {
  const clock = options.clock ?? realClock;
  const store = new ObjectStore({
    freeze: true,
    ...(options.historySize ? { historySize: options.historySize } : {}),
  });
  const registry = new Registry({ store, clock, random: seededRandom(7) });
  for (const name of ['default', 'kube-system']) {
    registry.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      status: { phase: 'Active' },
    } as KubeObject);
  }
  const server = new ApiServer({
    registry,
    store,
    clock,
    logger: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    extensions: options.extensions ?? [],
    podLogs: options.podLogs ?? NO_POD_LOGS,
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  });
  const { url } = await server.start();
  return {
    store,
    registry,
    server,
    url,
    request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    close: () => server.stop(),
  };
}

/** Reads newline-delimited JSON from a streaming response. */
export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(res: Response) {
    if (!res.body) throw new Error('Response has no body');
    this.#reader = res.body.getReader();
  }

  /** The next JSON line; undefined when the stream ended. */
  async next<T = { type: string; object: Record<string, unknown> }>(): Promise<T | undefined> {
    for (;;) {
      const nl = this.#buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        if (line.trim() !== '') return JSON.parse(line) as T;
        continue;
      }
      const { done, value } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}
