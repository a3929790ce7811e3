/**
 * `GET /apis/netkube.dev/v1alpha1/nodes/:node/routes` (docs/netkube-api.md):
 * the node's `ip route`, as `netkube routes NODE` prints it. An unknown node is
 * a 404 `Status` (`nodes "wrker-1" not found`) that names the close matches.
 */
import { StatusError } from '../api/errors.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { NetworkReadModel } from './network-model.js';
import { renderRoute } from './routes.js';

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** Names within edit distance 2, or sharing a prefix of 3+ characters, closest first. */
export function closeMatches(name: string, candidates: readonly string[]): string[] {
  return candidates
    .map((c) => ({ c, d: distance(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= 2 || (name.length >= 3 && c.startsWith(name)))
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1))
    .map(({ c }) => c);
}

/** The 404 for an unknown node, with close matches in the message. */
export function nodeNotFound(name: string, known: readonly string[]): StatusError {
  const close = closeMatches(name, known);
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  return new StatusError('NotFound', 404, `nodes "${name}" not found${hint}`, {
    details: { name, group: '', kind: 'nodes' },
  });
}

/** The node's routes as `ip route` prints them. */
export function nodeRoutesText(model: NetworkReadModel, node: string): string | undefined {
  return model
    .routes(node)
    ?.map((r) => `${renderRoute(r)}\n`)
    .join('');
}

export interface CniRoutesConfig {
  readonly model: NetworkReadModel;
}

/** The extension routes of the cni part, for the server to register. */
export function cniExtensionRoutes(config: CniRoutesConfig): ExtensionRoute[] {
  return [
    {
      method: 'GET',
      path: '/nodes/:node/routes',
      handle(req) {
        const node = req.params.node ?? '';
        const text = nodeRoutesText(config.model, node);
        if (text === undefined) throw nodeNotFound(node, config.model.nodeNames());
        return { kind: 'text', body: text };
      },
    },
  ];
}
