/**
 * `GET /apis/netkube.dev/v1alpha1/ipam` (docs/netkube-api.md): the text of
 * `calicoctl ipam show`, with `showBlocks=1` for `--show-blocks` and
 * `showBorrowed=1` for `--show-borrowed` (both: the utilisation table, a blank
 * line, then the borrowed table). Read straight from the stored IPAM objects.
 *
 * In `host-local` mode there are no Calico pools; the route says so and lists
 * each node's podCIDR instead.
 */
import type { Node, Typed } from '../api/types.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { ObjectStore } from '../store/object-store.js';
import type { IpamType } from '../topology/types.js';
import { IPAM_BLOCKS_KEY, type IPAMBlock, IPPOOLS_KEY, type IPPool } from './objects.js';
import { borrowedAddresses, formatBorrowed, formatIpamShow, ipamUsage, renderTable } from './show.js';

type NodeObject = Typed<Node>;

export interface IpamRoutesConfig {
  readonly store: ObjectStore;
  readonly type: IpamType;
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && v !== '0' && v !== 'false';
}

/** The text `GET /ipam` serves. Pure over the store's current objects. */
export function ipamShowText(
  config: IpamRoutesConfig,
  options: { showBlocks: boolean; showBorrowed: boolean },
): string {
  if (config.type === 'host-local') {
    const nodes = config.store.list<NodeObject>('nodes');
    const rows = nodes.map((n) => [n.metadata.name ?? '', n.spec?.podCIDR ?? '<none>']);
    return `IPAM is host-local: pods take addresses from their node's podCIDR (no Calico IP pools).\n${renderTable(['Node', 'PodCIDR'], rows)}`;
  }
  const blocks = config.store.list<IPAMBlock>(IPAM_BLOCKS_KEY);
  const parts: string[] = [];
  if (options.showBlocks || !options.showBorrowed) {
    const usage = ipamUsage(config.store.list<IPPool>(IPPOOLS_KEY), blocks);
    parts.push(formatIpamShow(usage, { showBlocks: options.showBlocks }));
  }
  if (options.showBorrowed) parts.push(formatBorrowed(borrowedAddresses(blocks)));
  return parts.join('\n');
}

/** The extension routes of the ipam part, for the server to register. */
export function ipamExtensionRoutes(config: IpamRoutesConfig): ExtensionRoute[] {
  return [
    {
      method: 'GET',
      path: '/ipam',
      handle(req) {
        const body = ipamShowText(config, {
          showBlocks: flag(req.query, 'showBlocks'),
          showBorrowed: flag(req.query, 'showBorrowed'),
        });
        return { kind: 'text', body };
      },
    },
  ];
}
