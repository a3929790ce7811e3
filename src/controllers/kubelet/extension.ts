/**
 * `POST /apis/netkube.dev/v1alpha1/nodes/:node/stop|start` (docs/netkube-api.md):
 * `netkube node stop|start NODE`. Stopping a node stops its kubelet (no more
 * heartbeats, containers killed); the emulator adds what else goes down with a
 * node (its dataplane listeners) through the hooks. Both are idempotent.
 */
import { StatusError } from '../../api/errors.js';
import type { ExtensionRoute } from '../../server/extensions.js';
import type { Kubelets } from './kubelets.js';

export interface NodeRoutesConfig {
  readonly kubelets: Kubelets;
  /** Called after the node's kubelet stopped (e.g. close its dataplane listeners). */
  readonly stopped?: (node: string) => void | Promise<void>;
  /** Called before the node's kubelet starts again (e.g. reopen its listeners). */
  readonly starting?: (node: string) => void | Promise<void>;
}

export interface NodeStateResponse {
  readonly node: string;
  readonly state: 'stopped' | 'running';
}

/** The API server's 404 for a node that does not exist. */
function notFound(node: string): StatusError {
  return new StatusError('NotFound', 404, `nodes "${node}" not found`, {
    details: { name: node, group: '', kind: 'nodes' },
  });
}

/** The extension routes of the kubelets, for the server to register. */
export function nodeExtensionRoutes(config: NodeRoutesConfig): ExtensionRoute[] {
  const lookup = (node: string) => {
    const kubelet = config.kubelets.get(node);
    if (!kubelet) throw notFound(node);
    return kubelet;
  };
  return [
    {
      method: 'POST',
      path: '/nodes/:node/stop',
      async handle(req) {
        const node = req.params.node ?? '';
        await lookup(node).stop();
        await config.stopped?.(node);
        const body: NodeStateResponse = { node, state: 'stopped' };
        return { kind: 'json', body };
      },
    },
    {
      method: 'POST',
      path: '/nodes/:node/start',
      async handle(req) {
        const node = req.params.node ?? '';
        const kubelet = lookup(node);
        if (!kubelet.running) {
          await config.starting?.(node);
          kubelet.start();
        }
        const body: NodeStateResponse = { node, state: 'running' };
        return { kind: 'json', body };
      },
    },
  ];
}
