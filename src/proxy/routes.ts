/**
 * `GET /apis/netkube.dev/v1alpha1/nodes/:node/rules?mode=&format=` (docs/netkube-api.md):
 * a node's kube-proxy rules as text — `iptables-save` (default) or the
 * `iptables-restore` payload, the nftables table, or `ipvsadm -Ln`. `mode` defaults to
 * the cluster's proxy mode; other modes are compiled on demand from the same state.
 * `format` applies to iptables mode only (a 400 otherwise). An unknown node is a 404
 * Status naming close matches.
 */
import { badRequest } from '../api/errors.js';
import { nodeNotFound } from '../cni/index.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { ProxyController } from './controller.js';
import type { IpvsConnectionCounts } from './evaluate/types.js';
import type { ProxyMode } from './options.js';
import { type RulesFormat, renderRules } from './render/index.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables', 'ipvs'];
const FORMATS: readonly RulesFormat[] = ['save', 'restore'];

export interface ProxyRoutesConfig {
  readonly controller: Pick<ProxyController, 'ruleSetInMode' | 'nodeNames'>;
  /** The cluster's configured proxy mode (the default of `mode=`). */
  readonly mode: ProxyMode;
  /** A node's live ipvs state: `mode=ipvs` then shows ActiveConn/InActConn as `ipvsadm -Ln` does. */
  readonly ipvsConnections?: (node: string) => IpvsConnectionCounts | undefined;
}

function parseMode(value: string | null, fallback: ProxyMode): ProxyMode {
  if (value === null || value === '') return fallback;
  if ((MODES as readonly string[]).includes(value)) return value as ProxyMode;
  throw badRequest(`invalid mode "${value}": must be one of ${MODES.join(', ')}`);
}

/** `format` chooses between iptables' two views; asking it of the nftables or ipvs view is an error. */
function parseFormat(value: string | null, mode: ProxyMode): RulesFormat {
  if (value === null || value === '') return 'save';
  if (!(FORMATS as readonly string[]).includes(value))
    throw badRequest(`invalid format "${value}": must be one of ${FORMATS.join(', ')}`);
  if (mode !== 'iptables')
    throw badRequest(`format "${value}" applies only to mode iptables: the ${mode} view has one format`);
  return value as RulesFormat;
}

/** The extension routes of the proxy part, for the server to register. */
export function proxyExtensionRoutes(config: ProxyRoutesConfig): ExtensionRoute[] {
  return [
    {
      method: 'GET',
      path: '/nodes/:node/rules',
      handle(req) {
        const node = req.params.node ?? '';
        const mode = parseMode(req.query.get('mode'), config.mode);
        const format = parseFormat(req.query.get('format'), mode);
        const ruleSet = config.controller.ruleSetInMode(node, mode);
        if (!ruleSet) throw nodeNotFound(node, config.controller.nodeNames());
        // Only a node that runs ipvs has its counters; another mode's view compiled on demand shows zeros.
        const ipvs = mode === 'ipvs' && config.mode === 'ipvs' ? config.ipvsConnections?.(node) : undefined;
        return { kind: 'text', body: renderRules(ruleSet, format, ipvs) };
      },
    },
  ];
}
