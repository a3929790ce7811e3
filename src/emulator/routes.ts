/**
 * The emulator's own extension routes: `GET /status` (what `netkube status`
 * prints), `POST /shutdown` (`netkube down`) and `GET /nodes/:node/conntrack`.
 */
import { notFound } from '../api/errors.js';
import { resourceForKind } from '../api/resources.js';
import { formatConntrack } from '../dataplane/conntrack.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { Cluster } from './cluster.js';

export interface EmulatorStatus {
  readonly name: string;
  readonly version: string;
  readonly apiUrl: string;
  readonly nodes: ReadonlyArray<{
    readonly name: string;
    readonly address: string;
    readonly role: string;
    readonly ready: boolean;
    readonly stopped: boolean;
  }>;
  readonly dns: { readonly host: string; readonly port: number } | undefined;
  readonly socks: { readonly host: string; readonly port: number } | undefined;
  readonly pods: { readonly ready: number; readonly total: number };
  /** Listeners Services ask for that could not be bound (`127.0.10.2:30080: EADDRINUSE`). */
  readonly listenFailures: readonly string[];
}

export interface EmulatorRoutesConfig {
  readonly cluster: Cluster;
  readonly status: () => EmulatorStatus;
  readonly shutdown: () => void;
}

export function emulatorRoutes(config: EmulatorRoutesConfig): ExtensionRoute[] {
  const { cluster } = config;
  return [
    { method: 'GET', path: '/status', handle: () => ({ kind: 'json', body: config.status() }) },
    {
      method: 'POST',
      path: '/shutdown',
      handle: () => {
        setImmediate(config.shutdown);
        return { kind: 'json', body: { stopping: true } };
      },
    },
    {
      method: 'GET',
      path: '/nodes/:node/conntrack',
      handle: (req) => {
        const node = req.params.node ?? '';
        const info = resourceForKind('Node');
        if (!info || !cluster.store.get('nodes', undefined, node)) {
          throw notFound(info ?? { group: '', resource: 'nodes' }, node);
        }
        const entries = cluster.dataplane.conntrack.list(node);
        if (req.query.get('o') === 'json') return { kind: 'json', body: { entries } };
        return { kind: 'text', body: formatConntrack(entries, Date.now()) };
      },
    },
  ];
}
